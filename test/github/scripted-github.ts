// A GitHub on 127.0.0.1 whose answers each test scripts route by route, and the client a Probot App
// gets for an installation, built as in production (throttling and retries on, Probot's own rate
// limit handlers), pointed at it. Every request is recorded with the time it arrived.

import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Probot, type ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/types.js";

// Each client is another installation: the throttle spaces each installation's writes on its own,
// so one test's writes do not hold up the next test's.
let installations = 4242;

export interface Arrival {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** When it arrived, by performance.now(). */
  at: number;
}

/** Answers one request; one that never calls `res.end` leaves the request unanswered. */
export type Script = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface ScriptedGitHub {
  baseUrl: string;
  /** Requests other than the installation token's, in arrival order. */
  arrivals: Arrival[];
  /** Answers `METHOD /path` (exact path, no query) with `script` from now on. */
  on(route: string, script: Script): void;
  close(): Promise<void>;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

export async function scriptedGitHub(): Promise<ScriptedGitHub> {
  const scripts = new Map<string, Script>();
  const arrivals: Arrival[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    req.resume();
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname)) {
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      json(res, 201, { token: "ghs_test", expires_at: expires, permissions: {} });
      return;
    }
    arrivals.push({ method: req.method ?? "", url: req.url ?? "", at: performance.now() });
    const script = scripts.get(`${req.method} ${url.pathname}`);
    if (script) script(req, res, url);
    else json(res, 404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    on: (route, script) => scripts.set(route, script),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let privateKey: string | undefined;

/**
 * The installation client Probot hands an event, as `probot run` builds it: Probot's Octokit with
 * @octokit/plugin-throttling (writes one second apart) and @octokit/plugin-retry, and the throttle
 * handlers Probot configures; with `redisConfig`, the throttle's queue is kept in that Redis (REDIS_URL);
 * `Octokit` is the client class handed to Probot (its default: ProbotOctokit).
 */
export async function installationClient(
  baseUrl: string,
  options: { redisConfig?: string; installation?: number; Octokit?: typeof ProbotOctokit } = {},
): Promise<Octokit> {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const probot = new Probot({
    appId: 1,
    privateKey,
    baseUrl,
    logLevel: "fatal",
    redisConfig: options.redisConfig,
    Octokit: options.Octokit,
  });
  installations += 1;
  return (await probot.auth(options.installation ?? installations)) as unknown as Octokit;
}
