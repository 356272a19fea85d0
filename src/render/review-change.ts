// A review that sees what deploys: the render targets (Kustomize roots, Helm charts) a change
// touches are rendered at both revisions, their output reviewed with the plain manifests, and
// their input files left out of the plain manifests (they are judged through the renders); the
// untouched targets that may share a namespace with the change are rendered as context.
// Rendering is fail-closed: a target that cannot be rendered at the head is an error on the review.

import { type GeneratedFiles, isManifestPath, type ReviewInput, review } from "../engine/review.js";
import type { InputError, ReviewResult, Side, Skipped } from "../engine/types.js";
import { affectedTargets, pairRevisions, type TargetRevisions } from "./affected.js";
import { type RenderChangeInput, type RenderedChange, renderChange } from "./change.js";
import { contextTargets, namespacesOfChange } from "./context.js";
import { targetsOf, withBaseValues } from "./detect.js";
import { generatedPath } from "./generated.js";
import { definitionFile, planOf } from "./plan.js";
import type { RenderCache } from "./render-cache.js";
import type { ReadFile } from "./repository.js";
import type { Revision } from "./revision.js";
import type { RenderSettings } from "./settings.js";

export interface RenderReviewInput {
  /** The engine's input with the plain manifest files of each side (render inputs are taken out). */
  review: Omit<ReviewInput, "generated">;
  /** The whole trees, which rendering reads from. */
  base: Revision;
  head: Revision;
  /** Paths whose content differs between the revisions (either name of a renamed file). */
  changed: ReadonlySet<string>;
  settings: RenderSettings;
  cache: RenderCache;
  /** Render only the targets in these folders (the CLI's --render-target); all affected ones when absent. */
  only?: readonly string[];
}

export interface RenderSummary {
  /** Targets of the repository (at either revision). */
  targets: number;
  /** Of them, those the change touches. */
  affected: string[];
  /** Of the others, those rendered (at the head) as context for the repository-wide rules. */
  context: string[];
  /** Renders run, and renders answered by the cache, during this review. */
  renders: number;
  cacheHits: number;
}

/** The files the targets read at one revision. */
function inputsAt(targets: readonly TargetRevisions[], side: Side): Set<string> {
  return new Set(targets.flatMap((pair) => pair[side]?.closure.files ?? []));
}

// A values file beside a chart's values.yaml: values-prod.yaml, prod-values.yaml, values.prod.yml.
const VALUES_FILE = /(^|[-_.])values([-_.].*)?\.ya?ml$/i;

/**
 * Changed values files of a rendered chart that its render does not use (values-prod.yaml when
 * only values.yaml is rendered): what they deploy is not reviewed, and the review says so.
 */
function unusedValuesFiles(affected: readonly TargetRevisions[], changed: ReadonlySet<string>): Skipped[] {
  const charts = affected.flatMap((pair) => {
    const target = (pair.head ?? pair.base)?.target;
    return target?.tool === "helm" ? [target] : [];
  });
  const used = new Set(charts.flatMap((target) => target.options.valuesFiles));
  const skipped: Skipped[] = [];
  for (const dir of new Set(charts.map((target) => target.dir))) {
    const prefix = dir === "" ? "" : `${dir}/`;
    for (const path of [...changed].sort()) {
      const name = path.slice(prefix.length);
      if (!path.startsWith(prefix) || name.includes("/") || name === "values.yaml" || used.has(path))
        continue;
      if (!VALUES_FILE.test(name)) continue;
      skipped.push({
        file: path,
        reason: `Helm values file that no render of ${dir || "."} uses: declare it in render.targets (valuesFiles) to review what it deploys`,
      });
    }
  }
  return skipped;
}

function renderLimitsOf(settings: RenderSettings) {
  return {
    timeMs: settings.limits.timeoutSeconds * 1000,
    outputBytes: settings.limits.maxOutputBytes,
    memoryBytes: settings.limits.maxMemoryBytes,
  };
}

/**
 * The untouched targets that may share a namespace with the change, rendered at the head as
 * context (context.ts): their generated manifests, the same on both sides, and notes on those
 * that could not be rendered (repository-wide rules then did not see them; nothing fails).
 */
