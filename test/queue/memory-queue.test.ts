// The in-process queue (one replica, no Redis) keeps the queue contract.

import { describe, expect, it } from "vitest";
import { MemoryLock } from "../../src/queue/memory-lock.js";
import { MemoryQueue } from "../../src/queue/memory-queue.js";
import { gate, queueContract, until } from "./contract.js";

queueContract("in process", async (settings) => new MemoryQueue(settings));

describe("the in-process publish lock", () => {
  it("lets one holder of a key at a time run, in order of arrival, and forgets the key after", async () => {
    const lock = new MemoryLock();
    const order: string[] = [];
    const first = gate();
    const a = lock.withLock("pr", async () => {
      order.push("a in");
      await first.opened;
      order.push("a out");
    });
    const b = lock.withLock("pr", async () => {
      order.push("b");
    });
    const other = lock.withLock("other pr", async () => {
      order.push("other");
    });
    await other;
    await until(() => order.includes("a in"));
    expect(order).toEqual(["a in", "other"]);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(["a in", "other", "a out", "b"]);
    expect(lock.size).toBe(0);
  });

  it("releases the key when the holder throws", async () => {
    const lock = new MemoryLock();
    await expect(lock.withLock("pr", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await lock.withLock("pr", async () => "next")).toBe("next");
    expect(lock.size).toBe(0);
  });
});
