// The rules a policy runs: the built-in set plus the policy's custom rules. Every shell (engine,
// CLI, app, reports) asks the catalog, so a custom rule is described and linked like any other.

import type { Rule } from "../engine/rule.js";
import type { Policy } from "../policy/types.js";
import { customRulesOf } from "./custom/rule.js";
import { RULES, ruleDocsUrl } from "./index.js";

export interface RuleCatalog {
  rules: readonly Rule[];
  byId(id: string): Rule | undefined;
  docsUrl(id: string): string;
}

export function rulesOf(policy: Pick<Policy, "customRules">): readonly Rule[] {
  return policy.customRules.length === 0 ? RULES : [...RULES, ...customRulesOf(policy.customRules)];
}

export function ruleCatalog(policy: Pick<Policy, "customRules">): RuleCatalog {
  const rules = rulesOf(policy);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  return {
    rules,
    byId: (id) => byId.get(id),
    docsUrl: (id) => byId.get(id)?.docsUrl ?? ruleDocsUrl(id),
  };
}
