// What one review reads: the changed manifests at both sides, the unchanged manifests of the head
// tree as context, and, when a render target may read a changed file, both revisions for
// rendering. Everything read up front goes out in one batch: the manifests, and for rendering the
// files target detection reads first (kustomizations, Chart.yaml) and the changed files a target
// may read. Rendering then reads the rest of the closures it needs through the same reader.

import { isManifestPath } from "../engine/review.js";
import type { Policy } from "../policy/types.js";
import type { Revision } from "../render/revision.js";
import { filesReadUpFront } from "../render/targets.js";
import { BlobReader } from "./blob-reader.js";
import { pullChartRoots } from "./chart-roots.js";
import { type BlobCache, type BlobLookup, lookupKey } from "./contents.js";
import type { PullFile } from "./pull-files.js";
import { mayFeedRender, renderScope } from "./render-scope.js";
import { repositoryContext } from "./repository-context.js";
import { baseRevision, changedPaths, headRevision, listHeadTree } from "./revisions.js";
import type { Octokit, PullRequestRef } from "./types.js";

/** The whole trees of a review that renders, and the paths the pull request changes. */
export interface RenderTrees {
  base: Revision;
  head: Revision;
  changed: ReadonlySet<string>;
}

/** The files one review reads: changed manifests on both sides, and the repository around them. */
export interface Inputs {
  kind: "inputs";
  base: Map<string, Uint8Array | string>;
  head: Map<string, Uint8Array | string>;
  /** Each side's chart roots, whose templates are not manifests. */
  chartRoots: { base: Set<string>; head: Set<string> };
  /** Every file of the head tree (annotations can point at any of them). */
  headPaths: ReadonlySet<string>;
  /** Why the repository around the changed files could not be read, when it could not. */
  partialContext?: string;
  /** Present when the review renders. */
  render?: RenderTrees;
  /** Said at the top of the check's summary. */
  note?: string;
  /** The merge base the base side was read at (links to removed lines point there). */
  mergeBase: string;
}

export type ReadOutcome =
  | Inputs
  /** The pull request changes no manifest and nothing a render target reads. */
  | { kind: "nothing" }
  /** The review cannot be made; the check fails with this reason. */
  | { kind: "stopped"; reason: string };

export function isManifestFile(file: PullFile, policy: Policy): boolean {
  return (
    isManifestPath(file.filename, policy) ||
    (!!file.previousFilename && isManifestPath(file.previousFilename, policy))
  );
}

/** Where the base versions live: the merge base, as GitHub's own diff of the PR uses. */
async function mergeBase(octokit: Octokit, pr: PullRequestRef): Promise<string> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: pr.owner,
    repo: pr.repo,
    basehead: `${pr.baseSha}...${pr.headSha}`,
    per_page: 1,
  });
  return data.merge_base_commit.sha;
}

/** Reads `paths` of a revision (those it has) with the batch they are asked for in. */
function prefetch(revision: Revision, paths: Iterable<string>): Promise<unknown> {
  const present = new Set(revision.paths);
  return revision.read([...new Set(paths)].filter((path) => present.has(path)));
}

/**
 * Base versions at the merge base (renamed files: from the old path), head versions at the head,
 * and the unchanged manifests of the head tree as context. `manifests` are the changed manifests,
 * `files` every file the pull request changes. The tree is listed only when the review needs it:
 * a manifest changed, or (rendering on) a file a render could read.
 */
export async function readInputs(
  octokit: Octokit,
  pr: PullRequestRef,
  manifests: readonly PullFile[],
  files: readonly PullFile[],
  policy: Policy,
  blobs: BlobCache,
): Promise<ReadOutcome> {
  const mayRender = policy.render.enabled && files.some((f) => mayFeedRender(f.filename));
  if (manifests.length === 0 && !mayRender) return { kind: "nothing" };
  // With a manifest to review, the merge base is needed anyway: asked for with the tree.
  const early = manifests.length > 0 ? mergeBase(octokit, pr) : undefined;
  const [baseSha, tree] = await Promise.all([early, listHeadTree(octokit, pr)]);
  const scope = policy.render.enabled ? renderScope(tree, files, policy.render) : { kind: "none" as const };
  if (scope.kind === "refused") return { kind: "stopped", reason: scope.reason };
  if (manifests.length === 0 && (scope.kind === "none" || scope.touched.size === 0))
    return { kind: "nothing" };
  const base = baseSha ?? (await mergeBase(octokit, pr));

  const changed = new Set(manifests.flatMap((f) => [f.filename, f.previousFilename ?? f.filename]));
  const context = repositoryContext(tree, changed, policy);
  const baseLookups: BlobLookup[] = manifests
    .filter((f) => f.status !== "added" && f.status !== "copied")
    .map((f) => ({ sha: base, path: f.previousFilename ?? f.filename }));
  const headLookups: BlobLookup[] = manifests
    .filter((f) => f.status !== "removed")
    .map((f) => ({ sha: pr.headSha, path: f.filename, oid: f.sha }));
  const contextLookups: BlobLookup[] = [...context.blobs].map(([path, oid]) => ({
    sha: pr.headSha,
    path,
    oid,
  }));
  const reader = new BlobReader(octokit, pr, blobs);
  const render =
    scope.kind === "render"
      ? {
          base: baseRevision(tree, files, base, pr, reader),
          head: headRevision(tree, pr, reader),
          changed: changedPaths(files),
        }
      : undefined;
  // One batch: the manifests, then what rendering reads first (asked for in the same turn).
  const [contents] = await Promise.all([
    reader.read([...baseLookups, ...headLookups, ...contextLookups]),
    ...(render && scope.kind === "render"
      ? [render.base, render.head].map((revision) =>
          prefetch(revision, [...filesReadUpFront(revision.paths), ...scope.touched]),
        )
      : []),
  ]);
  const read = (lookups: BlobLookup[]) =>
    new Map(lookups.map((l) => [l.path, contents.get(lookupKey(l.sha, l.path)) as Uint8Array | string]));
  const inputs: Inputs = {
    kind: "inputs",
    base: read(baseLookups),
    head: read(headLookups),
    chartRoots: pullChartRoots(context.chartRoots, files),
    headPaths: new Set(tree.files.keys()),
    render,
    note: scope.kind === "none" ? scope.note : undefined,
    mergeBase: base,
  };
  // Unchanged files are the same on both sides: the engine reads them as context only.
  for (const [path, content] of read(contextLookups)) {
    inputs.base.set(path, content);
    inputs.head.set(path, content);
  }
  if (context.kind === "partial") inputs.partialContext = context.reason;
  return inputs;
}
