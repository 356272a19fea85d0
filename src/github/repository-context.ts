// The manifests a pull request does not touch, for rules that look across the repository
// (NetworkPolicy coverage, RBAC chains): taken from the listing of the head tree with their blob
// shas, so that after the first review of a repository they come from the blob cache and cost
// nothing beyond the one tree listing.

import { chartRootsIn } from "../engine/charts.js";
import { isManifestPath } from "../engine/review.js";
import { testDefinitionsAround } from "../engine/test-fixtures.js";
import type { Policy } from "../policy/types.js";
import type { HeadTree } from "./revisions.js";

/**
 * Unchanged manifest paths of the head tree → blob sha, or why they cannot all be read. When they
 * cannot, `blobs` holds only the test definitions around the changed files: the fixtures they name
 * are not manifests (engine/test-fixtures.ts), and without them those fixtures would be reviewed.
 */
type ContextFiles =
  | { kind: "complete"; blobs: Map<string, string> }
  | { kind: "partial"; reason: string; blobs: Map<string, string> };

export type RepositoryContext = ContextFiles & {
  /** Directories of the head tree that hold a Chart.yaml (of the part listed, when partial). */
  chartRoots: Set<string>;
};

/** The listed test definitions whose tests hold changed files, within the same bound as the context. */
function definitionsAround(
  unchanged: Map<string, string>,
  changedPaths: ReadonlySet<string>,
  policy: Policy,
) {
  if (!policy.manifests.skipTestFixtures) return new Map<string, string>();
  const paths = testDefinitionsAround(unchanged.keys(), changedPaths);
  if (paths.length > policy.limits.maxContextFiles) return new Map<string, string>();
  return new Map(paths.map((path) => [path, unchanged.get(path) as string]));
}

export function repositoryContext(
  tree: HeadTree,
  changedPaths: ReadonlySet<string>,
  policy: Policy,
): RepositoryContext {
  const chartRoots = chartRootsIn(tree.files.keys());
  const blobs = new Map<string, string>();
  for (const [path, file] of tree.files) {
    if (changedPaths.has(path)) continue;
    // Regular files only: symbolic links hold no manifest text (the listing has no submodules).
    if (file.mode !== "100644" && file.mode !== "100755") continue;
    if (isManifestPath(path, policy)) blobs.set(path, file.sha);
  }
  if (tree.truncated)
    return {
      kind: "partial",
      reason: "the repository tree is too large for GitHub to list whole",
      blobs: definitionsAround(blobs, changedPaths, policy),
      chartRoots,
    };
  const limit = policy.limits.maxContextFiles;
  if (blobs.size > limit) {
    return {
      kind: "partial",
      reason: `the repository has ${blobs.size} other manifest files, over limits.maxContextFiles (${limit})`,
      blobs: definitionsAround(blobs, changedPaths, policy),
      chartRoots,
    };
  }
  return { kind: "complete", blobs, chartRoots };
}
