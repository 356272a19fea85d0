// Test tools name files by path in their test definitions (chainsaw's `file:` of an operation, the
// lists of a kuttl TestStep). Resolving those paths against the files of a side says which files a
// test compares against a cluster and which it applies. Only paths that resolve the same way
// whatever runs the test count: expressions, environment variables, URLs and absolute paths are
// left alone. A file compared against a cluster counts only inside the test's own directory: a
// test may assert the repository's real manifests (`../../deploy/app.yaml`), and those must stay
// reviewed. A file a test applies counts anywhere in the repository (that keeps it reviewed).

import { posix } from "node:path";
import { Minimatch } from "minimatch";

/** What a test does with a file: compares it against a cluster (assert, error) or applies it. */
export type TestUse = "assert" | "error" | "apply";

export interface TestReference {
  /** The test definition that names the file. */
  from: string;
  tool: "chainsaw" | "kuttl";
  use: TestUse;
  /** The directory relative paths start from ("" for the root). */
  dir: string;
  /** The path as the test writes it. */
  path: string;
  /**
   * `glob`: a file or a Go glob (chainsaw). `file-or-directory`: a file, or a directory that means
   * the .yaml files directly in it (kuttl).
   */
  form: "glob" | "file-or-directory";
}

/** A path's directory, "" for the root. */
export function dirOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

/** The paths of one side, indexed for resolving references. */
export class PathIndex {
  private readonly paths: ReadonlySet<string>;
  private readonly byDir = new Map<string, string[]>();

  constructor(paths: Iterable<string>) {
    this.paths = new Set(paths);
    for (const path of this.paths) {
      const dir = dirOf(path);
      const list = this.byDir.get(dir);
      if (list) list.push(path);
      else this.byDir.set(dir, [path]);
    }
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** Files directly in `dir`. */
  inDirectory(dir: string): readonly string[] {
    return this.byDir.get(dir) ?? [];
  }

  all(): Iterable<string> {
    return this.paths;
  }
}

// Expressions (`($values.file)`, `~…`), variables (`$DIR`, `${DIR}`), URLs and go-getter sources
// (`https://…`, `git::…`: anything with a colon) and absolute paths depend on what runs the test.
const NOT_PLAIN = /^[(~/]|[$:]/;

/** Strictly inside `dir`: a reference to the test's own directory (every file in it) never counts. */
function isInside(path: string, dir: string): boolean {
  if (dir === "") return path !== "." && path !== ".." && !path.startsWith("../");
  return path.startsWith(`${dir}/`);
}

// Go's filepath.Match, which chainsaw's globs use: `*`, `?` and `[…]` within one path segment.
const GO_GLOB = { dot: true, noglobstar: true, nobrace: true, noext: true, nonegate: true, nocomment: true };
const GLOB_CHARS = /[*?[\\]/;

/** The files of the side a reference names (none when it cannot be resolved without running the test). */
export function resolveReference(reference: TestReference, index: PathIndex): string[] {
  if (reference.path === "" || NOT_PLAIN.test(reference.path)) return [];
  const target = posix.normalize(posix.join(reference.dir, reference.path)).replace(/\/$/, "");
  const within = reference.use === "apply" ? "" : reference.dir;
  if (!isInside(target, within)) return [];
  if (reference.form === "glob") {
    if (!GLOB_CHARS.test(reference.path)) return index.has(target) ? [target] : [];
    const glob = new Minimatch(target, GO_GLOB);
    return [...index.all()].filter((path) => isInside(path, within) && glob.match(path));
  }
  if (index.has(target)) return [target];
  return index.inDirectory(target).filter((path) => path.endsWith(".yaml"));
}
