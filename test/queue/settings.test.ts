// The queue's knobs come from the environment; a bad value stops the App at startup with a message
// naming the variable, never a silent default.

import { describe, expect, it } from "vitest";
import { MemoryQueue } from "../../src/queue/memory-queue.js";
import { createQueue, QUEUE_VARIABLES, QueueConfigError, queueConfig } from "../../src/queue/settings.js";

const quiet = { info() {}, warn() {}, error() {} };

describe("queue settings from the environment", () => {
  it("defaults each knob, and uses the in-process queue without REDIS_URL", () => {
    const config = queueConfig({});
    expect(config).toMatchObject({
      concurrency: QUEUE_VARIABLES.KUBEDELTA_CONCURRENCY.default,
      attempts: 3,
      backoffMs: 10_000,
      lockDurationMs: 30_000,
      stalledIntervalMs: 15_000,
      shutdownGraceMs: 25_000,
    });
    expect(config.redisUrl).toBeUndefined();
    expect(createQueue(config, quiet)).toBeInstanceOf(MemoryQueue);
  });

  it("reads every knob", () => {
    const config = queueConfig({
      REDIS_URL: " redis://redis:6379 ",
      KUBEDELTA_CONCURRENCY: "8",
      KUBEDELTA_JOB_ATTEMPTS: "5",
      KUBEDELTA_JOB_BACKOFF_MS: "2000",
      KUBEDELTA_LOCK_DURATION_MS: "60000",
      KUBEDELTA_STALLED_INTERVAL_MS: "20000",
      KUBEDELTA_SHUTDOWN_GRACE_MS: "9000",
    });
    expect(config).toMatchObject({
      redisUrl: "redis://redis:6379",
      concurrency: 8,
      attempts: 5,
      backoffMs: 2_000,
      lockDurationMs: 60_000,
      stalledIntervalMs: 20_000,
      shutdownGraceMs: 9_000,
    });
  });

  it.each(["0", "-1", "1.5", "ten", "1e400"])("refuses %j, naming the variable and what it sets", (raw) => {
    expect(() => queueConfig({ KUBEDELTA_JOB_ATTEMPTS: raw })).toThrow(QueueConfigError);
    expect(() => queueConfig({ KUBEDELTA_JOB_ATTEMPTS: raw })).toThrow(
      `KUBEDELTA_JOB_ATTEMPTS must be a positive whole number (attempts per review when GitHub fails in a way worth retrying); got "${raw}"`,
    );
  });
});
