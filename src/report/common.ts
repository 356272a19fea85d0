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

/**
 * What changed, in one short line: the message's first sentence up to its first colon (the
 * consequence and the fix follow it), without the resource it starts with when `resource` is
 * given (a heading names it), clipped at a word to `max`. Colons and full stops inside
 * parentheses or backticks do not count, and a backtick pair is never cut in two. Untrusted.
 */
export function headline(message: string, resource?: Finding["resource"], max = 140): string {
  let text = message.slice(0, firstBreak(message)).trim();
  if (resource) {
    const prefixes = [resourceLabel(resource), `${resource.kind} ${resource.name}`].map((p) => `${p} `);
    const prefix = prefixes.find((p) => text.startsWith(p));
    if (prefix && text.length > prefix.length) text = text.slice(prefix.length);
    // "Container `web` of Deployment shop/web adds …": the heading names the resource.
    else text = text.replace(` of ${resourceLabel(resource)} `, " ");
  }
  if (text.length <= max) return text;
  let cut = text.lastIndexOf(" ", max - 1);
  if (cut < max / 2) cut = max - 1;
  let clipped = text.slice(0, cut);
  // An odd count of backticks: the last one opened a pair that the cut would break.
  if ((clipped.match(/`/g) ?? []).length % 2 === 1) clipped = clipped.slice(0, clipped.lastIndexOf("`"));
  return `${clipped.trimEnd()}…`;
}

/** Where the first sentence or clause ends: ". " or ": " outside parentheses and backticks. */
function firstBreak(message: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < message.length - 1; i++) {
    const c = message[i];
    if (c === "`") quoted = !quoted;
    if (quoted) continue;
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ":" || c === ".") && message[i + 1] === " ") return c === "." ? i + 1 : i;
  }
  return message.length;
}

/** "2 blocking risks (1 critical, 1 high)", "Input errors in 1 file", "No risky changes". */
function verdictTitle(result: ReviewResult, approved: ReadonlySet<string>): string {
  const all = blockingFindings(result);
  const blocking = all.filter((f) => !approved.has(f.fingerprint));
  const accepted = all.length - blocking.length;
  const parts: string[] = [];
  if (blocking.length > 0) {
    const also = accepted > 0 ? `; ${accepted} approved` : "";
    parts.push(`${plural(blocking.length, "blocking risk")} (${severityBreakdown(blocking)})${also}`);
  } else if (accepted > 0) {
    parts.push(`${accepted === 1 ? "The blocking risk" : `All ${accepted} blocking risks`} approved`);
  }
  if (result.errors.length > 0) {
    // Files, not errors: one broken file can report many errors, and the fix is per file.
    const files = new Set(result.errors.map((e) => e.file)).size;
    parts.push(`input errors in ${plural(files, "file")}`);
  }
  if (parts.length > 0) {
    const title = parts.join("; ");
    return title[0].toUpperCase() + title.slice(1);
  }
  const excepted = result.excepted.length > 0 ? `${plural(result.excepted.length, "finding")} excepted` : "";
  if (result.findings.length > 0) {
    const below =
      result.failOn === "none"
        ? `${plural(result.findings.length, "finding")}, report only`
        : `${plural(result.findings.length, "finding")} below ${result.failOn}`;
    return `No blocking risk (${[below, excepted].filter(Boolean).join(", ")})`;
  }
  if (excepted) return `No blocking risk (${excepted})`;
  // Skipped files do not fail the check, but "no risky changes" should not hide them either.
  const skipped = skippedFiles(result);
  return skipped > 0 ? `No risky changes (${plural(skipped, "file")} skipped)` : "No risky changes";
}

/** The verdict, then (findings accepted before count again) how many exceptions expired. */
export function resultTitle(result: ReviewResult, approved: ReadonlySet<string>): string {
  const verdict = verdictTitle(result, approved);
  const expired = result.expiredExceptions.length;
  return expired > 0 ? `${verdict}; ${plural(expired, "exception")} expired` : verdict;
}
