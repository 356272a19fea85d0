import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_CACHE_BYTES, ParseCache } from "../../src/engine/parse-cache.js";

const limits = { maxDocuments: 10, maxDepth: 10, maxAliases: 10, maxNodes: 1000 };

describe("ParseCache", () => {
  it("parses a text once and evicts the least recently used beyond its size", () => {
    const cache = new ParseCache({ maxEntries: 2 });
    const a = cache.parse("a: 1\n", limits);
    expect(cache.parse("a: 1\n", limits)).toBe(a);
    cache.parse("b: 1\n", limits);
    cache.parse("a: 1\n", limits); // a is now the most recent
    cache.parse("c: 1\n", limits); // evicts b, the least recently used
    expect(cache.parse("a: 1\n", limits)).toBe(a);
    const missesBefore = cache.misses;
    cache.parse("b: 1\n", limits);
    expect(cache.misses).toBe(missesBefore + 1);
  });

  it("keys on the limits too: a text parsed under other bounds is parsed again", () => {
    const cache = new ParseCache();
    const loose = cache.parse("a: 1\n", limits);
    const strict = cache.parse("a: 1\n", { ...limits, maxDocuments: 1 });
    expect(strict).not.toBe(loose);
    expect(cache.misses).toBe(2);
  });

  it("holds at most its byte budget of text, evicting the least recently used first", () => {
    // Three texts of 100 bytes each (UTF-8: `é` takes two), in a budget of 250 bytes.
    const text = (key: string) => `${key}: ${"é".repeat(48)}\n`;
    expect(Buffer.byteLength(text("a"))).toBe(100);
    const cache = new ParseCache({ maxBytes: 250 });
    const a = cache.parse(text("a"), limits);
    cache.parse(text("b"), limits);
    expect(cache.size).toEqual({ entries: 2, bytes: 200 });
    cache.parse(text("a"), limits); // a is now the most recent
    cache.parse(text("c"), limits); // over the budget: evicts b, the least recently used
    expect(cache.size).toEqual({ entries: 2, bytes: 200 });
    expect(cache.parse(text("a"), limits)).toBe(a);
    const misses = cache.misses;
    cache.parse(text("b"), limits);
    expect(cache.misses).toBe(misses + 1);
  });

  it("reads a text larger than the whole budget without keeping it or evicting others", () => {
    const cache = new ParseCache({ maxBytes: 50 });
    const small = cache.parse("a: 1\n", limits);
    const big = `big: ${"x".repeat(100)}\n`;
    const first = cache.parse(big, limits);
    expect(first.documents[0].value).toEqual({ big: "x".repeat(100) });
    expect(cache.parse(big, limits)).not.toBe(first);
    expect(cache.parse("a: 1\n", limits)).toBe(small);
    expect(cache.size).toEqual({ entries: 1, bytes: 5 });
  });

  it("has a byte budget by default", () => {
    expect(DEFAULT_PARSE_CACHE_BYTES).toBeGreaterThan(0);
    const cache = new ParseCache();
    cache.parse("a: 1\n", limits);
    expect(cache.size).toEqual({ entries: 1, bytes: 5 });
  });
});
