// Where the pod lives in each workload kind, and how containers pair across a change. Manifests
// are untrusted text: every reader here takes a wrong shape for an absent value and never throws.

import { isObject, type Json, type JsonObject, type Path, type Resource } from "../engine/types.js";
import { imageLocation, parseImageRef } from "./image-ref.js";
import type { ParamValues, ResourceChange, ResourceSet } from "./types.js";

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers";

export const CONTAINER_LISTS: readonly ContainerList[] = [
  "containers",
  "initContainers",
  "ephemeralContainers",
];

/** Where each kind keeps its pod template (metadata + spec), and the API group it must come from. */
const TEMPLATES: Record<string, { group: string; template: Path }> = {
  Pod: { group: "", template: [] },
  PodTemplate: { group: "", template: ["template"] },
  ReplicationController: { group: "", template: ["spec", "template"] },
  Deployment: { group: "apps", template: ["spec", "template"] },
  StatefulSet: { group: "apps", template: ["spec", "template"] },
  DaemonSet: { group: "apps", template: ["spec", "template"] },
  ReplicaSet: { group: "apps", template: ["spec", "template"] },
  Job: { group: "batch", template: ["spec", "template"] },
  CronJob: { group: "batch", template: ["spec", "jobTemplate", "spec", "template"] },
};

/** Kinds that carry a pod spec (PodTemplate included: it runs nothing itself). */
export const POD_KINDS: readonly string[] = Object.keys(TEMPLATES);

export { isObject };

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

/**
 * A scalar as the string Kubernetes would compare: `version: 2` and `version: "2"` are the same
 * label to a reviewer, so numbers and booleans read as their text. Anything else is not a string.
 */
export function scalarText(value: Json | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Path of the pod template (the object holding `metadata` and `spec`), when the kind has one. */
export function templatePathOf(resource: Resource | undefined): Path | undefined {
  if (!resource) return undefined;
  const entry = Object.hasOwn(TEMPLATES, resource.identity.kind)
    ? TEMPLATES[resource.identity.kind]
    : undefined;
  // A custom resource that happens to be called Job or Deployment is not a workload.
  return entry && entry.group === resource.identity.group ? entry.template : undefined;
}

export interface PodSpecRef {
  spec: JsonObject;
  path: Path;
}

export function podSpecOf(resource: Resource | undefined): PodSpecRef | undefined {
  const template = templatePathOf(resource);
  if (!resource || !template) return undefined;
  const path = [...template, "spec"];
  const spec = valueAt(resource.object, path);
  return isObject(spec) ? { spec, path } : undefined;
}

export interface ServiceAccountRef {
  name: string;
  /** The field that sets it; undefined when nothing does and "default" applies. */
  path?: Path;
}

/**
 * The service account a workload's pods run as: serviceAccountName, else the deprecated
 * serviceAccount, else "default". Undefined for a resource without a pod spec.
 */
export function serviceAccountOf(resource: Resource | undefined): ServiceAccountRef | undefined {
  const pod = podSpecOf(resource);
  if (!pod) return undefined;
  for (const field of ["serviceAccountName", "serviceAccount"]) {
    const value = pod.spec[field];
    if (typeof value === "string" && value !== "") return { name: value, path: [...pod.path, field] };
  }
  return { name: "default" };
}

export function isServiceAccount(resource: Resource | undefined): resource is Resource {
  return resource?.identity.group === "" && resource.identity.kind === "ServiceAccount";
}

/** The ServiceAccount `namespace/name` as one side of the change defines it, if it does. */
export function serviceAccountIn(set: ResourceSet, namespace: string, name: string): Resource | undefined {
  return set
    .byKindIn("ServiceAccount", namespace)
    .find((r) => isServiceAccount(r) && r.identity.name === name);
}

export interface PodLabels {
  labels: Record<string, string>;
  /** Where the labels are (or would be): the template's `metadata.labels`. */
  path: Path;
}

/** The labels the pods get: the template's labels, a Pod's own. Non-scalar values are dropped. */
export function podLabelsOf(resource: Resource | undefined): PodLabels | undefined {
  const template = templatePathOf(resource);
  if (!resource || !template) return undefined;
  const path = [...template, "metadata", "labels"];
  const raw = valueAt(resource.object, path);
  const labels: Record<string, string> = {};
  if (isObject(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      const text = scalarText(value);
      if (text !== undefined) labels[key] = text;
    }
  }
  return { labels, path };
}

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

/** "Deployment shop/web", or "ClusterRole admin" for cluster-scoped kinds. */
export function describeResource(resource: Resource): string {
  const { kind, namespace, name } = resource.identity;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

/** A string-list parameter, falling back when a caller hands in something else. */
export function stringListParam(
  params: ParamValues,
  name: string,
  fallback: readonly string[],
): readonly string[] {
  const value = params[name];
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : fallback;
}
