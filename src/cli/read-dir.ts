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
  // A pipe or a terminal is read as a file: process substitution, <(git show main:app.yaml), is one.
  if (stats.isFile() || stats.isFIFO() || stats.isCharacterDevice()) return "file";
  throw new UsageError(`${path}: not a regular file or directory`);
}

/** Whether `path` names a file of its own (not standard input, a pipe or a device): its name means something. */
function isRegularFile(path: string): boolean {
  return path !== "-" && statSync(path).isFile();
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

/** The name the findings of a single-file diff carry: a side that is a file of its own names it. */
function singleFileName(basePath: string, headPath: string): string {
  const named = [headPath, basePath].find((path) => path !== "/dev/null" && isRegularFile(path));
  if (named) return basename(named);
  if (headPath === "-" || basePath === "-") return STDIN_FILE_NAME;
  // Two pipes (<(…) <(…)), or a pipe against /dev/null: only the path says which.
  return headPath === "/dev/null" ? basePath : headPath;
}

/** `kubedelta diff` of `-` against a file with no name of its own: the findings' file. */
export const STDIN_FILE_NAME = "stdin";

/**
 * The two sides of `kubedelta diff BASE HEAD`. Either side may be `-`, standard input (read by
 * `stdin`), as a single file.
 */
export function readDiffInputs(
  basePath: string,
  headPath: string,
  wanted: (relative: string) => boolean,
  stdin: () => FileContent,
): { base: SideFiles; head: SideFiles; singleFiles: boolean } {
  if (basePath === "-" && headPath === "-")
    throw new UsageError("standard input (-) can be only one of BASE and HEAD");
  const kind = (path: string): PathKind => (path === "-" ? "file" : kindOf(path));
  const baseKind = kind(basePath);
  const headKind = kind(headPath);
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
  const name = singleFileName(basePath, headPath);
  const content = (path: string) => (path === "-" ? stdin() : readContent(path));
  const read = (path: string, kind: PathKind): SideFiles =>
    kind === "file" ? { files: new Map([[name, content(path)]]), chartRoots: new Set() } : none();
  return { base: read(basePath, baseKind), head: read(headPath, headKind), singleFiles: true };
}
