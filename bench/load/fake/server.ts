// The fake GitHub of the load test, over real HTTP on 127.0.0.1: GitHub Enterprise paths (REST under
// /api/v3, GraphQL at /api/graphql), one port per App replica so that every request is known by
// the replica that sent it, installation tokens checked on every repository route, latency,
// GitHub's rate limits (./limits.ts) and a log of every request. An unknown route is answered
// 404 with a body naming the fake, logged once and counted.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { answerGraphql, isMutation } from "./graphql.js";
import { type LimitOptions, Limits, SECONDARY_MESSAGE } from "./limits.js";
import { Records } from "./records.js";
import { type Answer, APP_ID, type Call, findRoute, json, notFound } from "./rest.js";
import type { Installation, World } from "./world.js";

export interface FakeOptions extends LimitOptions {
  /** Milliseconds before a read is answered (±50 %). */
  readLatencyMs: number;
  /** Milliseconds before a write is answered (±50 %). */
  writeLatencyMs: number;
}

export interface LoggedRequest {
  /** performance.now() when the request arrived, and when it was answered. */
  at: number;
  end: number;
  replica: number;
  method: string;
  path: string;
  route: string;
  status: number;
  installation?: number;
  /** A content-creating request (REST write or GraphQL mutation). */
  write: boolean;
  /** What makes two writes the same (a retry): method, path, and the commit or status written. */
  identity?: string;
}

/** A request as the fake reads it. */
interface Incoming {
  method: string;
  /** Under /api/v3 for REST. */
  path: string;
  url: URL;
  body: unknown;
  installation?: Installation;
  replica: number;
  isGraphql: boolean;
  found: ReturnType<typeof findRoute>;
  accept: string;
  write: boolean;
  identity?: string;
  authorization?: string;
}

const GRAPHQL_PATH = "/api/graphql";
const REST_PREFIX = "/api/v3";

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, { status, body, headers }: Answer): void {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(text);
}

/** The App's JWT names it as issuer (GitHub checks the signature too; the fake checks who). */
function appJwtOk(authorization: string | undefined): boolean {
  const token = /^bearer (.+)$/i.exec(authorization ?? "")?.[1];
  const payload = token?.split(".")[1];
  if (!payload) return false;
  try {
    return String(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).iss) === String(APP_ID);
  } catch {
    return false;
  }
}

/** What makes two requests the same write: for retries after a refusal. */
function writeIdentity(method: string, path: string, body: unknown): string {
  const b = (body ?? {}) as Record<string, unknown>;
  if (method === "POST" && path.endsWith("/check-runs")) return `${method} ${path} ${b.head_sha}`;
  if (method === "POST" && path.endsWith("/reviews")) return `${method} ${path} ${b.commit_id}`;
  // The same update again: a check run's fallback completion with an error is another write.
  if (method === "PATCH")
    return `${method} ${path} ${b.status ?? ""} ${b.conclusion ?? ""} ${(b.output as { title?: string } | undefined)?.title ?? ""}`;
  return `${method} ${path}`;
}

export class LoadGitHub {
  readonly records = new Records();
  readonly requests: LoggedRequest[] = [];
  /** "METHOD path" of requests no route serves → how many. */
  readonly unknown = new Map<string, number>();
  readonly limits: Limits;
  private servers: Server[] = [];
  private readonly ports: number[] = [];
  private lastAppRequest = 0;

  constructor(
    readonly world: World,
    private readonly options: FakeOptions,
  ) {
    this.limits = new Limits(options);
  }

  /** Listens on one port per replica. */
  async start(replicas: number): Promise<void> {
    for (let replica = 0; replica < replicas; replica++) {
      const server = createServer((req, res) => {
        this.handle(req, res, replica).catch((error: unknown) =>
          send(res, json(500, { message: String(error) })),
        );
      });
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      this.servers.push(server);
      this.ports.push((server.address() as AddressInfo).port);
    }
  }

  /** GHE_HOST for a replica. */
  host(replica: number): string {
    return `127.0.0.1:${this.ports[replica]}`;
  }

