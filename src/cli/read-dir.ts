// Reads `kubedelta diff` inputs: two files, or two directory trees matched by relative path.

import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { FileSet } from "../engine/review.js";
import { UsageError } from "./args.js";

// Directories that never hold the project's own manifests and can be huge.
const IGNORED_DIRS = new Set([".git", "node_modules"]);

type PathKind = "file" | "directory" | "empty";

function kindOf(path: string): PathKind {
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

/** Every regular file under `root` that `wanted` accepts, by forward-slash relative path. */
function walk(root: string, wanted: (relative: string) => boolean): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const visit = (dir: string, prefix: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      // Symbolic links are not followed: they can loop or point outside the tree.
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) visit(full, relative);
      else if (entry.isFile() && wanted(relative) && !lstatSync(full).isSymbolicLink()) {
        files.set(relative, readFileSync(full));
      }
    }
  };
  visit(root, "");
  return files;
}

/** The two sides of `kubedelta diff BASE HEAD`. */
export function readDiffInputs(
  basePath: string,
  headPath: string,
  wanted: (relative: string) => boolean,
): { base: FileSet; head: FileSet; singleFiles: boolean } {
  const baseKind = kindOf(basePath);
  const headKind = kindOf(headPath);
  if (baseKind === "empty" && headKind === "empty")
    throw new UsageError("BASE and HEAD cannot both be /dev/null");
  const dirs = baseKind === "directory" || headKind === "directory";
  if (dirs && (baseKind === "file" || headKind === "file")) {
    throw new UsageError("BASE and HEAD must both be files or both be directories");
  }
  if (dirs) {
    const read = (path: string, kind: PathKind) => (kind === "directory" ? walk(path, wanted) : new Map());
    return { base: read(basePath, baseKind), head: read(headPath, headKind), singleFiles: false };
  }
  // Two single files are the same file before and after: name both after the head (or base).
  const name = headKind === "file" ? basename(headPath) : basename(basePath);
  const read = (path: string, kind: PathKind): FileSet =>
    kind === "file" ? new Map([[name, readFileSync(path)]]) : new Map();
  return { base: read(basePath, baseKind), head: read(headPath, headKind), singleFiles: true };
}
