// A change to a small repository held in memory, reviewed with rendering by the real tools.

import { loadPolicy, type PolicyLayer } from "../../../src/policy/load.js";
import type { Policy } from "../../../src/policy/types.js";
import { RenderCache } from "../../../src/render/render-cache.js";
import { reviewWithRendering } from "../../../src/render/review-change.js";
import { changedPaths, type Revision, revisionOf } from "../../../src/render/revision.js";
import type { FoundTools } from "../../../src/render/tools.js";
import { rulesOf } from "../../../src/rules/catalog.js";
import { realTools } from "./tools.js";

export type Files = Record<string, string>;

export interface ChangeOptions {
  config?: unknown;
  cache?: RenderCache;
  tools?: FoundTools;
  only?: string[];
  /** false: the revisions do not know their files' sizes (as the App for changed base files). */
  sizes?: boolean;
}

/** The review of `base` → `head` as the CLI makes it, with the manifests globs of the policy. */
export async function reviewChange(base: Files, head: Files, options: ChangeOptions = {}) {
  const layers: PolicyLayer[] = options.config ? [{ source: "test config", data: options.config }] : [];
  const policy: Policy = loadPolicy(undefined, layers);
  const tools = options.tools ?? (await realTools());
  const cache = options.cache ?? new RenderCache({ tools: async () => tools });
  const asFiles = (files: Files) => new Map(Object.entries(files));
  const { result, rendering } = await reviewWithRendering({
    review: { base: asFiles(base), head: asFiles(head), policy, rules: rulesOf(policy) },
    base: sized(revisionOf(asFiles(base)), options.sizes),
    head: sized(revisionOf(asFiles(head)), options.sizes),
    changed: changedPaths(asFiles(base), asFiles(head)),
    settings: policy.render,
    cache,
    only: options.only,
  });
  return { result, rendering, cache };
}

function sized(revision: Revision, sizes = true): Revision {
  return sizes ? revision : { paths: revision.paths, read: revision.read };
}

/** Findings as `file:line rule`, the shape a reviewer reads. */
export function placed(result: { findings: { file: string; line: number; rule: string }[] }): string[] {
  return result.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
}

/** The line number of the first line of `files[path]` that contains `text`. */
export function lineOf(files: Files, path: string, text: string): number {
  const index = files[path].split("\n").findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${path} has no line with ${text}`);
  return index + 1;
}
