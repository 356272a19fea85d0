// The working tree of a repository, uncommitted edits included, and what differs in it from a commit.

import { gitList } from "./command.js";
import { diskTree } from "./disk-tree.js";
import type { ListedTree } from "./listed-tree.js";

/** Tracked and untracked files that are not ignored: what the next commit could hold. */
export function workingTree(root: string): ListedTree {
  return diskTree(
    root,
    new Set(gitList(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])),
  );
}

/** Paths of the working tree that differ from `base` (tracked changes, and untracked files). */
export function changedInWorkingTree(root: string, base: string): Set<string> {
  return new Set([
    ...gitList(root, ["diff", "--name-only", "--no-renames", "-z", base, "--"]),
    ...gitList(root, ["ls-files", "-z", "--others", "--exclude-standard"]),
  ]);
}
