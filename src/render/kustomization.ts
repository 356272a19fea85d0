// What one kustomization file references, read as kustomize v5.5 reads it (api/types/
// kustomization.go, api/internal/target/kusttarget.go): the first YAML document, fields matched
// as encoding/json matches them (go-fields.ts), `bases` taken as resources. Every field through
// which kustomize loads a file or a folder is listed here; `helmCharts` is refused.

import { posix } from "node:path";
import { isObject, type Json } from "../engine/types.js";
import { goField, goFieldValues } from "./go-fields.js";
import { HELM_REFUSAL, readBuiltinConfigs, readStrategicMergePatches } from "./kustomize-builtins.js";
import {
  type EntrySink,
  inlineYaml,
  newSink,
  type Reference,
  readGeneratorSources,
  readObjects,
  readPath,
  readPaths,
} from "./kustomize-entries.js";
import type { RepoTree } from "./repository.js";

/** The names kustomize recognizes for a kustomization file, in a folder. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = [
  "kustomization.yaml",
  "kustomization.yml",
  "Kustomization",
];

export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(posix.basename(path));
}

/** The kustomization file of folder `dir`; an error when it holds several (kustomize refuses that). */
export function kustomizationFileIn(
  tree: RepoTree,
  dir: string,
): { file: string } | { error: string } | undefined {
  const found = KUSTOMIZATION_FILE_NAMES.map((name) => (dir === "" ? name : `${dir}/${name}`)).filter(
    (path) => tree.isFile(path),
  );
  if (found.length > 1)
    return { error: `${found.join(", ")}: kustomize refuses a folder with several kustomization files` };
  return found.length === 1 ? { file: found[0] } : undefined;
}

export interface Kustomization {
  /** "Kustomization" (the default) or "Component"; anything else is in `problems`. */
  kind: string;
  references: Reference[];
  /** Refusals and fields of the wrong shape, each starting with the field. */
  problems: string[];
}

// Entries naming a kustomization folder (or a file) of resources, components or plugin configs.
const FOLDER_FIELDS = [
  ["resources", "resource"],
  ["bases", "resource"],
  ["components", "component"],
  ["generators", "plugin"],
  ["transformers", "plugin"],
  ["validators", "plugin"],
] as const;

/** Plugin entries written inline are configs, not paths: their own file references are read. */
function splitInlinePlugins(sink: EntrySink): void {
  const entries = sink.references;
  sink.references = [];
  for (const reference of entries) {
    const documents = reference.kind === "plugin" ? inlineYaml(reference.entry) : undefined;
    if (documents) readBuiltinConfigs(documents, reference.field, sink);
    else sink.references.push(reference);
  }
}

function readPatches(document: Json, sink: EntrySink): void {
  readStrategicMergePatches(document, "patchesStrategicMerge", "", sink);
  for (const field of ["patches", "patchesJson6902", "replacements"]) {
    readObjects(document, field, "", sink, (item, at) => readPath(item, "path", at, sink));
  }
}

function readGenerators(document: Json, sink: EntrySink): void {
  for (const field of ["configMapGenerator", "secretGenerator"]) {
    readObjects(document, field, "", sink, (item, at) => readGeneratorSources(item, at, sink));
  }
  for (const field of ["helmCharts", "helmChartInflationGenerator"]) {
    const charts = goField(document, field);
    if (Array.isArray(charts) && charts.length > 0) sink.problems.push(`${field}: ${HELM_REFUSAL}`);
  }
}

/**
 * `openapi.path`. The field is a Go map, whose keys are matched exactly, and every key folding to
 * `openapi` decodes into the same map, the later ones adding to it.
 */
function readOpenApi(document: Json, sink: EntrySink): void {
  let path: Json | undefined;
  for (const openapi of goFieldValues(document, "openapi")) {
    if (isObject(openapi)) path = openapi.path ?? path;
    else if (openapi !== null) sink.problems.push("openapi: must be a mapping");
  }
  if (path === undefined || path === null || path === "") return;
  if (typeof path === "string") sink.references.push({ field: "openapi.path", entry: path, kind: "file" });
  else sink.problems.push("openapi.path: must be a path (a string)");
}

/** The references of a kustomization's first YAML document (the only one kustomize reads). */
export function readKustomization(document: Json): Kustomization {
  const sink = newSink();
  if (!isObject(document)) return { kind: "Kustomization", references: [], problems: ["must be a mapping"] };
  const kind = goField(document, "kind");
  const kindName = kind === undefined || kind === null || kind === "" ? "Kustomization" : kind;
  if (kindName !== "Kustomization" && kindName !== "Component")
    sink.problems.push(`kind: must be Kustomization or Component; got ${JSON.stringify(kind)}`);
  for (const [field, referenceKind] of FOLDER_FIELDS) readPaths(document, field, "", referenceKind, sink);
  splitInlinePlugins(sink);
  for (const field of ["crds", "configurations"]) readPaths(document, field, "", "file", sink);
  readPatches(document, sink);
  readGenerators(document, sink);
  readOpenApi(document, sink);
  return {
    kind: typeof kindName === "string" ? kindName : "",
    references: sink.references,
    problems: sink.problems,
  };
}
