import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";
import { RULES } from "../../src/rules/index.js";
import { ruleReference } from "../../src/rules/reference.js";
import { runRule } from "./tester.js";

describe("rule reference", () => {
  it("docs/rules.md is the reference generated from the rules (run `kubedelta rules --format markdown`)", () => {
    expect(readFileSync("docs/rules.md", "utf8")).toBe(ruleReference(RULES, loadPolicy()));
  });

  for (const rule of RULES) {
    it(`${rule.id} documents itself completely and its example fires exactly once`, () => {
      expect(rule.title && rule.description && rule.rationale && rule.remediation).toBeTruthy();
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.example).toBeDefined();
      const example = rule.example as { before?: string; after: string };
      expect(runRule(rule, example.before, example.after)).toHaveLength(1);
    });
  }
});

describe("README", () => {
  it("lists every rule with its default severity", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const rule of RULES)
      expect(readme).toContain(`| [\`${rule.id}\`](docs/rules.md#${rule.id}) | ${rule.defaultSeverity} |`);
  });

  it("shows the reference's rule table whole, as a table GitHub renders", () => {
    const reference = readFileSync("docs/rules.md", "utf8");
    const rows = reference.split("\n").filter((line) => line.startsWith("| [`"));
    const table = ["| rule | default severity | flags |", "|---|---|---|", ...rows]
      .join("\n")
      .replaceAll("](#", "](docs/rules.md#");
    expect(readFileSync("README.md", "utf8")).toContain(`\n\n${table}\n\n`);
  });
});
