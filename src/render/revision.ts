// One revision of a repository as rendering needs it: every path of its tree, and the content of
// the files a render reads, fetched on demand (the GitHub App reads them in batches over the API,
// the CLI from git or the disk).

import { type FileContent, isUnreadable } from "../engine/files.js";

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

/** The bytes of a content, or undefined when it could not be read. */
function bytesOf(content: FileContent | undefined): Buffer | undefined {
  if (content === undefined || isUnreadable(content)) return undefined;
  return typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
}

/** A revision held in memory (examples, benches, tests): every file of the tree is in `files`. */
export function revisionOf(files: ReadonlyMap<string, FileContent>): Revision {
  return {
    paths: [...files.keys()].sort(),
    size: (path) => bytesOf(files.get(path))?.byteLength,
    async read(paths) {
      return new Map(
        paths.map((path) => {
          const content = files.get(path);
          if (content === undefined) throw new Error(`${path} is not a file of this revision`);
          return [path, content];
        }),
      );
    },
  };
}

/** The paths added, removed or changed between two revisions held in memory (unreadable: changed). */
export function changedPaths(
  base: ReadonlyMap<string, FileContent>,
  head: ReadonlyMap<string, FileContent>,
): Set<string> {
  const same = (path: string) => {
    const [before, after] = [bytesOf(base.get(path)), bytesOf(head.get(path))];
    return before !== undefined && after !== undefined && before.equals(after);
  };
  return new Set([...new Set([...base.keys(), ...head.keys()])].filter((path) => !same(path)));
}