  /** performance.now() of the App's latest request (0: none yet). */
  get lastRequestAt(): number {
    return this.lastAppRequest;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
    this.servers = [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse, replica: number): Promise<void> {
    const at = performance.now();
    this.lastAppRequest = at;
    const body = await readJson(req);
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const fullPath = decodeURIComponent(url.pathname);
    const token = /^token (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const installation = token ? this.world.installationByToken(token) : undefined;
    const isGraphql = method === "POST" && fullPath === GRAPHQL_PATH;
    const path = fullPath.startsWith(`${REST_PREFIX}/`) ? fullPath.slice(REST_PREFIX.length) : fullPath;
    const found = isGraphql || !fullPath.startsWith(`${REST_PREFIX}/`) ? undefined : findRoute(method, path);
    const routeName = isGraphql ? "graphql" : (found?.route.name ?? "unknown");
    const write = isGraphql
      ? isMutation(body)
      : method !== "GET" && method !== "HEAD" && routeName !== "token";
    const identity = write ? writeIdentity(method, path, body) : undefined;
    const log: LoggedRequest = {
      at,
      end: at,
      replica,
      method,
      path,
      route: routeName,
      status: 0,
      installation: installation?.id,
      write,
      identity,
    };
    this.requests.push(log);
    if (installation) this.limits.enter(installation.id);
    try {
      const base = write ? this.options.writeLatencyMs : this.options.readLatencyMs;
      if (base > 0) await sleep(base * (0.5 + Math.random()));
      const answer = this.answer({
        method,
        path,
        url,
        body,
        installation,
        replica,
        isGraphql,
        found,
        accept: req.headers.accept ?? "",
        write,
        identity,
        authorization: req.headers.authorization,
      });
      log.status = answer.status;
      log.end = performance.now();
      send(res, answer);
    } finally {
      if (installation) this.limits.leave(installation.id);
    }
  }

  private answer(r: Incoming): Answer {
    if (!r.isGraphql && !r.found) return this.unknownRoute(r.method, r.path);
    const name = r.found?.route.name;
    if (name === "token" || name === "app") {
      if (!appJwtOk(r.authorization)) return json(401, { message: "A JSON web token could not be decoded" });
      if (name === "app") return r.found!.route.handle(this.call(r), this.world, this.records, r.accept);
      return this.token(Number(r.found!.params.id));
    }
    if (!r.installation) return json(401, { message: "Bad credentials" });
    if (r.found?.route.repo) {
      const owner = this.world.installationOf(r.found.params.owner, r.found.params.repo);
      if (owner?.id !== r.installation.id) return notFound();
    }
    const verdict = this.limits.admit(
      r.installation.id,
      r.method,
      r.path,
      r.identity ?? "",
      r.write,
      performance.now(),
      r.isGraphql,
    );
    if (verdict.kind === "exhausted")
      return json(
        403,
        { message: `API rate limit exceeded for installation ID ${r.installation.id}.` },
        verdict.headers,
      );
    if (verdict.kind === "refused")
      return json(
        403,
        {
          message: SECONDARY_MESSAGE,
          documentation_url:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
        verdict.headers,
      );
    if (r.isGraphql) {
      const answer = answerGraphql(this.world, this.records, r.body);
      if (answer.unknown) this.countUnknown(`POST ${GRAPHQL_PATH} (query not served)`);
      return { status: answer.status, body: answer.body, headers: verdict.headers };
    }
    if (name === "rateLimit") return json(200, this.rateLimit(r.installation.id), verdict.headers);
    const answer = r.found!.route.handle(this.call(r), this.world, this.records, r.accept);
    return { ...answer, headers: { ...verdict.headers, ...answer.headers } };
  }

  private call(r: Incoming): Call {
    return {
      method: r.method,
      path: r.path,
      url: r.url,
      params: r.found?.params ?? {},
      body: r.body,
      installation: r.installation,
      replica: r.replica,
      now: performance.now(),
      baseUrl: `http://${this.host(r.replica)}`,
    };
  }

  private token(id: number): Answer {
    const installation = this.world.installations.find((i) => i.id === id);
    if (!installation) return notFound();
    return json(201, {
      token: installation.token,
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { checks: "write", contents: "read", pull_requests: "write", metadata: "read" },
      repository_selection: "all",
    });
  }

  private rateLimit(id: number) {
    const used = this.limits.summary().find((s) => s.installation === id)?.requests ?? 0;
    const core = { limit: 5000, used, remaining: 5000 - used, reset: Math.ceil(Date.now() / 1000) + 3600 };
    return { resources: { core, graphql: core }, rate: core };
  }

  private unknownRoute(method: string, path: string): Answer {
    const template = path.replace(/\/[0-9a-f]{40}\b/g, "/{sha}").replace(/\/\d+(?=\/|$)/g, "/{n}");
    this.countUnknown(`${method} ${template}`);
    return notFound(
      `bench/load fake GitHub: no route for ${method} ${path} (add it to bench/load/fake/rest.ts)`,
    );
  }

  private countUnknown(key: string): void {
    const seen = this.unknown.get(key) ?? 0;
    if (seen === 0) console.warn(`  fake GitHub: unknown route ${key}`);
    this.unknown.set(key, seen + 1);
  }
}
