// With partial context (the App read only the changed files), the engine itself leaves out the
// rules that declare they need the whole repository, and names them in the result.

import { describe, expect, it } from "vitest";
import { review } from "../../src/engine/review.js";
import type { Rule } from "../../src/engine/rule.js";
import { defaultPolicy } from "../../src/policy/load.js";

const hit: Rule["check"] = ({ after }) => (after ? [{ path: [], key: "x", message: "hit" }] : []);
const meta = {
  title: "t",
  defaultSeverity: "medium",
  description: "",
  rationale: "",
  remediation: "",
} as const;
const local: Rule = { ...meta, id: "test-local", check: hit };
const wide: Rule = { ...meta, id: "test-wide", needsWholeRepository: true, check: hit };
const wideOff: Rule = { ...meta, id: "test-wide-off", needsWholeRepository: true, check: hit };

function run(partialContext?: boolean) {
  const rules = [local, wide, wideOff];
  const policy = defaultPolicy(rules);
  policy.rules["test-wide-off"].enabled = false;
  const head = new Map([["a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"]]);
  return review({ base: new Map(), head, policy, rules, partialContext });
}

describe("partial context", () => {
  it("runs every enabled rule when the whole repository was read, and names none", () => {
    const result = run();
    expect(result.findings.map((f) => f.rule).sort()).toEqual(["test-local", "test-wide"]);
    expect(result.notRun).toBeUndefined();
  });

  it("leaves out the enabled rules that need the whole repository, and names them", () => {
    const result = run(true);
    expect(result.findings.map((f) => f.rule)).toEqual(["test-local"]);
    expect(result.notRun).toEqual(["test-wide"]);
  });
});
