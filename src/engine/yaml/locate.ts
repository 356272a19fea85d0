// The line of a path inside a parsed value, from where each collection's entries start: lines
// for the fast path, offsets for the exact reader (turned into lines only here, when asked).

import type { Json, JsonObject, Path } from "../types.js";

/** Where each entry starts, by key for mappings and by index for sequences. */
export type EntryStarts = Map<object, Map<string, number> | number[]>;

/**
 * The line of the deepest existing node along `path` (the key of a mapping entry, the `-` of a
 * sequence item), `docLine` for the empty path; `toLine` turns a recorded start into a line.
 */
export function locateIn(
  value: Json,
  starts: EntryStarts,
  path: Path,
  docLine: number,
  toLine: (start: number) => number,
): number {
  let node = value;
  let line = docLine;
  for (const segment of path) {
    if (node === null || typeof node !== "object") break;
    const entries = starts.get(node);
    if (Array.isArray(node)) {
      const inRange = typeof segment === "number" && segment >= 0 && segment < node.length;
      if (!inRange || !Array.isArray(entries)) break;
      line = toLine(entries[segment]);
      node = node[segment];
    } else {
      if (typeof segment !== "string" || !(entries instanceof Map)) break;
      const start = entries.get(segment);
      if (start === undefined) break;
      line = toLine(start);
      node = (node as JsonObject)[segment];
    }
  }
  return line;
}
