import { createServer, type Server } from "node:http";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  RequestTimeoutError,
  requestTimeoutMs,
  withRequestTimeout,
} from "../../src/github/timeouts.js";
import type { Octokit as AppOctokit } from "../../src/github/types.js";
import { installationClient, json, type ScriptedGitHub, scriptedGitHub } from "./scripted-github.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("request timeouts", () => {
  // A server on loopback that accepts every request and never answers.
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer(() => {}).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("turns a request GitHub never answers into a RequestTimeoutError", async () => {
    const octokit = withRequestTimeout(new Octokit({ baseUrl, log: quiet }) as unknown as AppOctokit, 100);
    const started = Date.now();
    const error = await octokit
      .request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe("GET /repos/{owner}/{repo} did not answer within 100 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("installs one deadline per client: installing it again changes nothing", async () => {
    const octokit = new Octokit({ baseUrl, log: quiet }) as unknown as AppOctokit;
    expect(withRequestTimeout(withRequestTimeout(octokit, 100), 5_000)).toBe(octokit);
    const started = Date.now();
    const error = await octokit
      .request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("GET /repos/{owner}/{repo} did not answer within 100 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reads the deadline from the environment: the default when unset, an error when not a duration", () => {
    expect(requestTimeoutMs({ KUBEDELTA_REQUEST_TIMEOUT_MS: "2500" })).toBe(2500);
    expect(requestTimeoutMs({ KUBEDELTA_REQUEST_TIMEOUT_MS: "" })).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(requestTimeoutMs({})).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    for (const bad of ["soon", "0", "-5"]) {
      expect(() => requestTimeoutMs({ KUBEDELTA_REQUEST_TIMEOUT_MS: bad })).toThrow(
        `KUBEDELTA_REQUEST_TIMEOUT_MS must be a number of milliseconds above 0, not "${bad}"`,
      );
    }
  });
});

// Probot's throttle sends an installation's writes one second apart; the deadline is shorter, so a
// write that waited its turn would have timed out had the wait counted.
describe("the deadline counts time on the wire, not time in Probot's throttle queue", () => {
  const DEADLINE_MS = 300;
  let github: ScriptedGitHub;

  beforeEach(async () => {
    github = await scriptedGitHub();
  });

  afterEach(async () => {
    await github.close();
  });

  it("a write queued behind another for longer than the deadline is sent and succeeds", async () => {
    github.on("POST /repos/o/r/check-runs", (_req, res) => json(res, 201, { id: 1 }));
    const octokit = withRequestTimeout(await installationClient(github.baseUrl), DEADLINE_MS);
    const started = performance.now();
    const writes = [1, 2].map(() =>
      octokit.rest.checks.create({ owner: "o", repo: "r", name: "kubedelta", head_sha: "a".repeat(40) }),
    );
    const answers = await Promise.all(writes);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    // The throttle really held the second one back, for three deadlines and more.
    const sent = github.arrivals.map((a) => a.at - started);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBeGreaterThan(900);
  });

  it("a queued write GitHub does not answer times out a deadline after it is sent, and is not retried", async () => {
    github.on("POST /repos/o/r/check-runs", (_req, res) => json(res, 201, { id: 1 }));
    github.on("PATCH /repos/o/r/check-runs/1", () => {}); // never answers
    const octokit = withRequestTimeout(await installationClient(github.baseUrl), DEADLINE_MS);
    const started = performance.now();
    const first = octokit.rest.checks.create({ owner: "o", repo: "r", name: "k", head_sha: "a".repeat(40) });
    const hung = octokit.rest.checks
      .update({ owner: "o", repo: "r", check_run_id: 1, status: "completed", conclusion: "neutral" })
      .catch((e: unknown) => e);
    await first;
    const error = await hung;
    const failedAt = performance.now();
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe(
      `PATCH /repos/{owner}/{repo}/check-runs/{check_run_id} did not answer within ${DEADLINE_MS} ms`,
    );
    const patches = github.arrivals.filter((a) => a.method === "PATCH");
    // Sent once (plugin-retry does not retry an abort), after its turn in the queue, and failed one
    // deadline later: not one deadline after it was asked for.
    expect(patches).toHaveLength(1);
    expect(patches[0].at - started).toBeGreaterThan(900);
    expect(failedAt).toBeGreaterThan(patches[0].at + DEADLINE_MS - 50);
    expect(failedAt).toBeLessThan(patches[0].at + DEADLINE_MS + 1_000);
  });

  it("an answer whose body stops coming times out too", async () => {
    github.on("GET /repos/o/r", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"name": "r", "description": "');
    });
    const octokit = withRequestTimeout(await installationClient(github.baseUrl), DEADLINE_MS);
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe(
      `GET /repos/{owner}/{repo} did not answer within ${DEADLINE_MS} ms`,
    );
  });
});
