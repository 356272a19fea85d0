import { describe, expect, it } from "vitest";
import type { Rule } from "../../src/engine/rule.js";
import { buildPolicy, defaultPackLayer, loadPolicy, PolicyError } from "../../src/policy/load.js";
import { RULES } from "../../src/rules/index.js";

const SOURCE = ".github/kubedelta.yml";

function problemsOf(text: string): string[] {
  try {
    loadPolicy({ source: SOURCE, text });
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  return [];
}

/** One exception entry in YAML, from `key: value` lines. */
function entry(...lines: string[]): string {
  return `exceptions:\n  - ${lines.join("\n    ")}\n`;
}

const VALID = [
  "rule: privileged-container",
  "kind: Deployment",
  "reason: needs the GPU",
  "expires: 2026-12-31",
];

describe("exceptions in the policy", () => {
  it("the default pack declares none", () => {
    expect(loadPolicy().exceptions).toEqual([]);
    expect(defaultPackLayer().data).not.toHaveProperty("exceptions"); // the built-in default: []
  });

  it("reads every field; an unquoted date is read as the day it names", () => {
    const policy = loadPolicy({
      source: SOURCE,
      text: entry(
        "rule: privileged-container",
        "kind: Deploy*",
        "namespace: ops",
        "name: 'agent-*'",
        "container: sidecar",
        "reason: '  needs the host devices; OPS-12  '",
        "expires: 2026-01-31",
      ),
    });
    expect(policy.exceptions).toEqual([
      {
        rule: "privileged-container",
        kind: "Deploy*",
        namespace: "ops",
        name: "agent-*",
        container: "sidecar",
        reason: "needs the host devices; OPS-12",
        expires: "2026-01-31",
        source: SOURCE,
        index: 0,
      },
    ]);
  });

  it('accepts namespace: "" alone (every cluster-scoped resource) and a quoted date', () => {
    const policy = loadPolicy({
      source: SOURCE,
      text: entry("rule: rbac-escalation", 'namespace: ""', "reason: r", "expires: '2027-02-28'"),
    });
    expect(policy.exceptions[0]).toMatchObject({ namespace: "", expires: "2027-02-28" });
    expect(policy.exceptions[0].kind).toBeUndefined();
  });

  it("accepts a Date at midnight UTC, as YAML 1.1 loaders produce, and refuses one with a time", () => {
    const layer = (expires: unknown) => ({
      source: SOURCE,
      data: { exceptions: [{ rule: "host-port", name: "web", reason: "r", expires }] },
    });
    expect(buildPolicy([layer(new Date(Date.UTC(2026, 0, 31)))]).exceptions[0].expires).toBe("2026-01-31");
    expect(() => buildPolicy([layer(new Date(Date.UTC(2026, 0, 31, 12)))])).toThrow(
      `${SOURCE}: exceptions[0].expires: required, the last day the exception applies, a real date written YYYY-MM-DD; got 2026-01-31T12:00:00.000Z`,
    );
    expect(() => buildPolicy([layer(new Date(Number.NaN))])).toThrow("got an invalid date");
  });

  it("names every problem of an entry with its path", () => {
    expect(
      problemsOf(
        entry("rule: ''", "kind: ''", "names: web", "container: 3", "reason: '   '", "expires: 2026-02-30"),
      ),
    ).toEqual([
      `${SOURCE}: exceptions[0].names: unknown setting (did you mean name?)`,
      `${SOURCE}: exceptions[0].rule: required, a rule id; got ""`,
      `${SOURCE}: exceptions[0].kind: must be a non-empty glob string; got ""`,
      `${SOURCE}: exceptions[0].container: must be a non-empty glob string; got 3`,
      `${SOURCE}: exceptions[0].reason: required, why the risk is accepted; got "   "`,
      `${SOURCE}: exceptions[0].expires: required, the last day the exception applies, a real date written YYYY-MM-DD; got "2026-02-30"`,
    ]);
  });

  it("requires rule, reason, expires and a selector", () => {
    expect(problemsOf("exceptions:\n  - container: web\n")).toEqual([
      `${SOURCE}: exceptions[0].rule: required, a rule id; got undefined`,
      `${SOURCE}: exceptions[0]: needs at least one of kind, namespace, name (namespace: "" selects cluster-scoped resources)`,
      `${SOURCE}: exceptions[0].reason: required, why the risk is accepted; got undefined`,
      `${SOURCE}: exceptions[0].expires: required, the last day the exception applies, a real date written YYYY-MM-DD; got undefined`,
    ]);
  });

  it("refuses dates that are not written YYYY-MM-DD", () => {
    for (const [written, shown] of [
      ["20261231", "20261231"],
      ["2026-1-31", '"2026-1-31"'],
      ["31.12.2026", '"31.12.2026"'],
      ["2026-12-31T00:00:00Z", '"2026-12-31T00:00:00Z"'],
    ]) {
      expect(problemsOf(entry(...VALID.slice(0, 3), `expires: ${written}`))).toEqual([
        `${SOURCE}: exceptions[0].expires: required, the last day the exception applies, a real date written YYYY-MM-DD; got ${shown}`,
      ]);
    }
  });

  it("refuses a wildcard rule, an unknown rule (with a suggestion) and shapes that are not lists of mappings", () => {
    expect(problemsOf(entry("rule: '*'", ...VALID.slice(1)))).toEqual([
      `${SOURCE}: exceptions[0].rule: "*" is not allowed: an exception names one rule id`,
    ]);
    expect(problemsOf(entry("rule: privileged-containr", ...VALID.slice(1)))).toEqual([
      `${SOURCE}: exceptions[0].rule: unknown rule id "privileged-containr" (did you mean privileged-container?)`,
    ]);
    expect(problemsOf("exceptions: {rule: host-port}\n")).toEqual([
      `${SOURCE}: exceptions: must be a list of exceptions ([] for none)`,
    ]);
    expect(problemsOf("exceptions:\n")).toEqual([
      `${SOURCE}: exceptions: must be a list of exceptions ([] for none)`,
    ]);
    expect(problemsOf("exceptions: [host-port]\n")).toEqual([
      `${SOURCE}: exceptions[0]: must be a mapping with rule, a selector (kind, namespace, name), reason and expires`,
    ]);
  });

  it("checks rule ids against the rules of the finished policy, not of one layer", () => {
    // A rule that a layer registers (custom rules) is known by the time ids are checked.
    const custom: Rule = { ...RULES[0], id: "acme-no-debug" };
    const layers = [
      {
        source: SOURCE,
        data: { exceptions: [{ rule: "acme-no-debug", name: "x", reason: "r", expires: "2026-01-01" }] },
      },
    ];
    expect(() => buildPolicy(layers)).toThrow(
      `${SOURCE}: exceptions[0].rule: unknown rule id "acme-no-debug"`,
    );
    expect(buildPolicy(layers, [...RULES, custom]).exceptions[0].rule).toBe("acme-no-debug");
  });

  it("a later layer's list replaces the earlier one", () => {
    const first = {
      source: "first.yml",
      data: { exceptions: [{ rule: "host-port", name: "a", reason: "r", expires: "2026-01-01" }] },
    };
    const second = {
      source: "second.yml",
      data: { exceptions: [{ rule: "host-path", name: "b", reason: "s", expires: "2026-02-01" }] },
    };
    expect(buildPolicy([first, second]).exceptions).toEqual([
      { rule: "host-path", name: "b", reason: "s", expires: "2026-02-01", source: "second.yml", index: 0 },
    ]);
    expect(buildPolicy([first, { source: "third.yml", data: { exceptions: [] } }]).exceptions).toEqual([]);
    expect(buildPolicy([first, { source: "fourth.yml", data: { failOn: "low" } }]).exceptions).toHaveLength(
      1,
    );
  });
});
