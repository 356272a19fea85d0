// Reading the two sides of a change: which files are manifests, decoding and parsing them (each
// distinct text once), and the resources they hold. Problems become errors or skip notes.

import { Minimatch } from "minimatch";
import { chartOfTemplate, chartRootsIn } from "./charts.js";
import { type DecodedFile, decodeFile, type FileContent, isUnreadable } from "./files.js";
import { NO_KIND } from "./identity.js";
import type { ParseCache } from "./parse-cache.js";
import { withStop } from "./reading.js";
import { resourcesOf } from "./resources.js";
import type { ReviewSettings } from "./settings.js";
import type { Finding, InputError, Path, Resource, ReviewStats, Side, Skipped } from "./types.js";
import type { ParsedDocument, ParseOutcome } from "./yaml/types.js";

/** Path (relative to the side's root, forward slashes) → file content. */
export type FileSet = ReadonlyMap<string, FileContent>;

/** What reading needs to know about the review. */
export interface ReadInput {
  base: FileSet;
  head: FileSet;
  /** The review's settings (a Policy, in the shells). */
  policy: ReviewSettings;
  /** Read every file as a manifest, whatever the policy's globs say (files named explicitly). */
  allFilesAreManifests?: boolean;
  /**
   * Each side's chart roots: the directories of its whole tree that hold a Chart.yaml (see
   * charts.ts). Shells that hold only some files of a tree (the app) must pass them; without
   * them, the Chart.yaml files among the side's own files are taken.
   */
  chartRoots?: { base: ReadonlySet<string>; head: ReadonlySet<string> };
  /** Manifests made by a tool (rendered Kustomize and Helm output): see GeneratedFiles. */
  generated?: GeneratedFiles;
}

/**
 * Files of either side that a tool generated from sources (src/render/): they are read as
 * manifests whatever the globs say, and a finding on one is moved by `place` to the source line
 * that causes it, since nobody edits the generated text itself.
 */
export interface GeneratedFiles {
  paths: ReadonlySet<string>;
  /** The finding as it should read: placed in a source file, its message naming what generated it. */
  place(finding: Finding, field: Path): Finding;
}

/** Whether a path of the input is read as a manifest. */
export function isManifestInput(path: string, input: ReadInput): boolean {
  return (
    input.allFilesAreManifests === true ||
    input.generated?.paths.has(path) === true ||
    isManifestPath(path, input.policy)
  );
}

export interface ParsedFile {
  path: string;
  side: Side;
  documents: readonly ParsedDocument[];
}

type PathTest = (path: string) => boolean;

// Globs compiled once per list: isManifestPath runs for every file of both sides (and of the
// repository tree in the app), and compiling a glob costs far more than matching it.
const compiled = new WeakMap<readonly string[], PathTest>();

function anyOf(globs: readonly string[]): PathTest {
  let test = compiled.get(globs);
  if (!test) {
    const matchers = globs.map((glob) => new Minimatch(glob, { dot: true, nocase: true }));
    test = (path) => matchers.some((matcher) => matcher.match(path));
    compiled.set(globs, test);
  }
  return test;
}

export function isManifestPath(path: string, policy: Pick<ReviewSettings, "manifests">): boolean {
  return anyOf(policy.manifests.include)(path) && !anyOf(policy.manifests.exclude)(path);
}

/** What reading one file gave; kept so a file identical on both sides is read once. */
export interface ReadFile {
  decoded: DecodedFile;
  outcome?: ParseOutcome;
}

export interface SideReport {
  errors: InputError[];
  skipped: Skipped[];
  stats: ReviewStats;
}

export function readFile(
  content: FileContent,
  input: ReadInput,
  cache: ParseCache,
  stats: ReviewStats,
): ReadFile {
  const decoded = decodeFile(content, input.policy.limits.maxFileBytes);
  if (decoded.kind !== "text") return { decoded };
  const hitsBefore = cache.hits;
  const outcome = withStop(cache.parse(decoded.text, input.policy.limits), decoded.stop);
  if (cache.hits > hitsBefore) stats.parseCacheHits++;
  else {
    stats.filesParsed++;
    stats.bytesParsed += decoded.bytes;
  }
  return { decoded, outcome };
}

/**
 * Reads one side's manifest files; problems become errors or skip notes, never exceptions.
 * `unchanged` are the paths whose bytes are the same on both sides; `reuse` holds readings made
 * before (the base's of those paths, test definitions read ahead), so no file is read twice.
 * `fixtureOf` says which files are test fixtures (see test-fixtures.ts), never read as manifests.
 */
