import { describe, expect, it } from "vitest";
import { buildPolicy, defaultPackLayer, loadPolicy, PolicyError } from "../../src/policy/load.js";

function problemsOf(text: string): string[] {
  try {
    loadPolicy({ source: "cfg", text });
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  return [];
}

/** A valid entry's lines with some replaced or removed (`field: undefined`). */
function entry(changes: Record<string, string | undefined> = {}): string {
  const fields: Record<string, string | undefined> = {
    id: "run-as-root",
    kinds: "[Deployment]",
    path: "spec.template.spec.containers[*].securityContext.runAsUser",
    when: "{becomes: 0}",
    message: '"{path} becomes 0"',
    ...changes,
  };
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${value}`);
  return `  - ${lines.join("\n    ")}\n`;
}

const one = (changes: Record<string, string | undefined>) => problemsOf(`customRules:\n${entry(changes)}`);

describe("customRules validation", () => {
  it("accepts a valid entry, with severity medium by default", () => {
    const policy = loadPolicy({ source: "cfg", text: `customRules:\n${entry()}` });
    expect(policy.customRules.map((r) => [r.id, r.severity, r.title])).toEqual([
      ["run-as-root", "medium", "spec.template.spec.containers[*].securityContext.runAsUser (custom rule)"],
    ]);
    expect(policy.rules["run-as-root"]).toEqual({ enabled: true, severity: "medium", params: {} });
  });

  const problems: [string, Record<string, string | undefined>, string[]][] = [
    ["a missing id", { id: undefined }, ["cfg: customRules[0].id: required"]],
    [
      "a missing message and path",
      { message: undefined, path: undefined },
      ["cfg: customRules[0].path: required", "cfg: customRules[0].message: required"],
    ],
    [
      "an unknown setting",
      { mesage: "x" },
      ["cfg: customRules[0].mesage: unknown setting (did you mean message?)"],
    ],
    [
      "an id that is not lowercase-kebab",
      { id: "Run_As_Root" },
      [
        'cfg: customRules[0].id: must be lowercase words joined by dashes (like run-as-root); got "Run_As_Root"',
      ],
    ],
    [
      "an id that /approve-risk would read as a finding id",
      { id: "deadbeef" },
      [
        'cfg: customRules[0].id: "deadbeef" looks like a finding id (hex digits); use words, like run-as-root',
      ],
    ],
    [
      "an id of a built-in rule",
      { id: "host-port" },
      ["cfg: customRules[0].id: host-port is a built-in rule"],
    ],
    [
      "empty kinds",
      { kinds: "[]" },
      ["cfg: customRules[0].kinds: must name at least one kind (* for every kind)"],
    ],
    [
      "a kind that is no kind",
      { kinds: "[deployment, apps/v1/Deployment, apps/Deployment]" },
      ['cfg: customRules[0].kinds: not a kind (Kind or group/Kind): "deployment", "apps/v1/Deployment"'],
    ],
    [
      "a bad path, with the position",
      { path: "spec.containers[x].image" },
      ['cfg: customRules[0].path: expected [*], [N] or ["key"] at position 16 of "spec.containers[x].image"'],
    ],
    [
      "a path with an empty step",
      { path: "spec..image" },
      ['cfg: customRules[0].path: expected a key at position 6 of "spec..image"'],
    ],
    [
      "an unknown condition",
      { when: "add" },
      [
        'cfg: customRules[0].when: unknown condition "add" (did you mean added?); expected added, removed, changed, {becomes: VALUE} or {matches: REGEX}',
      ],
    ],
    [
      "an unknown condition in a list",
      { when: "[added, {become: 0}]" },
      [
        'cfg: customRules[0].when[1]: unknown condition "become" (did you mean becomes?); expected added, removed, changed, {becomes: VALUE} or {matches: REGEX}',
      ],
    ],
    [
      "two conditions in one mapping",
      { when: "{becomes: 0, matches: x}" },
      [
        'cfg: customRules[0].when: must be one condition: added, removed, changed, {becomes: VALUE} or {matches: REGEX}; got {"becomes":0,"matches":"x"}',
      ],
    ],
    [
      "no condition",
      { when: "[]" },
      [
        "cfg: customRules[0].when: must name at least one condition (added, removed, changed, {becomes: VALUE} or {matches: REGEX})",
      ],
    ],
    [
      "becomes null",
      { when: "{becomes: null}" },
      ["cfg: customRules[0].when.becomes: needs a value (a null field is an absent one: use removed)"],
    ],
    [
      "a regular expression that does not compile, with its error",
      { when: '{matches: "(latest"}' },
      ["cfg: customRules[0].when.matches: unterminated group"],
    ],
    [
      "a regular expression with a backreference (it cannot run in linear time)",
      { when: '{matches: "^(a)\\\\1$"}' },
      [
        "cfg: customRules[0].when.matches: \\1 is not supported (backreferences, \\b, \\p, \\c, \\u and \\x are not)",
      ],
    ],
    [
      "a kind written with a version or as core/ (it would never match)",
      { kinds: "[v1/Pod, core/Service, apps/Deployment]" },
      [
        'cfg: customRules[0].kinds: "v1/Pod", "core/Service": the prefix is an API group, not a version; write core kinds bare (Pod, Service)',
      ],
    ],
    [
      "a bad severity",
      { severity: "severe" },
      ['cfg: customRules[0].severity: must be one of info, low, medium, high, critical; got "severe"'],
    ],
    [
      "an unknown placeholder",
      { message: '"{kind} {nmae} is root"' },
      [
        "cfg: customRules[0].message: unknown placeholder {nmae} (did you mean name?); known: {kind}, {namespace}, {name}, {resource}, {path}, {before}, {after}",
      ],
    ],
  ];
  for (const [name, changes, expected] of problems) {
    it(`reports ${name}`, () => {
      expect(one(changes)).toEqual(expected);
    });
  }

  it("reports a duplicate id, and a list that is no list", () => {
    expect(problemsOf(`customRules:\n${entry()}${entry()}`)).toEqual([
      "cfg: customRules[1].id: run-as-root is already the id of entry 0",
    ]);
    expect(problemsOf("customRules: {id: x}\n")).toEqual([
      "cfg: customRules: must be a list of custom rules (see docs/custom-rules.md)",
    ]);
    expect(problemsOf("customRules: [run-as-root]\n")).toEqual([
      "cfg: customRules[0]: must be a mapping with id, kinds, path, when, message",
    ]);
  });

  it("lets `rules:` configure a custom rule, before or after the list in the same file", () => {
    const policy = loadPolicy({
      source: "cfg",
      text: `rules:\n  run-as-root: high\ncustomRules:\n${entry()}`,
    });
    expect(policy.rules["run-as-root"].severity).toBe("high");
    const after = loadPolicy({ source: "cfg", text: `customRules:\n${entry()}rules:\n  run-as-root: off\n` });
    expect(after.rules["run-as-root"].enabled).toBe(false);
    expect(problemsOf(`customRules:\n${entry()}rules:\n  run-as-rot: off\n`)).toEqual([
      "cfg: rules.run-as-rot: unknown rule id (did you mean run-as-root?)",
    ]);
  });

  it("a later layer's list replaces the earlier one, and its rules' settings with it", () => {
    const first = {
      source: "org",
      data: { customRules: [{ id: "old-rule", kinds: ["Pod"], path: "spec", when: "added", message: "m" }] },
    };
    const second = {
      source: "repo",
      data: { customRules: [{ id: "new-rule", kinds: ["Pod"], path: "spec", when: "added", message: "m" }] },
    };
    const policy = buildPolicy([defaultPackLayer(), first, second]);
    expect(policy.customRules.map((r) => r.id)).toEqual(["new-rule"]);
    expect(policy.rules["old-rule"]).toBeUndefined();
    expect(policy.rules["new-rule"].enabled).toBe(true);
    const kept = buildPolicy([
      defaultPackLayer(),
      first,
      { source: "repo", data: { rules: { "old-rule": "off" } } },
    ]);
    expect(kept.rules["old-rule"].enabled).toBe(false);
  });
});
