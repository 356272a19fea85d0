// A render target's input closure: exactly the files its render reads (copied into the sandbox,
// hashed for the render cache, and matched against a change's paths), with what is wrong with them
// (a remote base, a missing file, a chart dependency not vendored). Sizes are counted apart
// (inputBytesOf), so that a caller that knows them from a tree listing reads no file for it.

import { helmClosure } from "./helm-chart.js";
import { type Closure, kustomizeClosure } from "./kustomize-closure.js";
import { type ReadFile, repositoryOf } from "./repository.js";
import type { RenderTarget } from "./targets.js";

export type { Closure } from "./kustomize-closure.js";

/** The input closure of `target` in the revision `paths`, read through `read`. */
export function closureOf(target: RenderTarget, paths: readonly string[], read: ReadFile): Closure {
  const repo = repositoryOf(paths, read);
  return target.tool === "kustomize"
    ? kustomizeClosure(repo, target.dir)
    : helmClosure(repo, target.dir, target.options.valuesFiles);
}

/** A file's size in bytes, undefined when unknown. */
export type SizeOf = (path: string) => number | undefined;

/** Sizes by reading the files (for callers that have no cheaper way). */
export function sizeFromRead(read: ReadFile): SizeOf {
  return (path) => {
    const content = read(path);
    if (content === undefined) return undefined;
    return typeof content === "string" ? Buffer.byteLength(content) : content.byteLength;
  };
}

/** The bytes a render of `files` reads (to hold against limits.maxInputBytes); unknown sizes count as 0. */
export function inputBytesOf(files: readonly string[], size: SizeOf): number {
  let total = 0;
  for (const path of files) total += size(path) ?? 0;
  return total;
}
