// Which render targets a change touches. A target is affected when a changed path (added,
// modified or deleted) is in its input closure at either revision: a deleted file is only in the
// base closure, an added one only in the head closure, and a target whose kustomization or
// Chart.yaml is added or deleted exists at one revision only, with that file in its closure. The
// files of any target's closure are render inputs: judged through the renders, never read as
// plain manifests (a base's deployment through the overlays over it, a patch not as a whole resource).

import { compareStrings } from "../engine/text.js";
import { type Closure, closureOf } from "./closure.js";
import { type ReadFile, shownDir } from "./repository.js";
import type { RenderSettings } from "./settings.js";
import { findTargets, type RenderTarget } from "./targets.js";

/** A target at one revision with its closure there. */
export interface ResolvedTarget {
  target: RenderTarget;
  closure: Closure;
}

/** A revision's targets with their closures. */
export interface RevisionTargets {
  targets: ResolvedTarget[];
  errors: string[];
  /** Indexes of declared targets (settings.targets) absent at this revision. */
  absent: number[];
}

/** One target across the two revisions of a change; present at one of them at least. */
export interface TargetRevisions {
  key: string;
  base?: ResolvedTarget;
  head?: ResolvedTarget;
}

/** The targets of a revision and their closures. */
export function resolveTargets(
  paths: readonly string[],
  read: ReadFile,
  settings: RenderSettings,
): RevisionTargets {
  const found = findTargets(paths, read, settings);
  return {
    targets: found.targets.map((target) => ({ target, closure: closureOf(target, paths, read) })),
    errors: found.errors,
    absent: found.absent,
  };
}

/**
 * The targets of both revisions paired by key, and the errors of both (once each), with an error
 * for each declared target found at neither revision.
 */
export function pairRevisions(
  base: RevisionTargets,
  head: RevisionTargets,
  settings: RenderSettings,
): { targets: TargetRevisions[]; errors: string[] } {
  const byKey = new Map<string, TargetRevisions>();
  const entry = (key: string) => {
    const pair = byKey.get(key) ?? { key };
    byKey.set(key, pair);
    return pair;
  };
  for (const resolved of base.targets) entry(resolved.target.key).base = resolved;
  for (const resolved of head.targets) entry(resolved.target.key).head = resolved;
  const errors = new Set([...base.errors, ...head.errors]);
  for (const index of base.absent.filter((i) => head.absent.includes(i))) {
    const spec = settings.targets[index];
    const what =
      spec.tool === "helm"
        ? "Chart.yaml"
        : spec.tool === "kustomize"
          ? "kustomization"
          : "kustomization or Chart.yaml";
    errors.add(
      `render.targets[${index}] (${shownDir(spec.path)}): the folder holds no ${what} at either revision`,
    );
  }
  const targets = [...byKey.values()].sort((a, b) => compareStrings(a.key, b.key));
  return { targets, errors: [...errors] };
}

function touches(closure: Closure | undefined, changed: ReadonlySet<string>): boolean {
  return closure?.files.some((path) => changed.has(path)) ?? false;
}

/** The targets a change of `changed` paths (added, modified or deleted) affects. */
export function affectedTargets(
  changed: readonly string[],
  targets: readonly TargetRevisions[],
): TargetRevisions[] {
  const paths = new Set(changed);
  return targets.filter((pair) => touches(pair.base?.closure, paths) || touches(pair.head?.closure, paths));
}

/** Every file of any target's closure at either revision. */
export function renderInputs(targets: readonly TargetRevisions[]): Set<string> {
  const inputs = new Set<string>();
  for (const pair of targets) {
    for (const side of [pair.base, pair.head]) for (const path of side?.closure.files ?? []) inputs.add(path);
  }
  return inputs;
}

/** Whether `path` is read by a render rather than reviewed as a plain manifest. */
export function isRenderInput(
  path: string,
  targets: readonly TargetRevisions[] | ReadonlySet<string>,
): boolean {
  return (targets instanceof Set ? targets : renderInputs(targets as readonly TargetRevisions[])).has(path);
}