async function renderContext(
  input: RenderReviewInput,
  wanted: readonly TargetRevisions[],
  affected: readonly TargetRevisions[],
  change: RenderedChange,
  readHead: ReadFile,
  isPlain: (entry: [string, unknown]) => boolean,
  limits: RenderChangeInput["limits"],
): Promise<{ generated: Map<string, string>; notes: Skipped[]; targets: string[]; hook?: GeneratedFiles }> {
  const untouched = wanted.filter((pair) => !affected.includes(pair));
  if (untouched.length === 0) return { generated: new Map(), notes: [], targets: [] };
  const plainChanged = [...input.review.head, ...input.review.base].filter(
    (entry) => input.changed.has(entry[0]) && isPlain(entry),
  );
  const namespaces = namespacesOfChange(change.rendered, plainChanged, limits);
  if (namespaces.size === 0) return { generated: new Map(), notes: [], targets: [] };
  const dropped: InputError[] = [];
  const planned = contextTargets(untouched, namespaces, readHead, limits, (pair) =>
    planOf(pair, input, input.settings.limits.maxInputBytes, dropped, []),
  );
  const rendered = await renderChange({
    base: input.head,
    head: input.head,
    targets: planned,
    changed: new Set(),
    cache: input.cache,
    limits,
    renderLimits: renderLimitsOf(input.settings),
  });
  const notes = [...dropped, ...rendered.errors].map((error) => ({
    file: error.file,
    reason: `${error.message.replace(/ at the head/, "")} (as context: the rules that look across the repository did not see it)`,
  }));
  return {
    generated: rendered.generated.head,
    notes,
    targets: rendered.rendered.map((target) => target.description),
    hook: rendered.hook,
  };
}

export async function reviewWithRendering(
  input: RenderReviewInput,
): Promise<{ result: ReviewResult; rendering?: RenderSummary }> {
  if (!input.settings.enabled) return { result: review(input.review) };
  const { settings, cache } = input;
  const [base, head] = await Promise.all([
    targetsOf(input.base, withBaseValues(settings, input.base.paths)),
    targetsOf(input.head, settings),
  ]);
  const paired = pairRevisions(base, head, settings);
  const errors: InputError[] = paired.errors.map((message) => ({ file: "", message: `render: ${message}` }));
  // A target whose definition the policy leaves out (testdata/, say) is not deployed from here.
  const deployed = paired.targets.filter((pair) => {
    const target = (pair.head ?? pair.base)?.target;
    return target !== undefined && isManifestPath(definitionFile(target, pair), input.review.policy);
  });
  const wanted = input.only
    ? deployed.filter((pair) => input.only?.includes((pair.head ?? pair.base)?.target.dir ?? ""))
    : deployed;
  const affected = affectedTargets([...input.changed], wanted);
  const notes: Skipped[] = [];
  const planned = affected.flatMap(
    (pair) => planOf(pair, input, settings.limits.maxInputBytes, errors, notes) ?? [],
  );
  const before = { renders: cache.renders, hits: cache.hits };
  const limits = { ...input.review.policy.limits, maxInputBytes: settings.limits.maxInputBytes };
  const change = await renderChange({
    base: input.base,
    head: input.head,
    targets: planned,
    changed: input.changed,
    cache,
    limits,
    renderLimits: renderLimitsOf(settings),
  });
  // Each side's render inputs are judged through its targets, whether or not this change renders
  // them; the targets --render-target leaves out are read as before, as plain manifests.
  const isPlain = (side: Side) => {
    const inputs = inputsAt(wanted, side);
    return ([path]: [string, unknown]) => !inputs.has(path);
  };
  const context = await renderContext(input, wanted, affected, change, head.read, isPlain("head"), limits);
  const plain = (side: Side, files: ReviewInput["base"], generated: Map<string, string>) =>
    new Map([...[...files].filter(isPlain(side)), ...generated, ...context.generated]);
  const result = review({
    ...input.review,
    base: plain("base", input.review.base, change.generated.base),
    head: plain("head", input.review.head, change.generated.head),
    // Context is judged only in a full-state review, and placed like the rest.
    generated: {
      paths: new Set([...change.hook.paths, ...context.generated.keys()]),
      place: (finding, field) =>
        change.hook.paths.has(finding.file) || !context.hook
          ? change.hook.place(finding, field)
          : context.hook.place(finding, field),
    },
  });
  result.skipped.push(
    ...notes,
    ...change.notes,
    ...context.notes,
    ...unusedValuesFiles(affected, input.changed),
  );
  const definitions = new Map(change.rendered.map((t) => [generatedPath(t.tool, t.dir), t.definition]));
  result.errors = [
    ...errors,
    ...change.errors,
    ...result.errors.map((e) => ({ ...e, file: definitions.get(e.file) ?? e.file })),
  ];
  return {
    result,
    rendering: {
      targets: deployed.length,
      affected: planned.map((t) => t.description),
      context: context.targets,
      renders: cache.renders - before.renders,
      cacheHits: cache.hits - before.hits,
    },
  };
}
