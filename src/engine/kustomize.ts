// Kustomize patches are partial objects (a Deployment with only the fields an overlay changes):
// judged as whole resources they look like workloads that lost their probes, resources and
// service account. The kustomization files that name them say which files they are.

import { posix } from "node:path";
import { isObject, type JsonObject } from "./types.js";
import type { ParsedDocument } from "./yaml/types.js";

const KUSTOMIZATION_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/** Patch file paths one kustomization names (inline patches are text, not files). */
function patchPaths(kustomization: JsonObject): string[] {
  const paths: string[] = [];
  const merge = kustomization.patchesStrategicMerge;
  if (Array.isArray(merge)) {
    for (const entry of merge) if (typeof entry === "string" && !entry.includes("\n")) paths.push(entry);
  }
  for (const field of ["patches", "patchesJson6902"]) {
    const list = kustomization[field];
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isObject(entry) && typeof entry.path === "string") paths.push(entry.path);
  }
  return paths;
}

/** Patch path (relative to the root) → the kustomization file that uses it. */
export function kustomizePatches(
  files: readonly { path: string; documents: readonly ParsedDocument[] }[],
): Map<string, string> {
  const patches = new Map<string, string>();
  for (const file of files) {
    if (!KUSTOMIZATION_FILES.has(posix.basename(file.path))) continue;
    const dir = posix.dirname(file.path);
    for (const document of file.documents) {
      if (!isObject(document.value)) continue;
      for (const path of patchPaths(document.value)) {
        const resolved = posix.normalize(posix.join(dir, path));
        if (!resolved.startsWith("../")) patches.set(resolved, file.path);
      }
    }
  }
  return patches;
}
