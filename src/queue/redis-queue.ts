// Review jobs on Redis (BullMQ), shared by every replica. A job is identified by its key through
// BullMQ's deduplication (a duplicate is dropped while the first waits or runs; `latest` keeps one
// follow-up while it runs). A worker holds a lock on each job it runs and renews it; a worker that
// dies stops renewing, and after `lockDurationMs` (found within `stalledIntervalMs`) another replica
// takes the job over ("stalled"). Failed attempts are retried with exponential back-off.
//
// Redis down: a webhook is still acknowledged and its job runs in this process (an embedded queue),
// because GitHub does not redeliver a webhook that failed on its own; answering 5xx would lose the
// review until someone redelivered it by hand. Duplicates then collapse per process only.

import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Log } from "../github/types.js";
import { MemoryLock } from "./memory-lock.js";
import { MemoryQueue } from "./memory-queue.js";
import { DEFAULT_LOCK_TIMING, RedisLock, type RedisLockTiming } from "./redis-lock.js";
import {
  type Attempt,
  type Enqueued,
  isFinal,
  type JobHandler,
  type JobQueue,
  type QueueEvents,
  type QueueSettings,
  type ReviewJob,
  type ReviewJobData,
} from "./types.js";

export const QUEUE_NAME = "kubedelta-reviews";

export interface RedisQueueOptions extends QueueSettings {
  url: string;
  log: Log;
  /** How long a job stays locked to its worker without renewal (renewed every half of it). */
  lockDurationMs: number;
  /** How often each worker looks for jobs whose lock expired. */
  stalledIntervalMs: number;
  /** Runs of a job that may stop midway; the run after that gives up (see review-job.ts). */
  maxRestarts: number;
  /** How long an add may take before the job runs in this process instead. */
  addTimeoutMs: number;
  lockTiming?: RedisLockTiming;
  /** BullMQ's key prefix (tests use their own). */
  prefix?: string;
}

/** Rejects after `ms`, so a Redis that neither answers nor refuses cannot hold a webhook. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Reconnects quickly and fails commands fast: an add must not wait for a Redis that is down. */
const commandConnection = (url: string) =>
  new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(times * 100, 1_000),
  });

export class RedisQueue implements JobQueue {
  readonly backend = "redis" as const;
  readonly lock: RedisLock;
  private readonly redis: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  /** Where jobs run while Redis cannot take them. */
  private readonly local: MemoryQueue;
  private readonly events = new EventEmitter();
  private running = 0;
  private readonly createdAt = Date.now();
  private wasReady = false;

  readonly settings: QueueSettings;

  constructor(private readonly options: RedisQueueOptions) {
    this.settings = options;
    const { url, log, prefix } = options;
    this.redis = commandConnection(url);
    this.redis.on("error", (error) => log.warn({ err: error }, "Redis connection"));
    this.redis.once("ready", () => {
      this.wasReady = true;
    });
    const localLock = new MemoryLock();
    this.lock = new RedisLock(this.redis, localLock, log, options.lockTiming ?? DEFAULT_LOCK_TIMING);
    this.local = new MemoryQueue(options, localLock);
    this.local.on("failed", (data, error) => this.events.emit("failed", data, error));
    this.queue = new Queue(QUEUE_NAME, {
      connection: {
        url,
        maxRetriesPerRequest: 1,
        retryStrategy: (times: number) => Math.min(times * 100, 1_000),
      },
      // Fail an add at once while Redis is down, rather than hold it until Redis is back: by then the
      // job has run in this process, and would run a second time.
      skipWaitingForReady: true,
      ...(prefix ? { prefix } : {}),
    });
    this.queue.on("error", (error) => log.warn({ err: error }, "job queue"));
  }

  async add(job: ReviewJob): Promise<Enqueued> {
    const { attempts, backoffMs, addTimeoutMs, log } = { ...this.options };
    const jobId = randomUUID();
    try {
      // Nothing is sent unless Redis is there: an add that timed out must not land later.
      await this.connected(addTimeoutMs);
      const added = await within(
        this.queue.add("review", job.data, {
          jobId,
          deduplication: { id: job.key, ...(job.collapse === "latest" ? { keepLastIfActive: true } : {}) },
          attempts,
          backoff: { type: "exponential", delay: backoffMs },
          removeOnComplete: true,
          // Kept a day for whoever investigates; the check run already says what went wrong.
          removeOnFail: { age: 86_400, count: 1_000 },
        }),
        addTimeoutMs,
        "adding a job to Redis",
      );
      // A duplicate is answered with the job it collapsed into.
      return added.id === jobId ? "queued" : "collapsed";
    } catch (error) {
      log.warn({ err: error, job: job.key }, "Redis cannot take the job: it runs in this process");
      await this.local.add(job);
      return "in-process";
    }
  }

  /**
   * Resolves once the connection is ready. Only a queue still connecting for the first time (within
   * `ms` of its start) waits for it; once it has been ready, a connection that is not is down, and the
   * job goes to this process at once rather than hold every webhook for `ms`.
   */
  private async connected(ms: number): Promise<void> {
    const until = this.createdAt + ms;
    while (this.redis.status !== "ready") {
      if (this.wasReady || Date.now() >= until)
        throw new Error(`Redis is not reachable (${this.redis.status})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  process(handler: JobHandler): void {
    const { url, concurrency, lockDurationMs, stalledIntervalMs, maxRestarts, prefix, log } = this.options;
    this.local.process(handler);
    this.worker = new Worker<ReviewJobData>(QUEUE_NAME, (job) => this.run(job, handler), {
      connection: { url },
      concurrency,
      lockDuration: lockDurationMs,
      stalledInterval: stalledIntervalMs,
      // One more than the restarts a job is run after, so that the last run gives up itself (and
      // completes the check) instead of BullMQ failing the job with its check left in progress.
      maxStalledCount: maxRestarts + 1,
      ...(prefix ? { prefix } : {}),
    });
    this.worker.on("error", (error) => log.warn({ err: error }, "job worker"));
    this.worker.on("stalled", (jobId) => log.warn({ jobId }, "a review job stopped midway: it runs again"));
  }

  private async run(job: Job<ReviewJobData>, handler: JobHandler): Promise<void> {
    const attempt: Attempt = {
      number: job.attemptsMade + 1,
      of: job.opts.attempts ?? 1,
      restarts: job.stalledCounter ?? 0,
    };
    this.running++;
    try {
      await handler(job.data, attempt);
    } catch (error) {
      const retried = !isFinal(attempt) && this.options.retryable(error);
      if (retried) throw error;
      this.events.emit("failed", job.data, error);
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    } finally {
      this.running--;
    }
  }

  /** Resolves once this process's worker is connected and waiting for jobs. */
  async ready(): Promise<void> {
    await this.worker?.waitUntilReady();
  }

  on<E extends keyof QueueEvents>(event: E, listener: QueueEvents[E]): void {
    this.events.on(event, listener);
  }

  async healthy(): Promise<boolean> {
    try {
      return (await within(this.redis.ping(), 1_000, "PING")) === "PONG";
    } catch {
      return false;
    }
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      if (Object.values(counts).every((count) => count === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await this.local.idle();
  }

  async close(graceMs: number): Promise<number> {
    const until = Date.now() + graceMs;
    const worker = this.worker;
    // No new job from now on; the running ones get until the deadline.
    await worker?.pause(true);
    while (this.running > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    const unfinished = this.running;
    // Force: not waiting for jobs past the deadline. Their locks lapse and another replica takes them.
    await worker?.close(true);
    const left = await this.local.close(Math.max(0, until - Date.now()));
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
    return unfinished + left;
  }
}
