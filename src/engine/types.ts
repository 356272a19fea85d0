// Shared vocabulary of the engine. Everything here is plain data: the engine is pure
// (file texts in, findings out), so the CLI, the GitHub App and tests all speak this.

import type { ExceptedFinding, ExpiredException } from "./exceptions.js";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** A step into a parsed document: a mapping key or a sequence index. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** A JSON-like value as Kubernetes would read it from YAML or JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A mapping (not null, not a list): the one guard every reader of parsed manifests uses. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Where a resource or a field sits: a path relative to the root of its side, and a 1-based line. */
export interface Location {
  file: string;
  line: number;
}

/** Who a resource is: its identity pairs base and head resources across files. */
export interface ResourceIdentity {
  apiVersion: string;
  /** API group, canonicalised (extensions/v1beta1 Deployment → apps). "" for the core group. */
  group: string;
  kind: string;
  /** "" for cluster-scoped kinds; "default" when a namespaced resource omits it. */
  namespace: string;
  name: string;
}

export type Side = "base" | "head";

/** One Kubernetes object from one side of the change. */
export interface Resource {
  identity: ResourceIdentity;
  /** Stable string form of the identity: group/kind/namespace/name. */
  key: string;
  object: JsonObject;
  file: string;
  side: Side;
  /** 1-based line of the line where the object starts (for `kind: List` items, the item). */
  line: number;
  /**
   * The 1-based line that carries the field at `path` (relative to `object`): for a mapping
   * entry the line of its key, for a sequence item the line of its `-`. When the path does not
   * exist, the line of its deepest existing ancestor.
   */
  locate(path: Path): number;
}

/** What a rule reports: the engine turns it into a Finding (line, fingerprint, severity). */
export interface RuleHit {
  /** Which side the risky field lives on: head by default, base for something removed. */
  side?: Side;
  /** Path of the risky field inside the resource's object on that side. */
  path: Path;
  /**
   * Rule-specific identity of the risk (field path and risky value, say). With the rule id and
   * the resource identity it forms the fingerprint, so it must not contain line numbers.
   */
  key: string;
  /** What changed, why it matters, how to fix it: one or two sentences. */
  message: string;
  /** Overrides the policy severity when the rule grades danger itself (RBAC, say). */
  severity?: Severity;
}

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  side: Side;
  resource: { apiVersion: string; kind: string; namespace: string; name: string };
  /** The container the finding is about (from the hit's path); absent for pod- or resource-level ones. */
  container?: string;
  message: string;
  fingerprint: string;
  /**
   * The resource was rendered (by Kustomize or Helm, src/render/): the target that rendered it
   * (its directory) and the tool. `file` and `line` are then the source line that causes it.
   */
  rendered?: { target: string; tool: string };
}

export interface InputError {
  file: string;
  line?: number;
  message: string;
}

export interface Skipped {
  file: string;
  reason: string;
}

/** Counts that describe a review; no timings (the engine has no clock). */
export interface ReviewStats {
  filesBase: number;
  filesHead: number;
  /** Files whose text was parsed (identical base/head texts count once, cache hits not at all). */
  filesParsed: number;
  parseCacheHits: number;
  bytesParsed: number;
  resourcesBase: number;
  resourcesHead: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** Paired resources whose file changed (counted in changed/unchanged too). */
  moved: number;
}

export interface ReviewResult {
  /** The findings that count: excepted ones are not among them. */
  findings: Finding[];
  /** Findings covered by an unexpired exception of the policy: they neither block nor get comments. */
  excepted: ExceptedFinding[];
  /** Exceptions past their expiry that match findings of this review (those count again). */
  expiredExceptions: ExpiredException[];
  errors: InputError[];
  skipped: Skipped[];
  stats: ReviewStats;
  /** Findings at or above this severity block the review; "none": nothing blocks (report only). */
  failOn: FailOn;
  /** Rules whose findings block whatever their severity (`always`) or never (`never`). */
  blockingRules?: BlockingRules;
  /**
   * With partial context only: the enabled rules that need the whole repository and so were not
   * run (their metadata says `needsWholeRepository`), in the order they were given.
   */
  notRun?: readonly string[];
}

/** The failing severity, or "none" for report-only reviews. */
export type FailOn = Severity | "none";

export interface BlockingRules {
  always: readonly string[];
  never: readonly string[];
}

/**
 * Whether a finding blocks: never in a report-only review; always or never for rules the policy
 * says so of (`block: true|false`: what must be reviewed before merge, what is only advice);
 * otherwise when its severity is at or above the failing one.
 */
export function findingBlocks(
  result: Pick<ReviewResult, "failOn" | "blockingRules">,
  finding: Finding,
): boolean {
  if (result.failOn === "none") return false;
  if (result.blockingRules?.always.includes(finding.rule)) return true;
  if (result.blockingRules?.never.includes(finding.rule)) return false;
  return severityRank(finding.severity) >= severityRank(result.failOn);
}

/** Why a finding blocks or not, in words for reports (no untrusted text). */
export function blockingReason(
  result: Pick<ReviewResult, "failOn" | "blockingRules">,
  finding: Finding,
): string {
  if (result.failOn === "none") return "report-only review: nothing blocks";
  if (result.blockingRules?.always.includes(finding.rule))
    return "this rule blocks until approved, at any severity";
  if (result.blockingRules?.never.includes(finding.rule)) return "this rule is advisory: it never blocks";
  return findingBlocks(result, finding)
    ? `at or above the fail-on severity, ${result.failOn}`
    : `below the fail-on severity, ${result.failOn}`;
}

/** The findings that block the review. */
export function blockingFindings(
  result: Pick<ReviewResult, "findings" | "failOn" | "blockingRules">,
): Finding[] {
  return result.findings.filter((f) => findingBlocks(result, f));
}

/** A review passes only when nothing blocks and every input was read. */
export function reviewPassed(result: ReviewResult): boolean {
  return result.errors.length === 0 && blockingFindings(result).length === 0;
}
