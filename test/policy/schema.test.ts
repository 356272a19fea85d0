// The configuration schema declared once (src/policy/schema.ts): the checked-in JSON Schema is
// current, and the default pack, the README's example and the built-in defaults satisfy it; the
// Policy type is the table's.

import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, expectTypeOf, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { PolicyException } from "../../src/engine/exceptions.js";
import type { ReviewSettings, RuleSettings } from "../../src/engine/settings.js";
import type { FailOn, Severity } from "../../src/engine/types.js";
import { defaultPolicy } from "../../src/policy/load.js";
import { CONFIG, configSchema, knownKeys } from "../../src/policy/schema.js";
import type { ApprovalSettings, Limits, Permission, Policy } from "../../src/policy/types.js";
import type { CustomRuleSpec } from "../../src/rules/custom/rule.js";
import { RULES } from "../../src/rules/index.js";

const SCHEMA_FILE = "docs/kubedelta.schema.json";

const validate = new Ajv({ allErrors: true, strict: true }).compile(configSchema(RULES));
const problems = (data: unknown) => (validate(data) ? [] : validate.errors);

describe("the configuration's JSON Schema", () => {
  it(`is current in ${SCHEMA_FILE} (npm run schema:update)`, () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, "utf8"))).toEqual(configSchema(RULES));
  });

  it("accepts the default policy pack", () => {
    expect(problems(parseYaml(readFileSync("policies/default.yml", "utf8")))).toEqual([]);
  });

  it("accepts the README's configuration example", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(example).toContain("rules:");
    expect(problems(parseYaml(example))).toEqual([]);
  });

  it("accepts the built-in defaults, and they hold every key the table declares and no other", () => {
    // `rules` is left out: its defaults carry each rule's parameters under `params`, which a
    // configuration writes beside `severity`.
    const { rules: _rules, ...settings } = defaultPolicy();
    expect(problems(settings)).toEqual([]);
    expect(Object.keys(defaultPolicy())).toEqual(knownKeys(CONFIG));
  });

  it("refuses what validation refuses: unknown keys, wrong types, out-of-range numbers", () => {
    expect(problems({ failOn: "severe" })).not.toEqual([]);
    expect(problems({ manifests: { inclde: ["*.yaml"] } })).not.toEqual([]);
    expect(problems({ limits: { maxFiles: 0 } })).not.toEqual([]);
    expect(problems({ approvals: { quorum: { approvers: 11 } } })).not.toEqual([]);
    expect(problems({ rules: { "image-registry": { allowedRegistry: [] } } })).not.toEqual([]);
    expect(problems({ exceptions: [{ rule: "host-path", reason: "x" }] })).not.toEqual([]);
  });

  it("gives the Policy type: each key typed by its entry (checked by the type checker)", () => {
    expectTypeOf<Policy>().toExtend<ReviewSettings>();
    expectTypeOf<Policy["failOn"]>().toEqualTypeOf<FailOn>();
    expectTypeOf<Policy["fullState"]>().toEqualTypeOf<boolean>();
    expectTypeOf<Policy["manifests"]>().toEqualTypeOf<{
      include: string[];
      exclude: string[];
      skipTestFixtures: boolean;
    }>();
    expectTypeOf<Limits["maxContextFiles"]>().toEqualTypeOf<number>();
    expectTypeOf<ApprovalSettings["minPermission"]>().toEqualTypeOf<Permission>();
    expectTypeOf<ApprovalSettings["quorum"]>().toEqualTypeOf<{ severity: Severity; approvers: number }>();
    expectTypeOf<Policy["rules"]>().toEqualTypeOf<Record<string, RuleSettings>>();
    expectTypeOf<Policy["customRules"]>().toEqualTypeOf<CustomRuleSpec[]>();
    expectTypeOf<Policy["exceptions"]>().toEqualTypeOf<PolicyException[]>();
  });

  it("tells editors where it lives: the README names its URL for yaml-language-server", () => {
    const { $id } = configSchema(RULES) as { $id: string };
    expect(readFileSync("README.md", "utf8")).toContain(`# yaml-language-server: $schema=${$id}`);
  });
});
