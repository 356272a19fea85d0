// The containers of a pod spec, how they pair across a change, and what a container's own fields
// say about it. Manifests are untrusted text: a wrong shape reads as absent and never throws.

import { CONTAINER_LISTS, type ContainerList } from "../engine/container.js";
import type { ResourceChange } from "../engine/rule.js";
import { isObject, type JsonObject, type Path, type Resource } from "../engine/types.js";
import { imageLocation, parseImageRef } from "./images.js";
import { podSpecOf } from "./pods.js";

export { CONTAINER_LISTS, type ContainerList };

/** How messages name a container of each list. */
export const CONTAINER_WORD: Record<ContainerList, string> = {
  containers: "Container",
  initContainers: "Init container",
  ephemeralContainers: "Ephemeral container",
};

export interface ContainerRef {
  /** The container's name, or `#<index>` for a nameless one (invalid, but still read). */
  name: string;
  container: JsonObject;
  /** Path of the container's list item inside the resource's object. */
  path: Path;
  list: ContainerList;
}

export function containersOf(
  spec: JsonObject | undefined,
  specPath: Path,
  lists: readonly ContainerList[] = CONTAINER_LISTS,
): ContainerRef[] {
  const found: ContainerRef[] = [];
  if (!isObject(spec)) return found;
  for (const list of lists) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((container, index) => {
      if (!isObject(container)) return;
      const name = typeof container.name === "string" && container.name !== "" ? container.name : `#${index}`;
      found.push({ name, container, path: [...specPath, list, index], list });
    });
  }
  return found;
}

/** One container across the change; either side may be absent (added or removed). */
export interface ContainerPair {
  before?: ContainerRef;
  after?: ContainerRef;
}

/** Pairs by (list, name), so reordering containers is never a change. Duplicates pair in order. */
export function pairContainers(
  before: readonly ContainerRef[],
  after: readonly ContainerRef[],
): ContainerPair[] {
  const keyed = (refs: readonly ContainerRef[]) => {
    const counts = new Map<string, number>();
    return refs.map((ref) => {
      const base = `${ref.list}\u0000${ref.name}`;
      const seen = counts.get(base) ?? 0;
      counts.set(base, seen + 1);
      return { key: `${base}\u0000${seen}`, ref };
    });
  };
  const remaining = new Map(keyed(before).map(({ key, ref }) => [key, ref]));
  const pairs: ContainerPair[] = [];
  for (const { key, ref } of keyed(after)) {
    pairs.push({ before: remaining.get(key), after: ref });
    remaining.delete(key);
  }
  for (const ref of remaining.values()) pairs.push({ before: ref });
  return pairRenamed(pairs);
}

/** The image a container runs, without tag or digest; undefined when it has none readable. */
function imageOf(ref: ContainerRef): string | undefined {
  const image = ref.container.image;
  const parsed = typeof image === "string" ? parseImageRef(image) : undefined;
  return parsed ? imageLocation(parsed) : undefined;
}

/**
 * A list where exactly one container lost its name and exactly one arrived with the same image
 * (any tag) is a rename: the container is judged against its old self, not as new, which would
 * report again all it already did. A different image is a new container: new code, judged whole.
 */
function pairRenamed(pairs: ContainerPair[]): ContainerPair[] {
  const result = [...pairs];
  for (const list of CONTAINER_LISTS) {
    const added = result.filter((p) => !p.before && p.after?.list === list);
    const removed = result.filter((p) => !p.after && p.before?.list === list);
    if (added.length !== 1 || removed.length !== 1) continue;
    const image = imageOf(added[0].after as ContainerRef);
    if (image === undefined || image !== imageOf(removed[0].before as ContainerRef)) continue;
    added[0].before = removed[0].before;
    result.splice(result.indexOf(removed[0]), 1);
  }
  return result;
}

/** The containers of both sides of a change, paired. A side without a pod spec has none. */
export function containerPairs(change: ResourceChange, lists: readonly ContainerList[] = CONTAINER_LISTS) {
  const side = (resource: Resource | undefined) => {
    const pod = podSpecOf(resource);
    return pod ? containersOf(pod.spec, pod.path, lists) : [];
  };
  return pairContainers(side(change.before), side(change.after));
}

/**
 * Whether a container runs privileged. Only the boolean `true` counts: `privileged: yes` already
 * arrives as `true` (YAML 1.1, as Kubernetes reads it), while a quoted `"true"` is a string the API
 * server rejects.
 */
export function isPrivileged(container: ContainerRef | undefined): boolean {
  const context = container?.container.securityContext;
  return isObject(context) && context.privileged === true;
}
