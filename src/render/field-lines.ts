// Finding a field of a rendered object in a source document that contributed it (the resource as
// written, a strategic-merge patch, a values file). Lists are matched the way strategic merge
// matches them: an item with a `name` is the source item of the same name, whatever its index.

import { isObject, type Json, type Path, type PathSegment } from "../engine/types.js";
import type { ParsedDocument } from "../engine/yaml/types.js";

export interface FieldLine {
  line: number;
  /** The whole path exists in the source: the line sets the field itself. */
  exact: boolean;
  /** How many segments of the path the source has. */
  depth: number;
}

/** The item of `list` that matches the rendered `item`: same name, same scalar, else same index. */
function matchingIndex(list: readonly Json[], item: Json | undefined, index: number): number {
  if (isObject(item) && typeof item.name === "string") {
    return list.findIndex((candidate) => isObject(candidate) && candidate.name === item.name);
  }
  if (item !== undefined && !isObject(item) && !Array.isArray(item)) {
    const same = list.indexOf(item);
    if (same >= 0) return same;
  }
  return index < list.length ? index : -1;
}

/** The path in `source` that corresponds to `path` in `rendered`, as far as the source has it. */
export function sourcePath(rendered: Json, source: Json, path: Path): PathSegment[] {
  const found: PathSegment[] = [];
  let from: Json | undefined = rendered;
  let into: Json | undefined = source;
  for (const segment of path) {
    if (typeof segment === "number") {
      if (!Array.isArray(into)) break;
      const item: Json | undefined = Array.isArray(from) ? from[segment] : undefined;
      const index = matchingIndex(into, item, segment);
      if (index < 0) break;
      found.push(index);
      into = into[index];
      from = item;
    } else {
      if (!isObject(into) || !(segment in into)) break;
      found.push(segment);
      into = into[segment];
      from = isObject(from) ? from[segment] : undefined;
    }
  }
  return found;
}

/** Where `path` of `rendered` is written in a source document. */
export function fieldLine(rendered: Json, source: ParsedDocument, path: Path, prefix: Path = []): FieldLine {
  const at = sourcePath(rendered, valueAt(source.value, prefix), path);
  return { line: source.locate([...prefix, ...at]), exact: at.length === path.length, depth: at.length };
}

/** The value at `path` of `value` (undefined when it is not there). */
export function valueAt(value: Json | undefined, path: Path): Json {
  let at: Json | undefined = value;
  for (const segment of path) {
    if (typeof segment === "number") at = Array.isArray(at) ? at[segment] : undefined;
    else at = isObject(at) ? at[segment] : undefined;
  }
  return at === undefined ? null : at;
}
