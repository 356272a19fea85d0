// Helpers shared by the report formats: ordering, counting and plain-text labels. Nothing here
// escapes; each format escapes for its own medium.

import type { ExpiredException, PolicyException } from "../engine/exceptions.js";
import { compareFindings } from "../engine/findings.js";
import type { RuleMeta } from "../engine/rule.js";
import {
  blockingFindings,
  type Finding,
  type ReviewResult,
  SEVERITIES,
  type Severity,
  severityRank,
} from "../engine/types.js";

/** What the reports say about a rule: its metadata and where it is documented. */
export interface RuleDocs {
  /** Metadata of a rule by id; an unknown id is still shown, without a title. */
  rules: (ruleId: string) => RuleMeta | undefined;
  /** Where a rule is documented. */
  docsUrl: (ruleId: string) => string;
}

/**
 * Most severe first, then in the engine's order (by location): the order of deciding what to look
 * at. Reports that read like a diff sort with the engine's compareFindings itself.
 */
export function bySeverity(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || compareFindings(a, b);
}

/** Severities from most to least severe. */
export const SEVERITIES_DESCENDING: readonly Severity[] = [...SEVERITIES].reverse();

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `1 critical, 2 high`: the non-zero severity counts, most severe first. */
export function severityBreakdown(findings: readonly Finding[]): string {
  return SEVERITIES_DESCENDING.map((severity) => {
    const count = findings.filter((f) => f.severity === severity).length;
    return count > 0 ? `${count} ${severity}` : "";
  })
    .filter(Boolean)
    .join(", ");
}

/**
 * The counts of a review in words: what was found, then what could not be read, e.g.
 * `3 findings (1 critical, 2 high), 2 blocking at fail-on high`, `2 findings excepted`,
 * `1 exception expired`, `1 error`, `2 files skipped`.
 * Contains no untrusted text.
 */
export function summaryParts(result: ReviewResult): string[] {
  const { findings, errors, skipped, excepted, expiredExceptions } = result;
  const parts = [
    findings.length === 0
      ? "No findings"
      : `${plural(findings.length, "finding")} (${severityBreakdown(findings)}), ` +
        (result.failOn === "none"
          ? "report only"
          : `${blockingFindings(result).length} blocking at fail-on ${result.failOn}`),
  ];
  if (excepted.length > 0) parts.push(`${plural(excepted.length, "finding")} excepted`);
  if (expiredExceptions.length > 0) parts.push(`${plural(expiredExceptions.length, "exception")} expired`);
  if (errors.length > 0) parts.push(plural(errors.length, "error"));
  if (skipped.length > 0) parts.push(`${plural(skippedFiles(result), "file")} skipped`);
  return parts;
}

/** How many files were left unreviewed (a file can carry several notes). */
export function skippedFiles(result: Pick<ReviewResult, "skipped">): number {
  return new Set(result.skipped.map((skipped) => skipped.file)).size;
}

/** `3 findings (1 critical, 2 high), 2 blocking at fail-on high; 1 error; 2 files skipped` */
export function summaryLine(result: ReviewResult): string {
  return summaryParts(result).join("; ");
}

/** `Service shop/web`, or `ClusterRole admin` for cluster-scoped kinds. Untrusted: escape it. */
export function resourceLabel(resource: Finding["resource"]): string {
  const name = resource.namespace ? `${resource.namespace}/${resource.name}` : resource.name;
  return `${resource.kind} ${name}`;
}

/** `path:line`, or just the path when the line is unknown. Untrusted: escape it. */
export function locationLabel(file: string, line?: number): string {
  return line !== undefined && line > 0 ? `${file}:${line}` : file;
}

/**
 * What an exception selects, as the config wrote it: `Deployment ops/*`, `ClusterRole admin
 * (cluster-scoped)`, `* shop/web, container sidecar`. Untrusted: escape it.
 */
export function exceptionSelector(exception: PolicyException): string {
  const { kind = "*", namespace, name = "*", container } = exception;
  const where = namespace === "" ? `${name} (cluster-scoped)` : `${namespace ?? "*"}/${name}`;
  return `${kind} ${where}${container !== undefined ? `, container ${container}` : ""}`;
}

/** `exception for R on S expired on D; 2 findings count again`. Untrusted: escape it. */
export function expiredExceptionLine({ exception, fingerprints }: ExpiredException): string {
  const count = fingerprints.length;
  return (
    `exception for ${exception.rule} on ${exceptionSelector(exception)} expired on ${exception.expires}; ` +
    `${plural(count, "finding")} ${count === 1 ? "counts" : "count"} again`
  );
}
