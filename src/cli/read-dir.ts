// Reads `kubedelta diff` inputs: two files, or two directory trees matched by relative path.

import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { FileContent } from "../engine/files.js";
import type { FileSet } from "../engine/review.js";
import { compareStrings } from "../engine/text.js";
import { UsageError } from "./args.js";

// Directories that never hold the project's own manifests and can be huge.
const IGNORED_DIRS = new Set([".git", "node_modules"]);

export type PathKind = "file" | "directory" | "empty";

/** One side of a diff: its files, and where its Helm charts are (see engine/charts.ts). */
export interface SideFiles {
  files: FileSet;
  chartRoots: Set<string>;
}

export function kindOf(path: string): PathKind {
  if (path === "/dev/null") return "empty"; // a file that did not exist on this side
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    throw new UsageError(`${path}: no such file or directory`);
  }
  if (stats.isDirectory()) return "directory";
  if (stats.isFile()) return "file";
  throw new UsageError(`${path}: not a regular file or directory`);
}

/** A file's bytes; a file that cannot be read (permissions, say) is an error on it, not a crash. */
export function readContent(path: string | 0): FileContent {
  try {
    return readFileSync(path);
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Every regular file under `root` that `wanted` accepts, by forward-slash relative path, and the
 * directories that hold a Chart.yaml (whatever the manifest globs say about it).
 */
export function walk(root: string, wanted: (relative: string) => boolean): SideFiles {
  const files = new Map<string, FileContent>();
  const chartRoots = new Set<string>();
  const visit = (dir: string, prefix: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareStrings(a.name, b.name));
    for (const entry of entries) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      // Symbolic links are not followed: they can loop or point outside the tree.
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) visit(full, relative);
      else if (entry.isFile() && !lstatSync(full).isSymbolicLink()) {
        if (entry.name === "Chart.yaml") chartRoots.add(prefix);
        if (wanted(relative)) files.set(relative, readContent(full));
      }
    }
  };
  visit(root, "");
  return { files, chartRoots };
}

/** The two sides of `kubedelta diff BASE HEAD`. */
export function readDiffInputs(
  basePath: string,
  headPath: string,
  wanted: (relative: string) => boolean,
): { base: SideFiles; head: SideFiles; singleFiles: boolean } {
  const baseKind = kindOf(basePath);
  const headKind = kindOf(headPath);
  if (baseKind === "empty" && headKind === "empty")
    throw new UsageError("BASE and HEAD cannot both be /dev/null");
  const dirs = baseKind === "directory" || headKind === "directory";
  if (dirs && (baseKind === "file" || headKind === "file")) {
    throw new UsageError("BASE and HEAD must both be files or both be directories");
  }
  const none = (): SideFiles => ({ files: new Map(), chartRoots: new Set() });
  if (dirs) {
    const read = (path: string, kind: PathKind) => (kind === "directory" ? walk(path, wanted) : none());
    return { base: read(basePath, baseKind), head: read(headPath, headKind), singleFiles: false };
  }
  // Two single files are the same file before and after: name both after the head (or base).
  // Named on the command line, they are read as manifests, as `kubectl apply -f FILE` reads them.
  const name = headKind === "file" ? basename(headPath) : basename(basePath);
  const read = (path: string, kind: PathKind): SideFiles =>
    kind === "file" ? { files: new Map([[name, readContent(path)]]), chartRoots: new Set() } : none();
  return { base: read(basePath, baseKind), head: read(headPath, headKind), singleFiles: true };
}
