// Finding each revision's render targets and their input closures, reading through the revision
// only the files detection needs (kustomizations, Chart.yaml up front; what they name on demand).

import { resolveTargets } from "./affected.js";
import { type ReadFile, resolvePath } from "./repository.js";
import { isSymlink, type Revision, type TreeContent } from "./revision.js";
import type { RenderSettings } from "./settings.js";
import { filesReadUpFront } from "./targets.js";

/** Reads the files target detection needs, following on-demand reads for a few rounds. */
async function detectionReader(
  revision: Revision,
): Promise<{ read: ReadFile; more: () => Promise<boolean> }> {
  const files = new Map<string, TreeContent>(await revision.read(filesReadUpFront(revision.paths)));
  const known = new Set(revision.paths);
  const missed = new Set<string>();
  const read: ReadFile = (path) => {
    const content = files.get(path);
    if (content === undefined) {
      if (known.has(path)) missed.add(path);
      return undefined;
    }
    if (isSymlink(content) || (typeof content === "object" && "unreadable" in content)) return undefined;
    return content;
  };
  const more = async () => {
    if (missed.size === 0) return false;
    const wanted = [...missed];
    missed.clear();
    for (const [path, content] of await revision.read(wanted)) files.set(path, content);
    return true;
  };
  return { read, more };
}

/**
 * The settings for the base: a values file that the change adds is left out there (the base was
 * deployed without it), where at the head a missing values file is an error.
 */
export function withBaseValues(settings: RenderSettings, paths: readonly string[]): RenderSettings {
  const present = new Set(paths);
  return {
    ...settings,
    targets: settings.targets.map((spec) => ({
      ...spec,
      valuesFiles: spec.valuesFiles.filter((file) => present.has(resolvePath(spec.path, file) ?? "")),
    })),
  };
}

/** One revision's targets and closures, reading what detection asks for (at most a few rounds). */
export async function targetsOf(revision: Revision, settings: RenderSettings) {
  const { read, more } = await detectionReader(revision);
  // A fresh reader each round: detection caches what it read (and what it could not) per reader.
  let resolved = resolveTargets(revision.paths, (path) => read(path), settings);
  for (let round = 0; round < 4 && (await more()); round++)
    resolved = resolveTargets(revision.paths, (path) => read(path), settings);
  return { ...resolved, read };
}
