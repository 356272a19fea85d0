// Which container a finding is about, read generically from the rule hit's path: the innermost
// `containers` / `initContainers` / `ephemeralContainers` item on the path names it. Rules need
// not say it themselves, so every rule (custom ones too) gets it for free.

import { valueAt } from "./json.js";
import { isObject, type Path, type Resource } from "./types.js";

/** The lists of a pod spec that hold containers. */
export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

export const CONTAINER_LISTS: readonly ContainerList[] = [
  "containers",
  "initContainers",
  "ephemeralContainers",
];

const LISTS: ReadonlySet<unknown> = new Set(CONTAINER_LISTS);

/** The `name` of the container item the path runs through, or undefined (pod-level, nameless). */
export function containerOf(resource: Resource, path: Path): string | undefined {
  for (let i = path.length - 2; i >= 0; i--) {
    if (!LISTS.has(path[i]) || typeof path[i + 1] !== "number") continue;
    const item = valueAt(resource.object, path.slice(0, i + 2));
    const name = isObject(item) ? item.name : undefined;
    return typeof name === "string" && name !== "" ? name : undefined;
  }
  return undefined;
}
