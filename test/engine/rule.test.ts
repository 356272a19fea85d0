// defineRule: a rule's parameters reach its check typed by its own declarations, with the declared
// default in place of a missing or ill-typed value (the policy loader validates configurations).

import { describe, expect, it } from "vitest";
import type { ResourceSet } from "../../src/engine/rule.js";
import { defineRule, type RuleContext } from "../../src/engine/rule.js";

const empty: ResourceSet = {
  all: [],
  byKind: () => [],
  byKey: () => [],
  byNamespace: () => [],
  byKindIn: () => [],
};

function context(params: RuleContext["params"]): RuleContext {
  return { params, base: empty, head: empty, fullState: false, partialContext: false };
}

describe("defineRule", () => {
  const seen: unknown[] = [];
  const rule = defineRule({
    id: "test-params",
    title: "t",
    defaultSeverity: "low",
    description: "",
    rationale: "",
    remediation: "",
    params: {
      kinds: { type: "string[]", default: ["Pod"], description: "" },
      limit: { type: "number", default: 3, description: "" },
      strict: { type: "boolean", default: false, description: "" },
    },
    check(_change, ctx) {
      // Typed: a string[] is read as one, with no cast and no local fallback.
      seen.push([ctx.params.kinds.join(","), ctx.params.limit + 1, !ctx.params.strict]);
      return [];
    },
  });

  it("hands the check the given values, and the declared defaults for missing or ill-typed ones", () => {
    rule.check({}, context({ kinds: ["Deployment", "Job"], limit: 7, strict: true }));
    rule.check({}, context({}));
    rule.check({ after: undefined }, context({ kinds: "Pod", limit: "7", strict: "yes" }));
    expect(seen).toEqual([
      ["Deployment,Job", 8, false],
      ["Pod", 4, true],
      ["Pod", 4, true],
    ]);
  });

  it("keeps the rule's metadata, parameters included, for the policy loader and the reference", () => {
    expect(rule.id).toBe("test-params");
    expect(Object.keys(rule.params ?? {})).toEqual(["kinds", "limit", "strict"]);
  });
});
