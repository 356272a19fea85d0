// Parse results keyed by content hash: identical base/head texts are parsed once, and a
// long-lived cache (the GitHub App keeps one) makes a re-review cost only the files that changed.
//
// Bounded twice, least recently used evicted first: by entries, and by the bytes of the texts
// whose readings it holds, since a reading's size follows its text's (a few times the text in
// memory), and a handful of huge manifests must not hold on to more than the budget.

import { createHash } from "node:crypto";
import { LruCache } from "./lru.js";
import { parseYamlStream } from "./yaml/index.js";
import type { ParseLimits, ParseOutcome } from "./yaml/types.js";

/** Default budget: the readings of at most this many bytes of text (UTF-8). */
export const DEFAULT_PARSE_CACHE_BYTES = 32 * 1024 * 1024;
export const DEFAULT_PARSE_CACHE_ENTRIES = 10_000;

export interface ParseCacheBounds {
  /** Most readings kept. */
  maxEntries?: number;
  /** Most bytes of text whose readings are kept; a larger text is read but not kept. */
  maxBytes?: number;
}

export class ParseCache {
  /** Readings by limits and content hash, sized by their text's bytes. */
  private readonly readings: LruCache<string, { outcome: ParseOutcome; bytes: number }>;
  hits = 0;
  misses = 0;

  constructor(bounds: ParseCacheBounds = {}) {
    this.readings = new LruCache(
      {
        maxEntries: bounds.maxEntries ?? DEFAULT_PARSE_CACHE_ENTRIES,
        maxSize: bounds.maxBytes ?? DEFAULT_PARSE_CACHE_BYTES,
      },
      (reading) => reading.bytes,
    );
  }

  /** How many readings, of how many bytes of text, the cache holds. */
  get size(): { entries: number; bytes: number } {
    return this.readings.size;
  }

  parse(text: string, limits: ParseLimits): ParseOutcome {
    const key = `${limits.maxDocuments}:${limits.maxDepth}:${limits.maxAliases}:${limits.maxNodes}:${createHash("sha256").update(text).digest("base64")}`;
    // A hit becomes the most recently used, so the least recently used reading is the one evicted.
    const cached = this.readings.get(key);
    if (cached) {
      this.hits++;
      return cached.outcome;
    }
    this.misses++;
    const outcome = parseYamlStream(text, limits);
    this.readings.set(key, { outcome, bytes: Buffer.byteLength(text) });
    return outcome;
  }
}
