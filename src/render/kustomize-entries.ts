// The shapes of kustomization fields that name files, read as kustomize decodes them (Go structs
// through encoding/json, see go-fields.ts): a list of paths, a list of objects with a `path`, the
// `files`/`envs`/`env` of a generator. A value of the wrong shape is an error here, as it is for
// kustomize, never a field quietly skipped.

import { readManifest } from "../engine/reading.js";
import { isObject, type Json } from "../engine/types.js";
import { goField } from "./go-fields.js";

/**
 * How kustomize loads what an entry names:
 * - resource: a file, or a folder holding a kustomization (resources, bases);
 * - component: a folder holding a kustomization of kind Component;
 * - plugin: like a resource, whose files are builtin plugin configs (generators, transformers,
 *   validators);
 * - file: a file, read through the kustomization's loader (patches, generator sources, crds, …).
 */
export type ReferenceKind = "resource" | "component" | "plugin" | "file";

export interface Reference {
  /** Where it is written, e.g. `resources[2]`, `configMapGenerator[0].files[1]`. */
  field: string;
  /** The path as written. */
  entry: string;
  kind: ReferenceKind;
}

/** References and problems, filled in as fields are read. */
export interface EntrySink {
  references: Reference[];
  problems: string[];
}

export function newSink(): EntrySink {
  return { references: [], problems: [] };
}

/** The items of a list field; undefined (with a problem) when it is not a list. */
function listOf(value: Json | undefined, field: string, what: string, sink: EntrySink): Json[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  sink.problems.push(`${field}: must be a list of ${what}`);
  return undefined;
}

function pathEntry(value: Json, field: string, kind: ReferenceKind, sink: EntrySink): void {
  if (typeof value !== "string") sink.problems.push(`${field}: must be a path (a string)`);
  else if (value === "") sink.problems.push(`${field}: is an empty path`);
  else sink.references.push({ field, entry: value, kind });
}

/** `field` of `object`: a list of paths. */
export function readPaths(
  object: Json,
  name: string,
  where: string,
  kind: ReferenceKind,
  sink: EntrySink,
): void {
  const items = listOf(goField(object, name), `${where}${name}`, "paths", sink);
  for (const [i, item] of (items ?? []).entries()) pathEntry(item, `${where}${name}[${i}]`, kind, sink);
}

/** `field` of `object`: one path, optional. */
export function readPath(object: Json, name: string, where: string, sink: EntrySink): void {
  const value = goField(object, name);
  if (value === undefined || value === null || value === "") return;
  pathEntry(value, `${where}${name}`, "file", sink);
}

/** `field` of `object`: a list of mappings, each handed to `each` with where it is. */
export function readObjects(
  object: Json,
  name: string,
  where: string,
  sink: EntrySink,
  each: (item: Json, at: string) => void,
): void {
  const items = listOf(goField(object, name), `${where}${name}`, "mappings", sink);
  items?.forEach((item, i) => {
    const at = `${where}${name}[${i}]`;
    if (isObject(item)) each(item, `${at}.`);
    else if (item !== null) sink.problems.push(`${at}: must be a mapping`);
  });
}

/** What is wrong with a generator's file source, `path` or `key=path` (kustomize's ParseFileSource). */
function fileSourceProblem(item: Json): string | undefined {
  if (typeof item !== "string") return "must be a file source (a string)";
  const parts = item.split("=");
  if (parts.length > 2) return "key names or file paths cannot contain '='";
  if (parts.length === 2 && (parts[0] === "" || parts[1] === "")) return "must be path or key=path";
  return undefined;
}

/**
 * A generator's sources (configMapGenerator, secretGenerator and their builtin configs): `files`
 * entries `path` or `key=path` (kustomize's ParseFileSource), `envs`, and the older `env`.
 */
export function readGeneratorSources(args: Json, where: string, sink: EntrySink): void {
  const files = listOf(goField(args, "files"), `${where}files`, "file sources", sink);
  for (const [i, item] of (files ?? []).entries()) {
    const at = `${where}files[${i}]`;
    const problem = fileSourceProblem(item);
    if (problem) sink.problems.push(`${at}: ${problem}`);
    else pathEntry((item as string).split("=").at(-1) as string, at, "file", sink);
  }
  readPaths(args, "envs", where, "file", sink);
  readPath(args, "env", where, sink);
}

/**
 * Whether a patch or plugin entry is YAML written inline rather than a path: kustomize first
 * tries to read the entry itself as resources, and takes it as a path when that fails.
 */
export function inlineYaml(entry: string): Json[] | undefined {
  const outcome = readManifest("", entry, {
    maxFileBytes: 1024 * 1024,
    maxDocuments: 100,
    maxDepth: 64,
    maxAliases: 100,
    maxNodes: 100_000,
  });
  const values = outcome.documents.map((d) => d.value);
  return outcome.errors.length === 0 && values.some(isObject) ? values : undefined;
}
