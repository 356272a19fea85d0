// One revision of a repository as rendering needs it: every path of its tree, and the content of
// the files a render reads, fetched on demand (the GitHub App reads them in batches over the API,
// the CLI from git or the disk).

import type { FileContent } from "../engine/files.js";

/** A file of a tree: its content, or where it links to (a symbolic link). */
export type TreeContent = FileContent | { symlink: string };

export interface Revision {
  /** Every file path of the revision's tree, repository-relative with forward slashes. */
  paths: readonly string[];
  /** The content of these paths (each of them in `paths`). A file that cannot be read throws. */
  read(paths: readonly string[]): Promise<ReadonlyMap<string, TreeContent>>;
  /** A file's size in bytes when known without reading it (bounds what a render reads). */
  size?(path: string): number | undefined;
}

export function isSymlink(content: TreeContent | undefined): content is { symlink: string } {
  return typeof content === "object" && content !== null && "symlink" in content;
}
