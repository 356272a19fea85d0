// A cache bounded by entries and by a size its owner measures (bytes), least recently used evicted
// first. The App's long-lived caches (file contents by blob sha, readings by content hash) are both
// this, with their own budgets.

export interface LruBounds {
  /** Most entries kept. */
  maxEntries?: number;
  /** Most total size kept; a value larger than this on its own is not kept at all. */
  maxSize: number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; size: number }>();
  private readonly maxEntries: number;
  private readonly maxSize: number;
  private total = 0;

  constructor(
    bounds: LruBounds,
    private readonly sizeOf: (value: V) => number,
  ) {
    this.maxEntries = bounds.maxEntries ?? Number.POSITIVE_INFINITY;
    this.maxSize = bounds.maxSize;
  }

  /** How many entries, of what total size, the cache holds. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }

  /** The value, which becomes the most recently used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps the value as the most recently used, then drops the least recently used over the bounds. */
  set(key: K, value: V): void {
    const size = this.sizeOf(value);
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.total -= old.size;
    }
    if (size > this.maxSize || this.maxEntries < 1) return;
    this.entries.set(key, { value, size });
    this.total += size;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxSize) break;
      this.entries.delete(oldest);
      this.total -= entry.size;
    }
  }
}
