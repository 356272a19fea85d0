// The configuration schema declared once (src/policy/schema.ts): the checked-in JSON Schema is
// current, and the default pack, the README's example and the built-in defaults satisfy it.

import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { defaultPolicy } from "../../src/policy/load.js";
import { CONFIG, configSchema } from "../../src/policy/schema.js";
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
    const { rules: _rules, customRules, exceptions, ...settings } = defaultPolicy();
    expect(problems({ ...settings, customRules, exceptions })).toEqual([]);
    const declared = Object.entries(CONFIG)
      .filter(([, entry]) => entry.kind !== "external")
      .map(([key]) => key);
    expect(Object.keys(settings).sort()).toEqual(declared.sort());
  });

  it("refuses what validation refuses: unknown keys, wrong types, out-of-range numbers", () => {
    expect(problems({ failOn: "severe" })).not.toEqual([]);
    expect(problems({ manifests: { inclde: ["*.yaml"] } })).not.toEqual([]);
    expect(problems({ limits: { maxFiles: 0 } })).not.toEqual([]);
    expect(problems({ approvals: { quorum: { approvers: 11 } } })).not.toEqual([]);
    expect(problems({ rules: { "image-registry": { allowedRegistry: [] } } })).not.toEqual([]);
    expect(problems({ exceptions: [{ rule: "host-path", reason: "x" }] })).not.toEqual([]);
  });

  it("tells editors where it lives: the README names its URL for yaml-language-server", () => {
    const { $id } = configSchema(RULES) as { $id: string };
    expect(readFileSync("README.md", "utf8")).toContain(`# yaml-language-server: $schema=${$id}`);
  });
});