export function parseSide(
  side: Side,
  input: ReadInput,
  cache: ParseCache,
  report: SideReport,
  unchanged: ReadonlySet<string>,
  reuse: ReadonlyMap<string, ReadFile>,
  fixtureOf: (path: string) => string | undefined = () => undefined,
): { parsed: ParsedFile[]; read: Map<string, ReadFile> } {
  const files = side === "base" ? input.base : input.head;
  const chartRoots = input.chartRoots?.[side] ?? chartRootsIn(files.keys());
  const parsed: ParsedFile[] = [];
  const read = new Map<string, ReadFile>();
  for (const [path, content] of files) {
    if (!isManifestInput(path, input)) continue;
    // A file the change does not touch is not the change's to fix: its problems cannot hide
    // anything the change does, so they are not reported (the check must not stay red forever).
    const untouched = unchanged.has(path);
    // A file present on both sides is reported once, from the head; base problems of a file the
    // head deletes are reported too, since they hide what the deletion removes.
    const reportIt = !untouched && (side === "head" || !input.head.has(path));
    // Generated text is never a chart template or a test fixture, whatever its name says.
    const generated = input.generated?.paths.has(path) === true;
    const chart = generated ? undefined : chartOfTemplate(path, chartRoots);
    if (chart !== undefined) {
      if (reportIt) {
        const reason = `Helm chart template (of ${chart}): rendered by Helm, never read as manifests`;
        report.skipped.push({ file: path, reason });
      }
      continue;
    }
    const fixture = generated ? undefined : fixtureOf(path);
    if (fixture !== undefined) {
      if (reportIt) report.skipped.push({ file: path, reason: fixture });
      continue;
    }
    const file = reuse.get(path) ?? readFile(content, input, cache, report.stats);
    read.set(path, file);
    const { decoded, outcome } = file;
    if (untouched) {
      if (outcome) parsed.push({ path, side, documents: outcome.documents });
      continue;
    }
    if (decoded.kind === "error") {
      report.errors.push({ file: path, line: decoded.line, message: `${side}: ${decoded.message}` });
    } else if (outcome) {
      if (reportIt) {
        const hint = outcome.errors.length > 0 && decoded.text.includes("{{") ? TEMPLATE_HINT : "";
        for (const problem of outcome.errors)
          report.errors.push({ file: path, line: problem.line, message: problem.message + hint });
      }
      parsed.push({ path, side, documents: outcome.documents });
    }
  }
  return { parsed, read };
}

// Template braces outside a chart: kubectl would reject the file as well, but it is often a
// template some tool fills in (go:embed, envsubst, Argo CD) and is never applied as it is.
const TEMPLATE_HINT =
  " (the file has {{ }} template braces: if it is a template that is never applied as it is, add it to manifests.exclude)";

function sameContent(a: FileContent, b: FileContent): boolean {
  // What could not be read is never known to be unchanged.
  if (isUnreadable(a) || isUnreadable(b)) return false;
  if (typeof a === "string" && typeof b === "string") return a === b;
  const bytes = (c: string | Uint8Array) => (typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.compare(bytes(a), bytes(b)) === 0;
}

/** Paths whose base and head bytes are the same: nothing in them can have changed. */
export function identicalPaths(input: ReadInput): Set<string> {
  const paths = new Set<string>();
  for (const [path, after] of input.head) {
    const before = input.base.get(path);
    if (before !== undefined && sameContent(before, after)) paths.add(path);
  }
  return paths;
}

export function collectResources(
  files: readonly ParsedFile[],
  customScopes: ReadonlyMap<string, boolean>,
  skipped: Skipped[],
  reportNotes: (path: string) => boolean,
): Resource[] {
  const resources: Resource[] = [];
  for (const file of files) {
    const { resources: found, notes } = resourcesOf(file.path, file.side, file.documents, customScopes);
    resources.push(...found);
    if (!reportNotes(file.path)) continue;
    const nothingKubernetes = notes.every((note) => note.endsWith(NO_KIND));
    if (found.length === 0 && notes.length > 0 && nothingKubernetes) {
      skipped.push({ file: file.path, reason: "not a Kubernetes manifest (no apiVersion/kind)" });
    } else {
      for (const note of notes) skipped.push({ file: file.path, reason: note });
    }
  }
  return resources;
}

/** Manifest files that differ between the sides: the ones limits.maxFiles bounds. */
export function changedManifestCount(input: ReadInput, identical: ReadonlySet<string>): number {
  let count = 0;
  for (const path of new Set([...input.base.keys(), ...input.head.keys()])) {
    if (identical.has(path) || !isManifestInput(path, input)) continue;
    count++;
  }
  return count;
}
