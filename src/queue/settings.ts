// The queue's knobs, from the environment. A value that is not a positive whole number is refused at
// startup with the variable's name, never replaced silently by a default.

import type { Log } from "../github/types.js";
import { MemoryQueue } from "./memory-queue.js";
import { RedisQueue, type RedisQueueOptions } from "./redis-queue.js";
import { isRetryable } from "./retryable.js";
import type { JobQueue, QueueSettings } from "./types.js";

/** Each variable, its default, and what it sets. */
export const QUEUE_VARIABLES = {
  KUBEDELTA_CONCURRENCY: { default: 4, means: "reviews one replica runs at once" },
  KUBEDELTA_JOB_ATTEMPTS: {
    default: 3,
    means: "attempts per review when GitHub fails in a way worth retrying",
  },
  KUBEDELTA_JOB_BACKOFF_MS: {
    default: 10_000,
    means: "delay before the first retry; doubled for each next one",
  },
  KUBEDELTA_LOCK_DURATION_MS: {
    default: 30_000,
    means: "with Redis: how long a review stays locked to a replica that stopped renewing it",
  },
  KUBEDELTA_STALLED_INTERVAL_MS: {
    default: 15_000,
    means: "with Redis: how often each replica looks for reviews whose replica died",
  },
  KUBEDELTA_SHUTDOWN_GRACE_MS: {
    default: 25_000,
    means: "on SIGTERM, how long the running reviews get to finish",
  },
} as const;

type Variable = keyof typeof QUEUE_VARIABLES;

export class QueueConfigError extends Error {}

function whole(env: NodeJS.ProcessEnv, name: Variable): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return QUEUE_VARIABLES[name].default;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new QueueConfigError(
      `${name} must be a positive whole number (${QUEUE_VARIABLES[name].means}); got "${raw}"`,
    );
  return value;
}

export interface QueueConfig extends QueueSettings {
  /** REDIS_URL: BullMQ on Redis when set, the in-process queue otherwise. */
  redisUrl?: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  shutdownGraceMs: number;
}

export function queueConfig(env: NodeJS.ProcessEnv = process.env): QueueConfig {
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  const lockDurationMs = whole(env, "KUBEDELTA_LOCK_DURATION_MS");
  const stalledIntervalMs = whole(env, "KUBEDELTA_STALLED_INTERVAL_MS");
  return {
    ...(redisUrl ? { redisUrl } : {}),
    concurrency: whole(env, "KUBEDELTA_CONCURRENCY"),
    attempts: whole(env, "KUBEDELTA_JOB_ATTEMPTS"),
    backoffMs: whole(env, "KUBEDELTA_JOB_BACKOFF_MS"),
    retryable: isRetryable,
    lockDurationMs,
    stalledIntervalMs,
    shutdownGraceMs: whole(env, "KUBEDELTA_SHUTDOWN_GRACE_MS"),
  };
}

/** Runs of a review that may stop midway before the next run gives up on the commit. */
export const MAX_RESTARTS = 2;
/** An add that takes longer runs the job in this process (a webhook must be answered in 10 s). */
const ADD_TIMEOUT_MS = 3_000;

/** BullMQ on Redis when REDIS_URL is set, the in-process queue otherwise. */
export function createQueue(
  config: QueueConfig,
  log: Log,
  overrides: Partial<RedisQueueOptions> = {},
): JobQueue {
  if (!config.redisUrl) return new MemoryQueue(config);
  return new RedisQueue({
    ...config,
    url: config.redisUrl,
    log,
    maxRestarts: MAX_RESTARTS,
    addTimeoutMs: ADD_TIMEOUT_MS,
    ...overrides,
  });
}
