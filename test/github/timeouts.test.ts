import { createServer, type Server } from "node:http";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  RequestTimeoutError,
  requestTimeoutMs,
  withRequestTimeout,
} from "../../src/github/timeouts.js";
import type { Octokit as AppOctokit } from "../../src/github/types.js";

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

describe("request timeouts", () => {
  it("turns a request GitHub never answers into a RequestTimeoutError", async () => {
    const octokit = withRequestTimeout(new Octokit({ baseUrl }) as unknown as AppOctokit, 100);
    const started = Date.now();
    const error = await octokit
      .request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe("GET /repos/{owner}/{repo} did not answer within 100 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("installs one deadline per client: installing it again changes nothing", async () => {
    const octokit = new Octokit({ baseUrl }) as unknown as AppOctokit;
    expect(withRequestTimeout(withRequestTimeout(octokit, 100), 5_000)).toBe(octokit);
    const started = Date.now();
    const error = await octokit
      .request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe("GET /repos/{owner}/{repo} did not answer within 100 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reads the deadline from the environment, with a sane default", () => {
    expect(requestTimeoutMs({ KUBEDELTA_REQUEST_TIMEOUT_MS: "2500" })).toBe(2500);
    expect(requestTimeoutMs({ KUBEDELTA_REQUEST_TIMEOUT_MS: "soon" })).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(requestTimeoutMs({})).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
  });
});
