// `kubedelta diff` of two directories as whole trees for rendering (src/render/revision.ts), and
// which paths differ between them.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { diskTree } from "../git/disk-tree.js";
import type { Revision, TreeContent } from "../render/revision.js";

const IGNORED_DIRS = new Set([".git", "node_modules"]);

/** Every file under a directory (not following links), as `kubedelta diff` reads directories. */
export function directoryRevision(root: string): Revision {
  const paths: string[] = [];
  const visit = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) visit(join(dir, entry.name), relative);
      } else if (entry.isFile() || entry.isSymbolicLink()) paths.push(relative);
    }
  };
  visit(root, "");
  return diskTree(root, paths.sort());
}

/** Paths that differ between two directory trees, compared byte for byte. */
export async function changedBetweenDirectories(base: Revision, head: Revision): Promise<Set<string>> {
  const all = [...new Set([...base.paths, ...head.paths])];
  const inBase = new Set(base.paths);
  const inHead = new Set(head.paths);
  const [before, after] = await Promise.all([
    base.read(all.filter((p) => inBase.has(p))),
    head.read(all.filter((p) => inHead.has(p))),
  ]);
  return new Set(all.filter((path) => !sameEntry(before.get(path), after.get(path))));
}

/** Same bytes, or links to the same place; what could not be read is never the same. */
function sameEntry(a: TreeContent | undefined, b: TreeContent | undefined): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a !== undefined && b !== undefined && "symlink" in a && "symlink" in b && a.symlink === b.symlink;
}
