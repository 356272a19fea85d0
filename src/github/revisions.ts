// The two revisions of a pull request as rendering reads them (src/render/revision.ts), from the
// one recursive listing of the head tree that the review already makes. The head is that listing.
// The base differs from it only by the files the pull request changes, which its file list names
// with their status, so no second listing is needed: an added or copied file is absent at the base,
// a removed one present, a renamed one present under its old name only, and a modified one present
// with another blob, read at the merge base by path. Contents come through the review's BlobReader:
// a file unchanged by the pull request is the same blob at both revisions, read (and cached) once.

import type { Revision, TreeContent } from "../render/revision.js";
import type { BlobReader } from "./blob-reader.js";
import type { BlobLookup } from "./contents.js";
import { lookupKey } from "./contents.js";
import type { PullFile } from "./pull-files.js";
import type { Octokit, PullRequestRef } from "./types.js";

/** A file of a tree listing: a regular file (100644, 100755) or a symbolic link (120000). */
export interface TreeFile {
  mode: string;
  /** Blob sha. */
  sha: string;
  /** Bytes, as the listing gives them. */
  size?: number;
}

export interface HeadTree {
  /** The files of the head commit by path (no folders, no submodules). */
  files: ReadonlyMap<string, TreeFile>;
  /** GitHub listed the tree only in part (it is too large). */
  truncated: boolean;
}

const FILE_MODES = new Set(["100644", "100755", "120000"]);
const SYMLINK_MODE = "120000";

/** The head commit's tree, listed recursively in one request. */
export async function listHeadTree(octokit: Octokit, pr: PullRequestRef): Promise<HeadTree> {
  const { data } = await octokit.rest.git.getTree({
    owner: pr.owner,
    repo: pr.repo,
    tree_sha: pr.headSha,
    recursive: "1",
  });
  const files = new Map<string, TreeFile>();
  for (const entry of data.tree) {
    if (entry.type !== "blob" || !entry.path || !entry.sha || !entry.mode) continue;
    if (FILE_MODES.has(entry.mode))
      files.set(entry.path, { mode: entry.mode, sha: entry.sha, size: entry.size });
  }
  return { files, truncated: data.truncated };
}

/** Every path the pull request changes: both names of a renamed file. */
export function changedPaths(files: readonly PullFile[]): Set<string> {
  return new Set(
    files.flatMap((f) => (f.previousFilename ? [f.filename, f.previousFilename] : [f.filename])),
  );
}

/** One revision's files: where each is read, and what the listing says of it. */
interface Listed {
  lookup: BlobLookup;
  symlink: boolean;
  size?: number;
}

function revisionOf(listed: ReadonlyMap<string, Listed>, reader: BlobReader): Revision {
  return {
    paths: [...listed.keys()].sort(),
    size: (path) => listed.get(path)?.size,
    async read(paths) {
      const lookups = paths.map((path) => {
        const file = listed.get(path);
        if (!file) throw new Error(`${path} is not a file of this revision`);
        return file;
      });
      const contents = await reader.read(lookups.map((file) => file.lookup));
      return new Map(
        paths.map((path, i): [string, TreeContent] => {
          const { lookup, symlink } = lookups[i];
          const content = contents.get(lookupKey(lookup.sha, lookup.path)) as Uint8Array | string;
          // A symbolic link's blob is the path it points to.
          if (!symlink) return [path, content];
          return [
            path,
            { symlink: typeof content === "string" ? content : Buffer.from(content).toString("utf8") },
          ];
        }),
      );
    },
  };
}

function headListing(tree: HeadTree, headSha: string): Map<string, Listed> {
  const listed = new Map<string, Listed>();
  for (const [path, file] of tree.files) {
    listed.set(path, {
      lookup: { sha: headSha, path, oid: file.sha },
      symlink: file.mode === SYMLINK_MODE,
      size: file.size,
    });
  }
  return listed;
}

/** The head commit's tree. */
export function headRevision(tree: HeadTree, pr: PullRequestRef, reader: BlobReader): Revision {
  return revisionOf(headListing(tree, pr.headSha), reader);
}

/**
 * The merge base's tree, from the head's and the pull request's files. A file the pull request
 * changes is read at `mergeBase` by path, its size unknown (counted once read); its kind (file or
 * symbolic link) is the head's when the head has it, else a regular file.
 */
export function baseRevision(
  tree: HeadTree,
  files: readonly PullFile[],
  mergeBase: string,
  pr: PullRequestRef,
  reader: BlobReader,
): Revision {
  const listed = headListing(tree, pr.headSha);
  // Head-only names first, then base-only ones: a path renamed away and added anew is at the base.
  for (const file of files) {
    const renamed = file.previousFilename !== undefined && file.previousFilename !== file.filename;
    if (file.status === "added" || file.status === "copied" || renamed) listed.delete(file.filename);
  }
  for (const file of files) {
    if (file.status === "added" || file.status === "copied" || file.status === "unchanged") continue;
    const path = file.previousFilename ?? file.filename;
    const symlink = listed.get(path)?.symlink ?? false;
    listed.set(path, { lookup: { sha: mergeBase, path }, symlink });
  }
  return revisionOf(listed, reader);
}
