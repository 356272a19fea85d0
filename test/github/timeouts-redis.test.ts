// With REDIS_URL, Probot's throttle keeps its queue in Redis, shared by every replica: the issue's
// burst had reviews time out while they waited there. A real Redis (Debian's redis-server) on a free
// loopback port, started and stopped by this file.

import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { withRequestTimeout } from "../../src/github/timeouts.js";
import { installationClient, json, type ScriptedGitHub, scriptedGitHub } from "./scripted-github.js";

let redis: ChildProcess;
let redisUrl: string;
let github: ScriptedGitHub;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

beforeAll(async () => {
  const port = await freePort();
  redis = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  await new Promise<void>((resolve, reject) => {
    redis.stdout?.on("data", (data: Buffer) => {
      if (data.toString().includes("Ready to accept connections")) resolve();
    });
    redis.on("error", reject);
    redis.on("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  github = await scriptedGitHub();
});

afterAll(async () => {
  await github?.close();
  redis?.kill();
});

it("a write queued in the Redis-shared throttle for longer than the deadline is sent and succeeds", async () => {
  github.on("POST /repos/o/r/check-runs", (_req, res) => json(res, 201, { id: 1 }));
  const deadlineMs = 300;
  // Two replicas' clients for one installation: each its own Probot, one queue in Redis.
  const replicas = [
    await installationClient(github.baseUrl, { redisConfig: redisUrl, installation: 77 }),
    await installationClient(github.baseUrl, { redisConfig: redisUrl, installation: 77 }),
  ].map((octokit) => withRequestTimeout(octokit, deadlineMs));
  const started = performance.now();
  const answers = await Promise.all(
    replicas.map((octokit) =>
      octokit.rest.checks.create({ owner: "o", repo: "r", name: "kubedelta", head_sha: "a".repeat(40) }),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual([201, 201]);
  const sent = github.arrivals.map((a) => a.at - started);
  expect(sent).toHaveLength(2);
  expect(Math.max(...sent)).toBeGreaterThan(900);
  // The queue they waited in is the one in Redis.
  const client = new Redis(redisUrl);
  const keys = await client.keys("b_octokit-write-77*");
  client.disconnect();
  expect(keys.length).toBeGreaterThan(0);
});
