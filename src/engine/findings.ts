// From rule hits to findings: line, severity, fingerprint; then one sorted, de-duplicated list.

import { containerOf } from "./container.js";
import { fingerprint } from "./fingerprint.js";
import type { GeneratedFiles } from "./inputs.js";
import type { ResourceChange, Rule, RuleContext } from "./rule.js";
import type { ReviewSettings } from "./settings.js";
import { compareStrings } from "./text.js";
import { type Finding, SEVERITIES, type Severity, severityRank } from "./types.js";

/**
 * A rule that grades danger itself states severities relative to its default; the policy's
 * severity moves the whole scale, so lowering a rule by one step lowers every grade by one.
 */
function gradedSeverity(rule: Rule, graded: Severity | undefined, configured: Severity): Severity {
  if (!graded) return configured;
  const shifted = severityRank(graded) + severityRank(configured) - severityRank(rule.defaultSeverity);
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, shifted))];
}

export function findingsOf(
  rule: Rule,
  change: ResourceChange,
  context: RuleContext,
  policy: Pick<ReviewSettings, "rules">,
  generated?: GeneratedFiles,
): Finding[] {
  const settings = policy.rules[rule.id];
  const findings: Finding[] = [];
  for (const hit of rule.check(change, context)) {
    const side = hit.side ?? "head";
    const resource = side === "head" ? change.after : change.before;
    if (!resource) continue;
    const { apiVersion, kind, namespace, name } = resource.identity;
    const container = containerOf(resource, hit.path);
    const finding: Finding = {
      rule: rule.id,
      severity: gradedSeverity(rule, hit.severity, settings.severity),
      file: resource.file,
      line: resource.locate(hit.path),
      side,
      resource: { apiVersion, kind, namespace, name },
      ...(container !== undefined ? { container } : {}),
      message: hit.message,
      fingerprint: fingerprint(rule.id, resource.key, hit.key),
    };
    findings.push(generated?.paths.has(resource.file) ? generated.place(finding, hit.path) : finding);
  }
  return findings;
}

/**
 * By file, then line, then most severe first, then rule: the order of reading a diff, and the
 * order of every list of findings (review results, JSON, SARIF, text). Strings compare by code
 * unit, so the order is the same on every host whatever its locale.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    severityRank(b.severity) - severityRank(a.severity) ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

/** Same fingerprint at the same place (a resource listed twice in one file) is one finding. */
export function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.fingerprint}\u0000${f.file}\u0000${f.line}\u0000${f.side}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
