import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";

const EXAMPLE = "examples/risky-pr";

describe("--output to a path that cannot be written", () => {
  const dir = mkdtempSync(join(tmpdir(), "kd-out-"));
  const file = join(dir, "a-file");
  writeFileSync(file, "");
  mkdirSync(join(dir, "folder"));

  it.each([
    ["a missing directory", join(dir, "missing", "report.json"), "no such directory"],
    ["a directory itself", join(dir, "folder"), "it is a directory"],
    ["a path through a file", join(file, "report.json"), "is not a directory"],
  ])("%s: one line, exit 2, before any review", async (_, path, reason) => {
    for (const argv of [
      ["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--output", path],
      ["rules", "--output", path],
      ["read", "examples/read/pod.yaml", "--output", path],
    ]) {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(new RegExp(`^kubedelta: --output ${path}: cannot write: .*${reason}.*\\n$`));
      expect(run.stderr).not.toMatch(/internal error|\n {4}at /);
    }
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("still writes a report to a new file in an existing folder", async () => {
    const run = await cli(["rules", "--format", "json", "--output", join(dir, "rules.json")]);
    expect(run).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(existsSync(join(dir, "rules.json"))).toBe(true);
  });
});

describe("formats per command", () => {
  it("refuses a format the command does not have, instead of printing another", async () => {
    const run = await cli(["rules", "--format", "sarif"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(
      /^kubedelta: --format must be one of text, json, markdown for `kubedelta rules`; got "sarif"\n$/,
    );
    expect((await cli(["rules", "--format", "markdown"])).stdout).toMatch(/^# /);
  });
});

describe("a config file that is not valid YAML", () => {
  it("names the file, line and column, and shows the line in full with a caret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kd-yaml-"));
    const config = join(dir, "kubedelta.yml");
    const long = `  image-registry: {allowedRegistries: [${"registry.example.com, ".repeat(4)}ghcr.io}`;
    writeFileSync(config, `failOn: high\nrules:\n${long}\n`);
    const run = await cli(["rules", "--config", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `kubedelta: invalid configuration:\n  - ${config}:3:${long.length}: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n      ${long}\n      ${" ".repeat(long.length - 1)}^\n`,
    );
  });
});

describe("an unknown rule id in the config", () => {
  it("gets a hint for a shortening as for a typo", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kd-rules-"));
    const config = join(dir, "kubedelta.yml");
    writeFileSync(config, "rules: { service-lb: off, service-loadbalancer: off }\n");
    const run = await cli(["rules", "--config", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        "kubedelta: invalid configuration:",
        `  - ${config}: rules.service-lb: unknown rule id (did you mean service-load-balancer?)`,
        `  - ${config}: rules.service-loadbalancer: unknown rule id (did you mean service-load-balancer?)`,
        "",
      ].join("\n"),
    );
  });
});
