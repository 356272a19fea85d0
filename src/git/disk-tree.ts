// A tree of files on disk, read on demand: the working tree of a repository, and the CLI's plain
// directories. Links are read as where they point, never followed (they can leave the tree).

import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { TreeContent } from "../render/revision.js";
import type { ListedTree } from "./listed-tree.js";

/** A file or link on disk as a tree entry; one that cannot be read is unreadable, not a crash. */
function readEntry(full: string): TreeContent {
  try {
    return lstatSync(full).isSymbolicLink() ? { symlink: readlinkSync(full) } : readFileSync(full);
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The regular files and symbolic links among `paths` (relative to `root`, forward slashes); the
 * rest (directories, submodules, paths that are gone) is no part of the tree.
 */
export function diskTree(root: string, paths: Iterable<string>): ListedTree {
  const kept: string[] = [];
  const links = new Set<string>();
  for (const path of paths) {
    let stats: ReturnType<typeof lstatSync>;
    try {
      stats = lstatSync(join(root, path));
    } catch {
      continue; // deleted, though git may still track it
    }
    if (stats.isSymbolicLink()) links.add(path);
    if (stats.isFile() || stats.isSymbolicLink()) kept.push(path);
  }
  return {
    paths: kept,
    links,
    size: (path) => {
      try {
        return lstatSync(join(root, path)).size;
      } catch {
        return undefined;
      }
    },
    async read(wanted) {
      return new Map(wanted.map((path) => [path, readEntry(join(root, path))]));
    },
  };
}
