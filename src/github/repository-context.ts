// The manifests a pull request does not touch, for rules that look across the repository
// (NetworkPolicy coverage): read from the head tree and cached by blob sha, so after the first
// review of a repository they cost one tree listing and no content requests.

import { isManifestPath } from "../engine/review.js";
import type { Policy } from "../policy/types.js";
import { type BlobCache, fetchFiles } from "./contents.js";
import type { Octokit, PullRequestRef } from "./types.js";

export type RepositoryContext =
  | { kind: "complete"; files: Map<string, Uint8Array | string> }
  | { kind: "partial"; reason: string };

export async function repositoryContext(
  octokit: Octokit,
  pr: PullRequestRef,
  changedPaths: ReadonlySet<string>,
  policy: Policy,
  blobs: BlobCache,
): Promise<RepositoryContext> {
  const { data } = await octokit.rest.git.getTree({
    owner: pr.owner,
    repo: pr.repo,
    tree_sha: pr.headSha,
    recursive: "1",
  });
  if (data.truncated)
    return { kind: "partial", reason: "the repository tree is too large for GitHub to list whole" };
  const known = new Map<string, string>();
  for (const entry of data.tree) {
    if (entry.type !== "blob" || !entry.path || !entry.sha || changedPaths.has(entry.path)) continue;
    // Regular files only: symbolic links and submodules hold no manifest text.
    if (entry.mode !== "100644" && entry.mode !== "100755") continue;
    if (isManifestPath(entry.path, policy)) known.set(entry.path, entry.sha);
  }
  const limit = policy.limits.maxContextFiles;
  if (known.size > limit) {
    return {
      kind: "partial",
      reason: `the repository has ${known.size} other manifest files, over limits.maxContextFiles (${limit})`,
    };
  }
  const files = await fetchFiles(octokit, pr, pr.headSha, [...known.keys()], blobs, known);
  return { kind: "complete", files };
}
