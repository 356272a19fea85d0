import { describe, expect, it } from "vitest";
import { ParseCache } from "../../src/engine/parse-cache.js";

const limits = { maxDocuments: 10, maxDepth: 10, maxAliases: 10, maxNodes: 1000 };

describe("ParseCache", () => {
  it("parses a text once and evicts the least recently used beyond its size", () => {
    const cache = new ParseCache(2);
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
});
