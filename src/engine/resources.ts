// From parsed YAML documents to Kubernetes resources: one per object, `List` kinds expanded.

import { customScopesOf, identityKey, identityOf } from "./identity.js";
import { isObject, type Json, type JsonObject, type Path, type Resource, type Side } from "./types.js";
import type { ParsedDocument } from "./yaml/types.js";

export { isObject };

/** An object found in a document, before its identity is known. */
interface Candidate {
  object: JsonObject;
  document: ParsedDocument;
  /** Path of the object inside its document: [] or ["items", i]. */
  prefix: Path;
}

export interface FileResources {
  resources: Resource[];
  /** Why documents of this file were not read as resources. */
  notes: string[];
}

/** `kind: List` and typed lists (ConfigMapList…); `items: null` is an empty list. */
function isListKind(object: JsonObject): boolean {
  const items = object.items;
  return (
    typeof object.kind === "string" &&
    object.kind.endsWith("List") &&
    (Array.isArray(items) || items === null)
  );
}

function candidatesOf(documents: readonly ParsedDocument[], notes: string[]): Candidate[] {
  const candidates: Candidate[] = [];
  documents.forEach((document, index) => {
    const value = document.value;
    if (value === null) return;
    if (!isObject(value)) {
      notes.push(`document ${index + 1} (line ${document.line}) is not a mapping`);
      return;
    }
    if (!isListKind(value)) {
      candidates.push({ object: value, document, prefix: [] });
      return;
    }
    ((value.items ?? []) as Json[]).forEach((item, i) => {
      if (isObject(item)) candidates.push({ object: item, document, prefix: ["items", i] });
      else notes.push(`item ${i} of the list at line ${document.line} is not an object`);
    });
  });
  return candidates;
}

/** Custom-resource scopes declared by CRDs anywhere in these documents. */
export function customScopesIn(documentSets: Iterable<readonly ParsedDocument[]>): Map<string, boolean> {
  const objects: JsonObject[] = [];
  for (const documents of documentSets) {
    for (const document of documents) if (isObject(document.value)) objects.push(document.value);
  }
  return customScopesOf(objects);
}

export function resourcesOf(
  file: string,
  side: Side,
  documents: readonly ParsedDocument[],
  customScopes: ReadonlyMap<string, boolean>,
): FileResources {
  const notes: string[] = [];
  const resources: Resource[] = [];
  for (const { object, document, prefix } of candidatesOf(documents, notes)) {
    const identity = identityOf(object, customScopes);
    if ("problem" in identity) {
      notes.push(`line ${document.locate(prefix)}: ${identity.problem}`);
      continue;
    }
    resources.push({
      identity,
      key: identityKey(identity),
      object,
      file,
      side,
      line: prefix.length === 0 ? document.line : document.locate(prefix),
      locate: (path) => document.locate([...prefix, ...path]),
    });
  }
  return { resources, notes };
}
