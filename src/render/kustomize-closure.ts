// The input closure of a kustomization: its file and, recursively, every file and kustomization
// folder it references, checked as kustomize's loader checks them (api/internal/loader): files only
// from the kustomization's own folder and below, folders anywhere in the repository but never one
// that contains a folder already being built (kustomize's "cycle detected"). What kustomize would
// fetch, what is missing and what leaves the repository are errors naming the file and the entry.

import { posix } from "node:path";
import { kustomizationFileIn, readKustomization } from "./kustomization.js";
import { readBuiltinConfigs } from "./kustomize-builtins.js";
import { newSink, type Reference, type ReferenceKind } from "./kustomize-entries.js";
import { isRemoteForKustomize, looksRemote } from "./remote-references.js";
import { isWithin, type Repository, resolvePath, shownDir } from "./repository.js";

export interface Closure {
  /** Repository paths, sorted. */
  files: string[];
  errors: string[];
}

// Kustomization folders built per closure: real overlays build a handful; a hostile lattice of
// folders each including the next two twice would otherwise cost exponential time.
const MAX_BUILDS = 2_000;

const quoted = (entry: string) => JSON.stringify(entry);

class KustomizeWalk {
  readonly files = new Set<string>();
  readonly errors = new Set<string>();
  private builds = 0;

  constructor(private readonly repo: Repository) {}

  /** Builds the kustomization of `dir`, referenced from `via` ("" for the target itself). */
  build(dir: string, stack: readonly string[], as: ReferenceKind | "target", via: string): void {
    const cycle = stack.find((visited) => isWithin(visited, dir));
    if (cycle !== undefined) {
      const chain = [...stack.slice(stack.indexOf(cycle)), dir].map(shownDir).join(" → ");
      const why =
        cycle === dir
          ? `cycle: ${chain}`
          : `cycle: ${chain} (${shownDir(dir)} contains ${shownDir(cycle)}; kustomize refuses a folder that contains one it is building)`;
      this.errors.add(`${via}: ${why}`);
      return;
    }
    if (++this.builds > MAX_BUILDS) {
      this.errors.add(`more than ${MAX_BUILDS} kustomization folders built for one target`);
      return;
    }
    const found = kustomizationFileIn(this.repo.tree, dir);
    if (found === undefined || "error" in found) {
      const why =
        found?.error ?? `${shownDir(dir)} has no kustomization.yaml, kustomization.yml or Kustomization`;
      this.errors.add(via === "" ? why : `${via}: ${why}`);
      return;
    }
    this.files.add(found.file);
    const read = this.repo.documents(found.file);
    if ("error" in read) {
      this.errors.add(read.error);
      return;
    }
    const kustomization = readKustomization(read.documents[0]);
    for (const problem of kustomization.problems) this.errors.add(`${found.file}: ${problem}`);
    if (as === "component" && kustomization.kind !== "Component")
      this.errors.add(
        `${via}: ${shownDir(dir)} is listed under components but is not a kustomization of kind Component`,
      );
    if ((as === "resource" || as === "plugin") && kustomization.kind === "Component")
      this.errors.add(`${via}: ${shownDir(dir)} is a Component: kustomize takes it under components only`);
    const inside = [...stack, dir];
    for (const reference of kustomization.references) this.follow(dir, found.file, reference, inside);
  }

  /** One entry of the kustomization `file` in folder `dir`. */
  private follow(dir: string, file: string, reference: Reference, stack: readonly string[]): void {
    const problem = this.problemFollowing(dir, file, reference, stack);
    if (problem !== undefined) this.errors.add(`${file}: ${reference.field}: ${problem}`);
  }

  /** Follows an entry; what is wrong with it, if anything. */
  private problemFollowing(
    dir: string,
    file: string,
    reference: Reference,
    stack: readonly string[],
  ): string | undefined {
    const { entry, kind } = reference;
    if (isRemoteForKustomize(entry))
      return `${quoted(entry)} is a remote reference; KubeDelta never fetches: vendor it into the repository`;
    if (posix.isAbsolute(entry)) return `${quoted(entry)} is an absolute path; use a relative one`;
    const path = resolvePath(dir, entry);
    if (path === undefined) return `${quoted(entry)} leaves the repository`;
    const tree = this.repo.tree;
    if (tree.isFile(path)) {
      if (kind === "component") return `${quoted(entry)} is a file; components are kustomization folders`;
      if (!isWithin(path, dir))
        return `${quoted(entry)} is outside ${shownDir(dir)}: kustomize loads files only from a kustomization's folder and below (a folder with its own kustomization can be included from anywhere)`;
      this.files.add(path);
      if (kind === "plugin") this.pluginConfigs(dir, path, file, reference.field, stack);
      return undefined;
    }
    if (tree.isDir(path)) {
      if (kind === "file") return `${quoted(entry)} is a folder; a file is expected`;
      this.build(path, stack, kind, `${file}: ${reference.field}`);
      return undefined;
    }
    return looksRemote(entry)
      ? `${quoted(entry)} is not in the repository and looks like a remote reference; KubeDelta never fetches: vendor it into the repository`
      : `${quoted(entry)} does not exist`;
  }

  /** The files named by the builtin plugin configs in `path`, resolved against the listing kustomization. */
  private pluginConfigs(
    dir: string,
    path: string,
    file: string,
    field: string,
    stack: readonly string[],
  ): void {
    const read = this.repo.documents(path);
    if ("error" in read) {
      this.errors.add(`${file}: ${field}: ${read.error}`);
      return;
    }
    const sink = newSink();
    readBuiltinConfigs(read.documents, `${field} (${path})`, sink);
    for (const problem of sink.problems) this.errors.add(`${file}: ${problem}`);
    for (const reference of sink.references) this.follow(dir, file, reference, stack);
  }
}

/** The input closure of the kustomization in folder `dir`. */
export function kustomizeClosure(repo: Repository, dir: string): Closure {
  const walk = new KustomizeWalk(repo);
  walk.build(dir, [], "target", "");
  return { files: [...walk.files].sort(), errors: [...walk.errors] };
}
