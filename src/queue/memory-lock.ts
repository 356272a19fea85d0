// The publish lock of one process: a mutex per key, held in order of arrival.

import type { PublishLock } from "../github/types.js";

export class MemoryLock implements PublishLock {
  /** key → the tail of its chain of holders; gone when nobody holds or waits. */
  private readonly tails = new Map<string, Promise<void>>();

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys held or waited for (for tests: nothing leaks). */
  get size(): number {
    return this.tails.size;
  }
}
