// Reading parsed manifests. They are untrusted text: a wrong shape reads as an absent value and
// never throws.

import { isObject, type Json, type Path } from "./types.js";

/** The value at `path`, or undefined when any step is missing or of the wrong shape. */
export function valueAt(root: Json | undefined, path: Path): Json | undefined {
  let value = root;
  for (const segment of path) {
    if (typeof segment === "number") value = Array.isArray(value) ? value[segment] : undefined;
    else value = isObject(value) && Object.hasOwn(value, segment) ? value[segment] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}
