// Parse results keyed by content hash: identical base/head texts are parsed once, and a
// long-lived cache (the GitHub App keeps one) makes a re-review cost only the files that changed.

import { createHash } from "node:crypto";
import { parseYamlStream } from "./yaml/index.js";
import type { ParseLimits, ParseOutcome } from "./yaml/types.js";

export class ParseCache {
  private readonly entries = new Map<string, ParseOutcome>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 10_000) {}

  parse(text: string, limits: ParseLimits): ParseOutcome {
    const key = `${limits.maxDocuments}:${limits.maxDepth}:${limits.maxAliases}:${limits.maxNodes}:${createHash("sha256").update(text).digest("base64")}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.hits++;
      // Refresh its place so the least recently used entry is the one evicted.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.misses++;
    const outcome = parseYamlStream(text, limits);
    this.entries.set(key, outcome);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return outcome;
  }
}
