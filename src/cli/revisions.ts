// Whole trees for rendering (src/render/revision.ts): a git revision, the working tree, or a plain
// directory, each listed once and read on demand; and which paths differ between two of them.

import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { FileContent } from "../engine/files.js";
import type { Revision, TreeContent } from "../render/revision.js";
import { readContent } from "./read-dir.js";
import { catBlobs, git } from "./read-git.js";

const IGNORED_DIRS = new Set([".git", "node_modules"]);

/** A revision with, for each path, an id that changes when its content does. */
export interface ListedRevision extends Revision {
  ids: ReadonlyMap<string, string>;
}

/** The tree of a git revision: regular files and symbolic links, with their blob ids. */
export function gitRevision(repo: string, ref: string): ListedRevision {
  const listing = git(repo, ["ls-tree", "-r", "-z", "-l", "--full-tree", ref]).toString("utf8");
  const ids = new Map<string, string>();
  const links = new Set<string>();
  const sizes = new Map<string, number>();
  for (const entry of listing.split("\0")) {
    const tab = entry.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, sha, size] = entry.slice(0, tab).split(/ +/);
    const path = entry.slice(tab + 1);
    if (type !== "blob" || !["100644", "100755", "120000"].includes(mode)) continue;
    ids.set(path, sha);
    sizes.set(path, Number(size));
    if (mode === "120000") links.add(path);
  }
  return {
    paths: [...ids.keys()],
    ids,
    size: (path) => sizes.get(path),
    async read(paths) {
      const contents = catBlobs(
        repo,
        paths.map((path) => ids.get(path) ?? ""),
      );
      const files = new Map<string, TreeContent>();
      paths.forEach((path, i) => {
        const content = contents[i];
        files.set(
          path,
          links.has(path) && !isUnreadableContent(content) ? { symlink: text(content) } : content,
        );
      });
      return files;
    },
  };
}

function isUnreadableContent(content: FileContent): boolean {
  return typeof content === "object" && content !== null && "unreadable" in content;
}

function text(content: FileContent): string {
  return typeof content === "string" ? content : Buffer.from(content as Uint8Array).toString("utf8");
}

/** A file or link on disk as a tree entry. */
function readEntry(full: string): TreeContent {
  try {
    if (lstatSync(full).isSymbolicLink()) return { symlink: readlinkSync(full) };
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
  return readContent(full);
}

function diskRevision(root: string, paths: string[]): Revision {
  return {
    paths,
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

/** The working tree of a git repository: tracked and untracked files that are not ignored. */
export function workingTreeRevision(root: string): Revision {
  const listing = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).toString(
    "utf8",
  );
  const paths = [...new Set(listing.split("\0"))].filter((path) => {
    if (path === "") return false;
    try {
      const stats = lstatSync(join(root, path));
      return stats.isFile() || stats.isSymbolicLink();
    } catch {
      return false; // deleted but still tracked
    }
  });
  return diskRevision(root, paths);
}

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
  return diskRevision(root, paths.sort());
}

/** Paths whose blob differs between two git revisions (or that only one has). */
export function changedBetween(base: ListedRevision, head: ListedRevision): Set<string> {
  const changed = new Set<string>();
  for (const [path, id] of base.ids) if (head.ids.get(path) !== id) changed.add(path);
  for (const path of head.ids.keys()) if (!base.ids.has(path)) changed.add(path);
  return changed;
}

/** Paths of the working tree that differ from `base` (tracked changes, and untracked files). */
export function changedInWorkingTree(root: string, base: string): Set<string> {
  const run = (args: string[]) =>
    execFileSync("git", ["-C", root, ...args], { maxBuffer: 2 ** 30 })
      .toString("utf8")
      .split("\0");
  const diffed = run(["diff", "--name-only", "--no-renames", "-z", base, "--"]);
  const untracked = run(["ls-files", "-z", "--others", "--exclude-standard"]);
  return new Set([...diffed, ...untracked].filter((path) => path !== ""));
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
