// The publish lock shared by replicas: SET NX PX with a random token, kept alive while held, released
// only by its holder (compare-and-delete in one script), so a holder that outlived its expiry cannot
// free a lock someone else has taken since. A holder that dies frees it when the expiry passes.

import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Log, PublishLock } from "../github/types.js";
import { LockTimeoutError } from "./retryable.js";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisLockTiming {
  /** Expiry of a lock nobody renews: how long a dead holder blocks the pull request. */
  ttlMs: number;
  /** How long to wait for a lock someone else holds before the attempt fails (and is retried). */
  waitMs: number;
  /** How often a waiter asks again. */
  pollMs: number;
}

export const DEFAULT_LOCK_TIMING: RedisLockTiming = { ttlMs: 15_000, waitMs: 60_000, pollMs: 100 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisLock implements PublishLock {
  constructor(
    private readonly redis: Redis,
    /** Used while Redis cannot be reached: exclusion within this process only. */
    private readonly fallback: PublishLock,
    private readonly log: Log,
    private readonly timing: RedisLockTiming = DEFAULT_LOCK_TIMING,
    private readonly prefix = "kubedelta:lock:",
  ) {}

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const name = this.prefix + key;
    const token = randomUUID();
    try {
      await this.acquire(name, token, key);
    } catch (error) {
      if (error instanceof LockTimeoutError) throw error;
      this.log.warn(
        { err: error, lock: key },
        "Redis is unreachable: publishing under this process's lock only",
      );
      return this.fallback.withLock(key, fn);
    }
    const { ttlMs } = this.timing;
    const renew = setInterval(() => {
      this.redis.eval(EXTEND, 1, name, token, ttlMs).catch(() => {});
    }, ttlMs / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, name, token).catch((error: unknown) => {
        // It expires by itself.
        this.log.warn({ err: error, lock: key }, "releasing the publish lock failed");
      });
    }
  }

  private async acquire(name: string, token: string, key: string): Promise<void> {
    const { ttlMs, waitMs, pollMs } = this.timing;
    const until = Date.now() + waitMs;
    for (;;) {
      if ((await this.redis.set(name, token, "PX", ttlMs, "NX")) === "OK") return;
      if (Date.now() >= until) throw new LockTimeoutError(key, waitMs);
      await sleep(pollMs);
    }
  }
}
