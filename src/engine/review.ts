// The engine's entry point: base and head file texts in, findings out. Pure apart from the
// optional parse cache the caller hands in; no I/O, no clock, no network.

import { minimatch } from "minimatch";
import type { Policy } from "../policy/types.js";
import { RULES } from "../rules/index.js";
import type { ResourceChange, Rule, RuleContext } from "../rules/types.js";
import { jsonEqual } from "./equal.js";
import { decodeFile, type FileContent } from "./files.js";
import { fingerprint } from "./fingerprint.js";
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
import type { ParsedDocument } from "./yaml/types.js";

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

/** Reads one side's manifest files; problems become errors or skip notes, never exceptions. */
function parseSide(
  side: Side,
  files: FileSet,
  input: ReviewInput,
  cache: ParseCache,
  report: { errors: InputError[]; skipped: Skipped[]; stats: ReviewStats },
): ParsedFile[] {
  const { policy } = input;
  const parsed: ParsedFile[] = [];
  for (const [path, content] of files) {
    if (!input.allFilesAreManifests && !isManifestPath(path, policy)) continue;
    const decoded = decodeFile(path, content, policy.limits.maxFileBytes);
    // A file present on both sides is reported once, from the head.
    const reportIt = side === "head" || !input.head.has(path);
    if (decoded.kind === "skip") {
      if (reportIt) report.skipped.push({ file: path, reason: decoded.reason });
      continue;
    }
    if (decoded.kind === "error") {
      report.errors.push({ file: path, message: `${side}: ${decoded.message}` });
      continue;
    }
    const hitsBefore = cache.hits;
    const outcome = cache.parse(decoded.text, policy.limits);
    if (cache.hits > hitsBefore) report.stats.parseCacheHits++;
    else {
      report.stats.filesParsed++;
      report.stats.bytesParsed += decoded.bytes;
    }
    for (const problem of outcome.errors) {
      // Base errors matter too: an unreadable base hides what the head changes.
      if (side === "head" || reportIt)
        report.errors.push({ file: path, line: problem.line, message: problem.message });
    }
    parsed.push({ path, side, documents: outcome.documents });
  }
  return parsed;
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
    if (found.length === 0 && file.documents.some((d) => d.value !== null)) {
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

function sameContent(a: FileContent, b: FileContent): boolean {
  if (typeof a === "string" && typeof b === "string") return a === b;
  const bytes = (c: FileContent) => (typeof c === "string" ? Buffer.from(c) : c);
  return Buffer.compare(bytes(a), bytes(b)) === 0;
}

/** Manifest files that differ between the sides: the ones limits.maxFiles bounds. */
function changedManifestCount(input: ReviewInput): number {
  let count = 0;
  for (const path of new Set([...input.base.keys(), ...input.head.keys()])) {
    if (!input.allFilesAreManifests && !isManifestPath(path, input.policy)) continue;
    const before = input.base.get(path);
    const after = input.head.get(path);
    if (before === undefined || after === undefined || !sameContent(before, after)) count++;
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

  const changedCount = changedManifestCount(input);
  if (changedCount > policy.limits.maxFiles) {
    errors.push({
      file: "",
      message: `${changedCount} changed manifest files, over the limit of ${policy.limits.maxFiles} (limits.maxFiles): not reviewed`,
    });
    return { findings: [], errors, skipped, stats, failOn: policy.failOn };
  }

  const baseFiles = parseSide("base", input.base, input, cache, report);
  const headFiles = parseSide("head", input.head, input, cache, report);
  const customScopes = customScopesIn([...baseFiles, ...headFiles].map((f) => f.documents));
  const baseResources = collectResources(baseFiles, customScopes, [], () => false);
  const headResources = collectResources(headFiles, customScopes, skipped, () => true);
  stats.resourcesBase = baseResources.length;
  stats.resourcesHead = headResources.length;

  const rules = (input.rules ?? RULES).filter((rule) => policy.rules[rule.id]?.enabled);
  const base = resourceSet(baseResources);
  const head = resourceSet(headResources);
  let findings: Finding[] = [];
  for (const paired of pairResources(baseResources, headResources)) {
    const changed = countChange(paired, stats);
    if (!changed && !policy.fullState) continue;
    // Full-state reporting judges every head resource as if it were new.
    const change = policy.fullState ? { after: paired.after } : paired;
    for (const rule of rules) {
      const context: RuleContext = {
        params: policy.rules[rule.id].params,
        base,
        head,
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
