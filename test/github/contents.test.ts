import { describe, expect, it } from "vitest";
import { BlobCache } from "../../src/github/contents.js";

describe("BlobCache", () => {
  it("keeps blobs by sha and evicts the least recently used once over its byte budget", () => {
    const cache = new BlobCache(10);
    cache.set("a", new Uint8Array(4));
    cache.set("b", new Uint8Array(4));
    expect(cache.get("a")).toBeDefined(); // a is now the most recent
    cache.set("c", new Uint8Array(4)); // 12 bytes: b goes
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
  });

  it("counts strings by their in-memory size and never keeps a blob larger than the budget", () => {
    const cache = new BlobCache(10);
    cache.set("text", "abcdef"); // 12 bytes as UTF-16
    expect(cache.get("text")).toBeUndefined();
    cache.set("small", "abc");
    expect(cache.get("small")).toBe("abc");
  });
});
