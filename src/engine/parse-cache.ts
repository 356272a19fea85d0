// Parse results keyed by content hash: identical base/head texts are parsed once, and a
// long-lived cache (the GitHub App keeps one) makes a re-review cost only the files that changed.
//
// Bounded twice, least recently used evicted first: by entries, and by the bytes of the texts
// whose readings it holds, since a reading's size follows its text's (a few times the text in
// memory), and a handful of huge manifests must not hold on to more than the budget.

import { createHash } from "node:crypto";
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

interface Entry {
  outcome: ParseOutcome;
  bytes: number;
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  /** Bytes of text whose readings are held. */
  private heldBytes = 0;
  hits = 0;
  misses = 0;

  constructor(bounds: ParseCacheBounds = {}) {
    this.maxEntries = bounds.maxEntries ?? DEFAULT_PARSE_CACHE_ENTRIES;
    this.maxBytes = bounds.maxBytes ?? DEFAULT_PARSE_CACHE_BYTES;
  }

  /** How many readings, of how many bytes of text, the cache holds. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.heldBytes };
  }

  parse(text: string, limits: ParseLimits): ParseOutcome {
    const key = `${limits.maxDocuments}:${limits.maxDepth}:${limits.maxAliases}:${limits.maxNodes}:${createHash("sha256").update(text).digest("base64")}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.hits++;
      // Refresh its place so the least recently used entry is the one evicted.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.outcome;
    }
    this.misses++;
    const outcome = parseYamlStream(text, limits);
    const bytes = Buffer.byteLength(text);
    if (bytes <= this.maxBytes && this.maxEntries > 0) {
      this.entries.set(key, { outcome, bytes });
      this.heldBytes += bytes;
      this.evict();
    }
    return outcome;
  }

  /** Drops the least recently used readings until both bounds hold. */
  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.heldBytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.heldBytes -= entry.bytes;
    }
  }
}
