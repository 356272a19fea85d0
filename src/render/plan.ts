// What to render for an affected target: its input files at each revision it exists in, or the
// problems that stop it (an error at the head; at the base a note, and the head is judged whole).

import type { InputError, Side, Skipped } from "../engine/types.js";
import type { TargetRevisions } from "./affected.js";
import type { PlannedTarget } from "./change.js";
import { inputBytesOf } from "./closure.js";
import { CHART_FILE } from "./helm-chart.js";
import { KUSTOMIZATION_FILE_NAMES } from "./kustomization.js";
import type { Revision } from "./revision.js";
import type { RenderTarget } from "./targets.js";

/** The file that makes the target: its kustomization or Chart.yaml (errors and unplaceable findings go there). */
export function definitionFile(target: RenderTarget, pair: TargetRevisions): string {
  const prefix = target.dir === "" ? "" : `${target.dir}/`;
  const names = target.tool === "helm" ? [CHART_FILE] : KUSTOMIZATION_FILE_NAMES;
  const files = [...(pair.head?.closure.files ?? []), ...(pair.base?.closure.files ?? [])];
  return (
    names.map((name) => `${prefix}${name}`).find((path) => files.includes(path)) ?? `${prefix}${names[0]}`
  );
}

/** "kustomize build of overlays/prod", "helm template of charts/web with values.yaml": what messages call it. */
function describe(target: RenderTarget): string {
  return target.name.replace(/^(kustomize|helm) /, (_, tool) =>
    tool === "kustomize" ? "kustomize build of " : "helm template of ",
  );
}

/**
 * A problem at one side of a target. At the head it is an error: what deploys cannot be seen, so
 * the review fails closed. At the base it is a note and the head is judged whole, as if new: a
 * change that repairs a broken chart is reviewed, not blocked, and nothing it deploys goes unseen.
 */
function sideProblem(side: Side, file: string, message: string, errors: InputError[], notes: Skipped[]) {
  if (side === "head") errors.push({ file, message });
  else notes.push({ file, reason: `${message}; the head is judged as if new` });
}

export function planOf(
  pair: TargetRevisions,
  revisions: Record<Side, Revision>,
  maxInputBytes: number,
  errors: InputError[],
  notes: Skipped[],
): PlannedTarget | undefined {
  const target = (pair.head ?? pair.base)?.target;
  if (!target) return undefined;
  const definition = definitionFile(target, pair);
  const closure: PlannedTarget["closure"] = {};
  const helm: PlannedTarget["helm"] = {};
  for (const side of ["base", "head"] as const) {
    const resolved = pair[side];
    if (!resolved) continue;
    const where = `${describe(target)} at the ${side}`;
    const revision = revisions[side];
    const size = revision.size?.bind(revision) ?? (() => undefined);
    const bytes = inputBytesOf(resolved.closure.files, size);
    const limit = maxInputBytes;
    const problems =
      bytes > limit
        ? [`its input files are ${bytes} bytes, over render.limits.maxInputBytes (${limit}): not rendered`]
        : resolved.closure.errors;
    if (problems.length > 0) {
      for (const problem of problems) sideProblem(side, definition, `${where}: ${problem}`, errors, notes);
      if (side === "head") return undefined;
      continue;
    }
    closure[side] = resolved.closure.files;
    if (resolved.target.tool === "helm") helm[side] = resolved.target.options;
  }
  return {
    tool: target.tool,
    dir: target.dir,
    definition,
    description: describe(target),
    helm,
    closure,
  };
}
