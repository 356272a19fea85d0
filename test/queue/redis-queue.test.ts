// The BullMQ queue on a real redis-server: the queue contract, and what only Redis gives: a job whose
// worker process is killed is taken over by another, jobs outlive a Redis restart (with persistence),
// and while Redis is down a job runs in the process that received it instead of being lost.

import { spawn } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisQueue } from "../../src/queue/redis-queue.js";
import type { Attempt, ReviewJobData } from "../../src/queue/types.js";
import { gate, job, queueContract, until } from "./contract.js";
import { RedisServer, SKIP_REDIS } from "./redis-server.js";
import { freshPrefix, TEST_TIMINGS } from "./redis-timings.js";

const quiet = { info() {}, warn() {}, error() {} };

describe.skipIf(SKIP_REDIS)("the Redis queue (BullMQ)", () => {
  let redis: RedisServer;
  const open: RedisQueue[] = [];
  const queueOn = (url: string, prefix = freshPrefix(), extra: Partial<typeof TEST_TIMINGS> = {}) => {
    const queue = new RedisQueue({ ...TEST_TIMINGS, ...extra, url, prefix, log: quiet });
    open.push(queue);
    return queue;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.close(500)));
  });

  afterAll(async () => {
    await redis?.stop();
  });

  queueContract("Redis", async (settings) => queueOn(redis.url, freshPrefix(), settings));

  it("hands the job of a worker process that was killed midway to another worker, as a restart", async () => {
    const prefix = freshPrefix();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/queue/fixtures/worker-process.ts", redis.url, prefix],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await until(() => output.includes("ready"), 20_000);
      const queue = queueOn(redis.url, prefix);
      expect(await queue.add(job("pr#1@abc", 1))).toBe("queued");
      await until(() => output.includes("started d1"));
      child.kill("SIGKILL");
      // Its worker gone, the job is still live: the same work collapses into it.
      expect(await queue.add(job("pr#1@abc", 1))).toBe("collapsed");
      const runs: [ReviewJobData, Attempt][] = [];
      const killedAt = Date.now();
      queue.process(async (data, attempt) => {
        runs.push([data, attempt]);
      });
      await until(() => runs.length === 1, 5_000);
      // Lock 600 ms, found by a check every 200 ms.
      expect(Date.now() - killedAt).toBeLessThan(3_000);
      expect(runs[0]).toEqual([job("pr#1@abc", 1).data, { number: 1, of: 3, restarts: 1 }]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);

  it("while Redis is down, runs a new job in this process; once Redis is back, queues again", async () => {
    const queue = queueOn(redis.url);
    const ran: string[] = [];
    queue.process(async (data) => {
      ran.push(data.deliveryId);
    });
    await queue.ready();
    expect(await queue.healthy()).toBe(true);
    await redis.kill();
    try {
      expect(await queue.healthy()).toBe(false);
      const started = Date.now();
      expect(await queue.add(job("outage", 1))).toBe("in-process");
      // At once: a Redis known to be down is not waited for.
      expect(Date.now() - started).toBeLessThan(200);
      await until(() => ran.includes("d1"));
    } finally {
      await redis.restart();
    }
    await until(() => ran.length === 1);
    await expect.poll(() => queue.healthy(), { timeout: 5_000 }).toBe(true);
    expect(await queue.add(job("after", 2))).toBe("queued");
    await until(() => ran.includes("d2"), 5_000);
  }, 20_000);

  it("survives a Redis restart: a job running then finishes, the worker reconnects and takes new ones", async () => {
    const queue = queueOn(redis.url);
    const release = gate();
    const finished: string[] = [];
    queue.process(async (data) => {
      if (data.deliveryId === "d1") await release.opened;
      finished.push(data.deliveryId);
    });
    await queue.add(job("long", 1));
    await queue.ready();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.restart();
    release.open();
    await until(() => finished.includes("d1"));
    await expect.poll(() => queue.healthy(), { timeout: 5_000 }).toBe(true);
    expect(await queue.add(job("next", 2))).toBe("queued");
    await until(() => finished.includes("d2"), 5_000);
  }, 20_000);
});

describe.skipIf(SKIP_REDIS)("the Redis queue on a Redis with persistence", () => {
  it("keeps a queued job across a Redis restart, and runs it once a worker comes", async () => {
    const redis = await RedisServer.start({ persistent: true });
    const prefix = freshPrefix();
    const producer = new RedisQueue({ ...TEST_TIMINGS, url: redis.url, prefix, log: quiet });
    const consumer = new RedisQueue({ ...TEST_TIMINGS, url: redis.url, prefix, log: quiet });
    try {
      expect(await producer.add(job("durable", 1))).toBe("queued");
      await redis.restart();
      const ran: string[] = [];
      consumer.process(async (data) => {
        ran.push(data.deliveryId);
      });
      await until(() => ran.length === 1, 5_000);
      expect(ran).toEqual(["d1"]);
    } finally {
      await producer.close(100);
      await consumer.close(100);
      await redis.stop();
    }
  }, 20_000);
});
