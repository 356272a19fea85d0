import { describe, expect, it } from "vitest";
import { LruCache } from "../../src/engine/lru.js";

const bySize = (value: string) => value.length;

describe("LruCache", () => {
  it("evicts the least recently used once over its size, a read counting as a use", () => {
    const cache = new LruCache<string, string>({ maxSize: 10 }, bySize);
    cache.set("a", "aaaa");
    cache.set("b", "bbbb");
    expect(cache.get("a")).toBe("aaaa");
    cache.set("c", "cccc"); // 12: b, the least recently used, goes
    expect(cache.get("b")).toBeUndefined();
    expect(cache.size).toEqual({ entries: 2, bytes: 8 });
  });

  it("evicts the least recently used once over its entries", () => {
    const cache = new LruCache<string, string>({ maxEntries: 2, maxSize: 100 }, bySize);
    cache.set("a", "a");
    cache.set("b", "b");
    cache.set("c", "c");
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, "b", "c"]);
  });

  it("replaces a value under the same key, counting only the new one", () => {
    const cache = new LruCache<string, string>({ maxSize: 10 }, bySize);
    cache.set("a", "aaaa");
    cache.set("a", "aaaaaa");
    expect(cache.size).toEqual({ entries: 1, bytes: 6 });
  });

  it("keeps no value larger than its whole size, and evicts nothing for it", () => {
    const cache = new LruCache<string, string>({ maxSize: 10 }, bySize);
    cache.set("a", "aaaa");
    cache.set("big", "x".repeat(11));
    expect(cache.get("big")).toBeUndefined();
    expect(cache.get("a")).toBe("aaaa");
  });
});
