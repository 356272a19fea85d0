// One revision of a repository as target detection and input closures see it: the list of its
// file paths and a reader for the few files they must read (kustomizations, Chart.yaml, builtin
// plugin configs). The CLI answers from the working tree or git, the GitHub App from the tree
// listing and batched blob reads; nothing here does I/O.

import { posix } from "node:path";
import { readManifest } from "../engine/reading.js";
import { compareStrings } from "../engine/text.js";
import type { Json } from "../engine/types.js";

/** A file's content, or undefined when it cannot be had. */
export type ReadFile = (path: string) => string | Uint8Array | undefined;

/** The folder of a (normalized) repository path, "" for the root. */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** `dir` as messages show it: "." for the root. */
export function shownDir(dir: string): string {
  return dir === "" ? "." : dir;
}

/** `relative` resolved against the folder `dir`: a normalized repository path, or undefined when it leaves the repository. */
export function resolvePath(dir: string, relative: string): string | undefined {
  const joined = posix.normalize(posix.join(dir === "" ? "." : dir, relative)).replace(/\/+$/, "");
  if (joined === ".." || joined.startsWith("../")) return undefined;
  return joined === "." ? "" : joined;
}

/** Whether `path` is `dir` or lies below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === "" || path === dir || path.startsWith(`${dir}/`);
}

/** The paths of a revision, with its folders (a folder exists when a file lies below it). */
export class RepoTree {
  readonly files: ReadonlySet<string>;
  private readonly dirs = new Set<string>([""]);
  /** The paths in order, so that the files below a folder are one run of it. */
  private readonly sorted: string[];

  constructor(paths: readonly string[]) {
    this.files = new Set(paths);
    // The default order is compareStrings' (UTF-16 code units), and faster than a comparator.
    this.sorted = [...this.files].sort();
    for (const path of paths) {
      for (let dir = dirOf(path); dir !== "" && !this.dirs.has(dir); dir = dirOf(dir)) this.dirs.add(dir);
    }
  }

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  /** Every file below `dir`, sorted. */
  filesUnder(dir: string): string[] {
    if (dir === "") return [...this.sorted];
    const prefix = `${dir}/`;
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStrings(this.sorted[middle], prefix) < 0) low = middle + 1;
      else high = middle;
    }
    const files: string[] = [];
    for (let i = low; i < this.sorted.length && this.sorted[i].startsWith(prefix); i++)
      files.push(this.sorted[i]);
    return files;
  }
}

// Bounds for reading the tools' own small files: generous for a kustomization, tight enough that
// a hostile one (an alias bomb, a deep nest) costs nothing.
const CONFIG_LIMITS = {
  maxFileBytes: 4 * 1024 * 1024,
  maxDocuments: 1_000,
  maxDepth: 64,
  maxAliases: 1_000,
  maxNodes: 1_000_000,
};

export type DocumentsRead = { documents: Json[] } | { error: string };

/** A revision: its tree and reader, with each file read and parsed at most once. */
export class Repository {
  private readonly parsed = new Map<string, DocumentsRead>();

  constructor(
    readonly tree: RepoTree,
    private readonly read: ReadFile,
  ) {}

  /**
   * The YAML documents of a file, read as Kubernetes tools read YAML (go-yaml v2 rules), up to
   * the first error; an error when the file cannot be read or has none that read.
   */
  documents(path: string): DocumentsRead {
    let result = this.parsed.get(path);
    if (!result) {
      result = this.parse(path);
      this.parsed.set(path, result);
    }
    return result;
  }

  private parse(path: string): DocumentsRead {
    const content = this.read(path);
    if (content === undefined) return { error: `${path}: could not be read` };
    const outcome = readManifest(path, content, CONFIG_LIMITS);
    const documents = outcome.documents.map((d) => d.value);
    if (documents.length > 0) return { documents };
    const problem = outcome.errors[0];
    if (!problem) return { error: `${path}: is empty` };
    return { error: `${path}${problem.line ? `:${problem.line}` : ""}: ${problem.message}` };
  }
}

const repositories = new WeakMap<readonly string[], WeakMap<ReadFile, Repository>>();

/** The Repository of these paths and reader, shared by calls that pass the same two objects. */
export function repositoryOf(paths: readonly string[], read: ReadFile): Repository {
  let byReader = repositories.get(paths);
  if (!byReader) {
    byReader = new WeakMap();
    repositories.set(paths, byReader);
  }
  let repository = byReader.get(read);
  if (!repository) {
    repository = new Repository(new RepoTree(paths), read);
    byReader.set(read, repository);
  }
  return repository;
}
