// The engine's entry point: base and head file texts in, findings out. Pure apart from the
// optional parse cache the caller hands in; no I/O, no clock, no network.

import { minimatch } from "minimatch";
import type { Policy } from "../policy/types.js";
import { RULES } from "../rules/index.js";
import type { ResourceChange, Rule, RuleContext } from "../rules/types.js";
import { jsonEqual } from "./equal.js";
import { type DecodedFile, decodeFile, type FileContent } from "./files.js";
import { fingerprint } from "./fingerprint.js";
import { NO_KIND } from "./identity.js";
import { pairResources } from "./pairing.js";
import { ParseCache } from "./parse-cache.js";
import { resourceSet } from "./resource-set.js";
import { customScopesIn, resourcesOf } from "./resources.js";
import {
  type Finding,
  type InputError,
  type Resource,
  type ReviewResult,
  type ReviewStats,
  SEVERITIES,
  type Severity,
  type Side,
  type Skipped,
  severityRank,
} from "./types.js";
import type { ParsedDocument, ParseOutcome } from "./yaml/types.js";

/** Path (relative to the side's root, forward slashes) → file content. */
export type FileSet = ReadonlyMap<string, FileContent>;

export interface ReviewInput {
  base: FileSet;
  head: FileSet;
  policy: Policy;
  /** Reused across reviews by long-lived callers; a fresh one per review otherwise. */
  cache?: ParseCache;
  /** Read every file as a manifest, whatever the policy's globs say (files named explicitly). */
  allFilesAreManifests?: boolean;
  /** Rules to run instead of the built-in set (tests, custom packs). */
  rules?: readonly Rule[];
}

interface ParsedFile {
  path: string;
  side: Side;
  documents: readonly ParsedDocument[];
}

export function isManifestPath(path: string, policy: Policy): boolean {
  const options = { dot: true, nocase: true };
  return (
    policy.manifests.include.some((glob) => minimatch(path, glob, options)) &&
    !policy.manifests.exclude.some((glob) => minimatch(path, glob, options))
  );
}

function emptyStats(input: ReviewInput): ReviewStats {
  return {
    filesBase: input.base.size,
    filesHead: input.head.size,
    filesParsed: 0,
    parseCacheHits: 0,
    bytesParsed: 0,
    resourcesBase: 0,
    resourcesHead: 0,
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
    moved: 0,
  };
}

/** What reading one file gave; kept so a file identical on both sides is read once. */
interface ReadFile {
  decoded: DecodedFile;
  outcome?: ParseOutcome;
}

interface SideReport {
  errors: InputError[];
  skipped: Skipped[];
  stats: ReviewStats;
}

function readFile(
  path: string,
  content: FileContent,
  input: ReviewInput,
  cache: ParseCache,
  stats: ReviewStats,
): ReadFile {
  const decoded = decodeFile(path, content, input.policy.limits.maxFileBytes);
  if (decoded.kind !== "text") return { decoded };
  const hitsBefore = cache.hits;
  const outcome = cache.parse(decoded.text, input.policy.limits);
  if (cache.hits > hitsBefore) stats.parseCacheHits++;
  else {
    stats.filesParsed++;
    stats.bytesParsed += decoded.bytes;
  }
  // Not YAML, but it has template braces: a template of some tool (Go, Helm, krew, Argo CD…) that
  // only becomes a manifest once rendered. kubectl could not apply it as it is either.
  if (outcome.errors.length > 0 && decoded.text.includes("{{")) {
    return {
      decoded: {
        kind: "skip",
        reason: "template (not valid YAML until rendered): review the rendered manifests",
      },
    };
  }
  return { decoded, outcome };
}

/**
 * Reads one side's manifest files; problems become errors or skip notes, never exceptions.
 * `unchanged` are the paths whose bytes are the same on both sides; `reuse` holds their base
 * reading, so the head does not read them again.
 */
function parseSide(
  side: Side,
  input: ReviewInput,
  cache: ParseCache,
  report: SideReport,
  unchanged: ReadonlySet<string>,
  reuse: ReadonlyMap<string, ReadFile>,
): { parsed: ParsedFile[]; read: Map<string, ReadFile> } {
  const files = side === "base" ? input.base : input.head;
  const parsed: ParsedFile[] = [];
  const read = new Map<string, ReadFile>();
  for (const [path, content] of files) {
    if (!input.allFilesAreManifests && !isManifestPath(path, input.policy)) continue;
    const file = reuse.get(path) ?? readFile(path, content, input, cache, report.stats);
    read.set(path, file);
    const { decoded, outcome } = file;
    // A file the change does not touch is not the change's to fix: its problems cannot hide
    // anything the change does, so they are not reported (the check must not stay red forever).
    if (unchanged.has(path)) {
      if (outcome) parsed.push({ path, side, documents: outcome.documents });
      continue;
    }
    // A file present on both sides is reported once, from the head; base problems of a file the
    // head deletes are reported too, since they hide what the deletion removes.
    const reportIt = side === "head" || !input.head.has(path);
    if (decoded.kind === "skip") {
      if (reportIt) report.skipped.push({ file: path, reason: decoded.reason });
    } else if (decoded.kind === "error") {
      report.errors.push({ file: path, message: `${side}: ${decoded.message}` });
    } else if (outcome) {
      if (reportIt) {
        for (const problem of outcome.errors)
          report.errors.push({ file: path, line: problem.line, message: problem.message });
      }
      parsed.push({ path, side, documents: outcome.documents });
    }
  }
  return { parsed, read };
}

