// The manifests a pull request does not touch, for rules that look across the repository
// (NetworkPolicy coverage, RBAC chains): listed from the head tree with their blob shas, so that after the first
// review of a repository they come from the blob cache and cost one tree listing.

import { isManifestPath } from "../engine/review.js";
import type { Policy } from "../policy/types.js";
import type { Octokit, PullRequestRef } from "./types.js";

export type RepositoryContext =
  /** Unchanged manifest paths of the head tree → blob sha. */
  { kind: "complete"; blobs: Map<string, string> } | { kind: "partial"; reason: string };

export async function repositoryContext(
  octokit: Octokit,
  pr: PullRequestRef,
  changedPaths: ReadonlySet<string>,
  policy: Policy,
): Promise<RepositoryContext> {
  const { data } = await octokit.rest.git.getTree({
    owner: pr.owner,
    repo: pr.repo,
    tree_sha: pr.headSha,
    recursive: "1",
  });
  if (data.truncated)
    return { kind: "partial", reason: "the repository tree is too large for GitHub to list whole" };
  const blobs = new Map<string, string>();
  for (const entry of data.tree) {
    if (entry.type !== "blob" || !entry.path || !entry.sha || changedPaths.has(entry.path)) continue;
    // Regular files only: symbolic links and submodules hold no manifest text.
    if (entry.mode !== "100644" && entry.mode !== "100755") continue;
    if (isManifestPath(entry.path, policy)) blobs.set(entry.path, entry.sha);
  }
  const limit = policy.limits.maxContextFiles;
  if (blobs.size > limit) {
    return {
      kind: "partial",
      reason: `the repository has ${blobs.size} other manifest files, over limits.maxContextFiles (${limit})`,
    };
  }
  return { kind: "complete", blobs };
}
