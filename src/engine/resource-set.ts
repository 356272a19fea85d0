import type { ResourceSet } from "../rules/types.js";
import type { Resource } from "./types.js";

/** One side's resources, indexed by kind and identity for rules that look across resources. */
export function resourceSet(all: readonly Resource[]): ResourceSet {
  const kinds = new Map<string, Resource[]>();
  const keys = new Map<string, Resource[]>();
  const add = (index: Map<string, Resource[]>, key: string, resource: Resource) => {
    const list = index.get(key);
    if (list) list.push(resource);
    else index.set(key, [resource]);
  };
  for (const resource of all) {
    add(kinds, resource.identity.kind, resource);
    add(keys, resource.key, resource);
  }
  return {
    all,
    byKind: (kind) => kinds.get(kind) ?? [],
    byKey: (key) => keys.get(key) ?? [],
  };
}
