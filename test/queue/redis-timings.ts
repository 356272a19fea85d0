// Redis queue settings for tests: a dead worker's job is taken over within about a second (lock
// 600 ms, checked every 200 ms), retries after 40 ms, locks expire in a second.

import type { RedisQueueOptions } from "../../src/queue/redis-queue.js";
import { isRetryable } from "../../src/queue/retryable.js";

export const TEST_TIMINGS: Omit<RedisQueueOptions, "url" | "log"> = {
  concurrency: 2,
  attempts: 3,
  backoffMs: 40,
  retryable: isRetryable,
  lockDurationMs: 600,
  stalledIntervalMs: 200,
  maxRestarts: 2,
  addTimeoutMs: 1_000,
  lockTiming: { ttlMs: 1_000, waitMs: 5_000, pollMs: 20 },
};

/** A key prefix of its own, so that tests sharing a Redis never see each other's jobs. */
export const freshPrefix = () => `t${Math.random().toString(36).slice(2, 10)}`;
