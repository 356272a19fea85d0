// The publish lock on a real Redis: one holder per key across connections (replicas), released only
// by its holder, kept while held, freed by expiry when its holder dies, and this process's own lock
// while Redis cannot be reached.

import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MemoryLock } from "../../src/queue/memory-lock.js";
import { RedisLock } from "../../src/queue/redis-lock.js";
import { LockTimeoutError } from "../../src/queue/retryable.js";
import { gate, until } from "./contract.js";
import { RedisServer, SKIP_REDIS } from "./redis-server.js";
import { freshPrefix } from "./redis-timings.js";

const warnings: string[] = [];
const log = { info() {}, warn: (_o: object, message?: string) => warnings.push(message ?? ""), error() {} };
const TIMING = { ttlMs: 300, waitMs: 2_000, pollMs: 10 };

describe.skipIf(SKIP_REDIS)("the Redis publish lock", () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  /** A replica's lock: a connection of its own. */
  const replica = (prefix: string, timing = TIMING) => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on("error", () => {});
    clients.push(client);
    return new RedisLock(client, new MemoryLock(), log, timing, prefix);
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
    warnings.length = 0;
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it("lets one replica at a time hold a key, the other waiting for it; other keys are free", async () => {
    const prefix = freshPrefix();
    const [a, b] = [replica(prefix), replica(prefix)];
    const order: string[] = [];
    const held = gate();
    const first = a.withLock("pr", async () => {
      order.push("a in");
      await held.opened;
      order.push("a out");
    });
    await until(() => order.length === 1);
    const second = b.withLock("pr", async () => {
      order.push("b");
    });
    await b.withLock("another pr", async () => {
      order.push("other");
    });
    // Held past its 300 ms expiry: renewed while a works.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(order).toEqual(["a in", "other"]);
    held.open();
    await Promise.all([first, second]);
    expect(order).toEqual(["a in", "other", "a out", "b"]);
  });

  it("is freed by its expiry when the holder died, and the dead holder's release frees nothing", async () => {
    const prefix = freshPrefix();
    const raw = new Redis(redis.url);
    clients.push(raw);
    // A holder that died: its key, its token, no renewal.
    await raw.set(`${prefix}pr`, "dead-token", "PX", 300);
    const started = Date.now();
    let waited = 0;
    const taken = replica(prefix).withLock("pr", async () => {
      waited = Date.now() - started;
      // The dead holder's release (compare-and-delete with its token) must not free this lock.
      await raw.eval(
        `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`,
        1,
        `${prefix}pr`,
        "dead-token",
      );
      return raw.get(`${prefix}pr`);
    });
    const token = await taken;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(await raw.exists(`${prefix}pr`)).toBe(0);
  });

  it("fails with a retryable error when the key stays held past the wait", async () => {
    const prefix = freshPrefix();
    const [a, b] = [replica(prefix), replica(prefix, { ...TIMING, waitMs: 200 })];
    const held = gate();
    const first = a.withLock("pr", () => held.opened);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(b.withLock("pr", async () => "never")).rejects.toBeInstanceOf(LockTimeoutError);
    held.open();
    await first;
  });

  it("falls back to this process's lock while Redis is down, and says so", async () => {
    const lock = replica(freshPrefix());
    await redis.kill();
    try {
      expect(await lock.withLock("pr", async () => "published")).toBe("published");
      expect(warnings).toEqual(["Redis is unreachable: publishing under this process's lock only"]);
    } finally {
      await redis.restart();
    }
  });
});
