// Bottleneck's Redis datastore (Probot's shared throttle) after Redis lost its keys, as after a
// restart without persistence: against a real redis-server, with the ioredis client Probot uses.

import Bottleneck from "bottleneck";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recoverBottleneckFromLostRedisState } from "../../src/github/bottleneck-recovery.js";
import { RedisServer, SKIP_REDIS } from "../queue/redis-server.js";

describe.skipIf(SKIP_REDIS)("Bottleneck on Redis 7 after Redis lost its state", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  /** Schedules on a shared group, loses every key, schedules again; the second outcome. */
  async function afterLostState(): Promise<string> {
    const client = new Redis(redis.url);
    const connection = new Bottleneck.IORedisConnection({ client });
    const group = new Bottleneck.Group({ id: `t${Math.random()}`, maxConcurrent: 1, minTime: 5, connection });
    try {
      await group.key("installation-1").schedule(async () => "first");
      await client.flushall();
      return await group.key("installation-1").schedule(async () => "after the loss");
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    } finally {
      await connection.disconnect(false);
      client.disconnect();
    }
  }

  it("never recovers on its own (the reason for the fix), and recovers with it", async () => {
    // Order matters: the fix is installed once per process, so the failure is shown first.
    expect(await afterLostState()).toMatch(/^failed: ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)$/);
    recoverBottleneckFromLostRedisState();
    recoverBottleneckFromLostRedisState();
    expect(await afterLostState()).toBe("after the loss");
  });
});
