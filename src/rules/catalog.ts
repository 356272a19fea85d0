// The rules a policy runs: the built-in set plus the policy's custom rules. Every shell (engine,
// CLI, app, reports) asks the catalog, so a custom rule is described and linked like any other.

import type { Rule } from "../engine/rule.js";
import { type CustomRuleSpec, customRulesOf } from "./custom/rule.js";
import { customRulesDocsUrl, DEFAULT_DOCS_BASE_URL, ruleDocsUrl } from "./docs-url.js";
import { RULES } from "./index.js";

export interface RuleCatalog {
  rules: readonly Rule[];
  byId(id: string): Rule | undefined;
  docsUrl(id: string): string;
}

/** What the catalog needs of a policy: the custom rules it declares. */
export interface DeclaresCustomRules {
  customRules: readonly CustomRuleSpec[];
}

/** The rules review() runs for a policy: the built-in set, then the policy's custom rules. */
export function rulesOf(policy: DeclaresCustomRules): readonly Rule[] {
  return policy.customRules.length === 0 ? RULES : [...RULES, ...customRulesOf(policy.customRules)];
}

/**
 * The rules of a policy, described and linked: `docsBase` is where the rule reference is published
 * (docs-url.ts). Built-in rules link to their section of rules.md, custom rules to custom-rules.md.
 */
export function ruleCatalog(policy: DeclaresCustomRules, docsBase = DEFAULT_DOCS_BASE_URL): RuleCatalog {
  const rules = rulesOf(policy);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const builtIn = new Set(RULES.map((rule) => rule.id));
  return {
    rules,
    byId: (id) => byId.get(id),
    docsUrl: (id) =>
      byId.get(id)?.docsUrl ??
      (builtIn.has(id) || !byId.has(id) ? ruleDocsUrl(id, docsBase) : customRulesDocsUrl(docsBase)),
  };
}
