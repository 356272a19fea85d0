// A change to a small repository held in memory, reviewed with rendering by the real tools.

import { loadPolicy, type PolicyLayer } from "../../../src/policy/load.js";
import type { Policy } from "../../../src/policy/types.js";
import { RenderCache } from "../../../src/render/render-cache.js";
import { reviewWithRendering } from "../../../src/render/review-change.js";
import type { Revision } from "../../../src/render/revision.js";
import type { FoundTools } from "../../../src/render/tools.js";
import { rulesOf } from "../../../src/rules/catalog.js";
import { realTools } from "./tools.js";

export type Files = Record<string, string>;

/** A tree whose files are `files`; reading a path it does not hold throws, as a real reader would. */
export function memoryRevision(files: Files): Revision & { reads: string[] } {
  const reads: string[] = [];
  return {
    paths: Object.keys(files).sort(),
    reads,
    size: (path) => (path in files ? Buffer.byteLength(files[path]) : undefined),
    async read(paths) {
      reads.push(...paths);
      return new Map(
        paths.map((path) => {
          if (!(path in files)) throw new Error(`no file ${path}`);
          return [path, Buffer.from(files[path])];
        }),
      );
    },
  };
}

/** Paths added, removed or changed between two trees. */
export function changedPaths(base: Files, head: Files): Set<string> {
  const paths = new Set([...Object.keys(base), ...Object.keys(head)]);
  return new Set([...paths].filter((path) => base[path] !== head[path]));
}

export interface ChangeOptions {
  config?: unknown;
  cache?: RenderCache;
  tools?: FoundTools;
  only?: string[];
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
    base: memoryRevision(base),
    head: memoryRevision(head),
    changed: changedPaths(base, head),
    settings: policy.render,
    cache,
    only: options.only,
  });
  return { result, rendering, cache };
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