function sameContent(a: FileContent, b: FileContent): boolean {
  if (typeof a === "string" && typeof b === "string") return a === b;
  const bytes = (c: FileContent) => (typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.compare(bytes(a), bytes(b)) === 0;
}

/** Paths whose base and head bytes are the same: nothing in them can have changed. */
function identicalPaths(input: ReviewInput): Set<string> {
  const paths = new Set<string>();
  for (const [path, after] of input.head) {
    const before = input.base.get(path);
    if (before !== undefined && sameContent(before, after)) paths.add(path);
  }
  return paths;
}

function collectResources(
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

function countChange(change: ResourceChange, stats: ReviewStats): boolean {
  const { before, after } = change;
  if (!before) {
    stats.added++;
    return true;
  }
  if (!after) {
    stats.removed++;
    return true;
  }
  if (before.file !== after.file) stats.moved++;
  if (jsonEqual(before.object, after.object)) {
    stats.unchanged++;
    return false;
  }
  stats.changed++;
  return true;
}

/**
 * A rule that grades danger itself states severities relative to its default; the policy's
 * severity moves the whole scale, so lowering a rule by one step lowers every grade by one.
 */
function gradedSeverity(rule: Rule, graded: Severity | undefined, configured: Severity): Severity {
  if (!graded) return configured;
  const shifted = severityRank(graded) + severityRank(configured) - severityRank(rule.defaultSeverity);
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, shifted))];
}

function findingsOf(rule: Rule, change: ResourceChange, context: RuleContext, policy: Policy): Finding[] {
  const settings = policy.rules[rule.id];
  const findings: Finding[] = [];
  for (const hit of rule.check(change, context)) {
    const side = hit.side ?? "head";
    const resource = side === "head" ? change.after : change.before;
    if (!resource) continue;
    const { apiVersion, kind, namespace, name } = resource.identity;
    findings.push({
      rule: rule.id,
      severity: gradedSeverity(rule, hit.severity, settings.severity),
      file: resource.file,
      line: resource.locate(hit.path),
      side,
      resource: { apiVersion, kind, namespace, name },
      message: hit.message,
      fingerprint: fingerprint(rule.id, resource.key, hit.key),
    });
  }
  return findings;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.rule.localeCompare(b.rule) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** Same fingerprint at the same place (a resource listed twice in one file) is one finding. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.fingerprint}\u0000${f.file}\u0000${f.line}\u0000${f.side}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Manifest files that differ between the sides: the ones limits.maxFiles bounds. */
function changedManifestCount(input: ReviewInput, identical: ReadonlySet<string>): number {
  let count = 0;
  for (const path of new Set([...input.base.keys(), ...input.head.keys()])) {
    if (identical.has(path) || (!input.allFilesAreManifests && !isManifestPath(path, input.policy))) continue;
    count++;
  }
  return count;
}

export function review(input: ReviewInput): ReviewResult {
  const { policy } = input;
  const cache = input.cache ?? new ParseCache();
  const errors: InputError[] = [];
  const skipped: Skipped[] = [];
  const stats = emptyStats(input);
  const report = { errors, skipped, stats };

  const identical = identicalPaths(input);
  const changedCount = changedManifestCount(input, identical);
  if (changedCount > policy.limits.maxFiles) {
    errors.push({
      file: "",
      message: `${changedCount} changed manifest files, over the limit of ${policy.limits.maxFiles} (limits.maxFiles): not reviewed`,
    });
    return { findings: [], errors, skipped, stats, failOn: policy.failOn };
  }

  const base = parseSide("base", input, cache, report, identical, new Map());
  const reuse = new Map(
    [...identical].flatMap((path) => (base.read.has(path) ? [[path, base.read.get(path) as ReadFile]] : [])),
  );
  const head = parseSide("head", input, cache, report, identical, reuse);
  const customScopes = customScopesIn([...base.parsed, ...head.parsed].map((f) => f.documents));
  const baseResources = collectResources(base.parsed, customScopes, [], () => false);
  const headResources = collectResources(head.parsed, customScopes, skipped, (path) => !identical.has(path));
  stats.resourcesBase = baseResources.length;
  stats.resourcesHead = headResources.length;

  // Resources of byte-identical files cannot have changed: they are context for the rules, but
  // pairing and judging them would only cost time (a one-file push would cost a whole review).
  const judged = (r: Resource) => policy.fullState || !identical.has(r.file);
  const headJudged = headResources.filter(judged);
  stats.unchanged += headResources.length - headJudged.length;
  const baseSet = resourceSet(baseResources);
  const headSet = resourceSet(headResources);
  // A head object with no partner among the changed files may still exist in an untouched one (a
  // new copy of an existing object): it is judged against that version, not as new.
  const changes = pairResources(baseResources.filter(judged), headJudged).map((change) =>
    change.before || !change.after
      ? change
      : { before: baseSet.byKey(change.after.key)[0], after: change.after },
  );

  const rules = (input.rules ?? RULES).filter((rule) => policy.rules[rule.id]?.enabled);
  let findings: Finding[] = [];
  for (const paired of changes) {
    const changed = countChange(paired, stats);
    if (!changed && !policy.fullState) continue;
    // Full-state reporting judges every head resource as if it were new.
    const change = policy.fullState ? { after: paired.after } : paired;
    for (const rule of rules) {
      const context: RuleContext = {
        params: policy.rules[rule.id].params,
        base: baseSet,
        head: headSet,
        fullState: policy.fullState,
      };
      try {
        findings.push(...findingsOf(rule, change, context, policy));
      } catch (error) {
        // A rule that breaks must fail the review, not pass it.
        const resource = (change.after ?? change.before) as Resource;
        errors.push({
          file: resource.file,
          line: resource.line,
          message: `rule ${rule.id} failed on ${resource.identity.kind} ${resource.identity.name}: ${String(error)}`,
        });
      }
    }
  }
  findings = dedupe(findings).sort(compareFindings);
  return { findings, errors, skipped, stats, failOn: policy.failOn };
}
