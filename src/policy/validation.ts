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

/** Closest known name, for "did you mean" hints on typos and shortenings. */
export function suggest(name: string, known: readonly string[]): string {
  const best = closest(name, known);
  return best === undefined ? "" : ` (did you mean ${best}?)`;
}

/** Levenshtein distance: how many letters to insert, delete or replace to turn `a` into `b`. */
function distance(a: string, b: string): number {
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
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The one known name `name` most likely means, if one stands out. */
function closest(name: string, known: readonly string[]): string | undefined {
  // A typo: a few letters off.
  const nearest = [...known].sort((x, y) => distance(name, x) - distance(name, y))[0];
  if (nearest !== undefined && distance(name, nearest) <= Math.max(2, nearest.length / 3)) return nearest;
  // A shortening (service-lb, external-ips): the only name that holds it whole, or the only one that
  // begins with the longest part of it; several equally good are no hint.
  const lower = name.toLowerCase();
  if (lower.length < 3) return undefined;
  const holding = known.filter((k) => k.toLowerCase().includes(lower));
  if (holding.length === 1) return holding[0];
  const shared = known.map((k) => commonPrefixLength(lower, k.toLowerCase()));
  const longest = Math.max(0, ...shared);
  const sharing = known.filter((_, i) => shared[i] === longest);
  return sharing.length === 1 && longest >= Math.max(3, lower.length / 2) ? sharing[0] : undefined;
}
