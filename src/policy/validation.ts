// Small helpers every part of the policy validation uses to judge a value and word a problem.

import { SEVERITIES, type Severity } from "../engine/types.js";

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}

/** A configured value as it appears in a problem message. */
export function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid date" : value.toISOString();
  return JSON.stringify(value) ?? String(value);
}

/** Closest known name, for "did you mean" hints on typos. */
export function suggest(name: string, known: readonly string[]): string {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const saved = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = saved;
      }
    }
    return row[b.length];
  };
  const best = [...known].sort((x, y) => distance(name, x) - distance(name, y))[0];
  return best && distance(name, best) <= Math.max(2, best.length / 3) ? ` (did you mean ${best}?)` : "";
}
