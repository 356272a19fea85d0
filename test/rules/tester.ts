// Runs one rule through the real engine (parse → pair → rule → finding), the way ESLint's
// RuleTester runs one rule: tests state manifests and the findings they must produce.

import { resourceSet } from "../../src/engine/resource-set.js";
import { review } from "../../src/engine/review.js";
import type { ParamValues, Rule, RuleContext } from "../../src/engine/rule.js";
import type { Finding, ReviewResult } from "../../src/engine/types.js";
import { defaultPolicy } from "../../src/policy/load.js";

/** One manifest text (as `manifest.yaml`) or several files by path. */
export type SideInput = string | Record<string, string>;

function files(side: SideInput | undefined): Map<string, string> {
  if (side === undefined) return new Map();
  if (typeof side === "string") return new Map([["manifest.yaml", side]]);
  return new Map(Object.entries(side));
}

export interface RunOptions {
  params?: ParamValues;
  fullState?: boolean;
  /** Judge as the app does when it read only the changed files. */
  partialContext?: boolean;
}

export function runRuleFull(
  rule: Rule,
  base: SideInput | undefined,
  head: SideInput | undefined,
  options: RunOptions = {},
): ReviewResult {
  const policy = defaultPolicy([rule]);
  Object.assign(policy.rules[rule.id].params, options.params ?? {});
  policy.fullState = options.fullState ?? false;
  const result = review({
    base: files(base),
    head: files(head),
    policy,
    rules: [rule],
    partialContext: options.partialContext,
  });
  if (result.errors.length > 0) throw new Error(`input errors: ${JSON.stringify(result.errors)}`);
  return result;
}

export function runRule(
  rule: Rule,
  base: SideInput | undefined,
  head: SideInput | undefined,
  options: RunOptions = {},
): Finding[] {
  return runRuleFull(rule, base, head, options).findings;
}

/** The findings reduced to what tables assert: line, side, severity and message. */
export function summary(
  findings: Finding[],
): { line: number; side: string; severity: string; message: string }[] {
  return findings.map(({ line, side, severity, message }) => ({ line, side, severity, message }));
}

/** A rule context over empty sides, for calling a rule's check directly (fuzzing its readers). */
export function emptyContext(): RuleContext {
  const empty = resourceSet([]);
  return { params: {}, base: empty, head: empty, fullState: false };
}
