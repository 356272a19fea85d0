import type { ResourceSet } from "./rule.js";
import type { Resource } from "./types.js";

function indexBy(all: readonly Resource[], keyOf: (r: Resource) => string): Map<string, Resource[]> {
  const index = new Map<string, Resource[]>();
  for (const resource of all) {
    const key = keyOf(resource);
    const list = index.get(key);
    if (list) list.push(resource);
    else index.set(key, [resource]);
  }
  return index;
}

/** An index built on first use: most reviews ask only some of the questions. */
function lazyIndex(
  all: readonly Resource[],
  keyOf: (r: Resource) => string,
): (key: string) => readonly Resource[] {
  let index: Map<string, Resource[]> | undefined;
  return (key) => {
    index ??= indexBy(all, keyOf);
    return index.get(key) ?? [];
  };
}

/** One side's resources, indexed so that rules looking across resources stay linear. */
export function resourceSet(all: readonly Resource[]): ResourceSet {
  const kindsIn = lazyIndex(all, (r) => `${r.identity.kind}\u0000${r.identity.namespace}`);
  return {
    all,
    byKind: lazyIndex(all, (r) => r.identity.kind),
    byKey: lazyIndex(all, (r) => r.key),
    byNamespace: lazyIndex(all, (r) => r.identity.namespace),
    byKindIn: (kind, namespace) => kindsIn(`${kind}\u0000${namespace}`),
  };
}
