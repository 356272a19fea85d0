import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  buildPolicy,
  defaultPackLayer,
  loadPolicy,
  PolicyError,
  parsePolicyText,
} from "../../src/policy/load.js";
import { RULES } from "../../src/rules/index.js";

function problemsOf(text: string): string[] {
  try {
    loadPolicy({ source: ".github/kubedelta.yml", text });
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  return [];
}

describe("policy", () => {
  it("the default pack validates and configures every built-in rule", () => {
    const policy = loadPolicy();
    expect(Object.keys(policy.rules).sort()).toEqual(RULES.map((r) => r.id).sort());
    expect(policy.failOn).toBe("high");
    // The pack names only the rules it changes (test/policy/default-pack.test.ts); every built-in
    // rule runs all the same.
    const pack = defaultPackLayer().data as { rules: Record<string, unknown> };
    expect(RULES.map((r) => r.id)).toEqual(expect.arrayContaining(Object.keys(pack.rules)));
    for (const rule of RULES) expect(policy.rules[rule.id].enabled).toBe(true);
  });

  it("applies a repository config on top of the pack", () => {
    const policy = loadPolicy({
      source: "cfg",
      text: "failOn: medium\nrules:\n  service-node-port: off\n  service-account-added: high\n  image-registry:\n    allowedRegistries: [ghcr.io/acme]\nlimits:\n  maxDocuments: 50\n",
    });
    expect(policy.failOn).toBe("medium");
    expect(policy.rules["service-node-port"].enabled).toBe(false);
    expect(policy.rules["service-account-added"].severity).toBe("high");
    expect(policy.rules["image-registry"].params.allowedRegistries).toEqual(["ghcr.io/acme"]);
    expect(policy.limits.maxDocuments).toBe(50);
    expect(policy.limits.maxDepth).toBe(64);
  });

  it("an empty config changes nothing", () => {
    expect(loadPolicy({ source: "cfg", text: "# nothing\n" })).toEqual(loadPolicy());
  });

  it("explains every problem at once, with its path and a suggestion", () => {
    const problems = problemsOf(
      [
        "failOn: severe",
        "fullstate: true",
        "rules:",
        "  image-registy: off",
        "  service-node-port:",
        "    severity: urgent",
        "    colour: red",
        "  image-registry:",
        "    allowedRegistries: docker.io",
        "limits:",
        "  maxDepth: -1",
        "  maxBytes: 3",
        "manifests:",
        "  include: '*.yaml'",
      ].join("\n"),
    );
    expect(problems).toEqual([
      '.github/kubedelta.yml: failOn: must be one of info, low, medium, high, critical, none; got "severe"',
      ".github/kubedelta.yml: fullstate: unknown setting (did you mean fullState?)",
      ".github/kubedelta.yml: rules.image-registy: unknown rule id (did you mean image-registry?)",
      '.github/kubedelta.yml: rules.service-node-port.severity: must be one of info, low, medium, high, critical; got "urgent"',
      ".github/kubedelta.yml: rules.service-node-port.colour: unknown setting for service-node-port",
      '.github/kubedelta.yml: rules.image-registry.allowedRegistries: must be a list of strings; got "docker.io"',
      ".github/kubedelta.yml: limits.maxDepth: must be a positive whole number; got -1",
      ".github/kubedelta.yml: limits.maxBytes: unknown limit",
      ".github/kubedelta.yml: manifests.include: must be a list of glob strings",
    ]);
  });

  it("reports YAML syntax errors and non-mapping configs", () => {
    expect(problemsOf("rules: [unclosed")[0]).toMatch(/^\.github\/kubedelta\.yml:1:\d+: not valid YAML/);
    expect(problemsOf("- a\n- b\n")).toEqual([".github/kubedelta.yml: must be a mapping at the top level"]);
    expect(problemsOf("rules: 3\n")).toEqual([
      ".github/kubedelta.yml: rules: must be a mapping of rule id to settings",
    ]);
  });

  it("points at the line and column of a YAML error, with the offending line and a caret", () => {
    const text = "failOn: high\nrules:\n  image-registry: {allowedRegistries: [ghcr.io}\n";
    expect(problemsOf(text)).toEqual([
      [
        ".github/kubedelta.yml:3:47: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
        "        image-registry: {allowedRegistries: [ghcr.io}",
        `${" ".repeat(6 + 46)}^`,
      ].join("\n"),
    ]);
    // A tab counts as one column: it is shown as a space so that the caret stays under it.
    expect(problemsOf("rules:\n\timage-registry: off\n")).toEqual([
      [
        ".github/kubedelta.yml:2:1: not valid YAML: Tabs are not allowed as indentation",
        "       image-registry: off",
        "      ^",
      ].join("\n"),
    ]);
    expect(problemsOf("failOn: 'high\n")).toEqual([
      ".github/kubedelta.yml:2:1: not valid YAML: Missing closing 'quote\n      (at the end of the file)",
    ]);
    // No position to show: the message alone.
    expect(problemsOf("failOn: *nowhere\n")).toEqual([
      ".github/kubedelta.yml: not valid YAML: Unresolved alias (the anchor must be set before the alias): nowhere",
    ]);
  });

  it("treats keys named like built-in object members as the unknown keys they are", () => {
    // Looked up as own keys only: `constructor` once crashed the loader, and a rule parameter
    // named `toString` was accepted silently.
    expect(
      problemsOf(
        "constructor: {a: 1}\nlimits:\n  toString: 3\nrules:\n  image-registry:\n    hasOwnProperty: 1\n",
      ),
    ).toEqual([
      ".github/kubedelta.yml: constructor: unknown setting",
      ".github/kubedelta.yml: limits.toString: unknown limit",
      ".github/kubedelta.yml: rules.image-registry.hasOwnProperty: unknown setting for image-registry",
    ]);
  });

  it("bounds aliases in config files", () => {
    expect(() => parsePolicyText("cfg", "a: &a [1]\nb: *a\n")).not.toThrow();
  });

  it("layers apply in order", () => {
    const policy = buildPolicy([
      { source: "one", data: { failOn: "low" } },
      { source: "two", data: { failOn: "critical" } },
    ]);
    expect(policy.failOn).toBe("critical");
  });

  it("configures who may approve, and explains bad approval settings", () => {
    const policy = loadPolicy({
      source: "cfg",
      text: "approvals:\n  minPermission: maintain\n  teams: [acme/platform]\n  users: [octocat]\n  quorum: {severity: high, approvers: 2}\n",
    });
    expect(policy.approvals).toEqual({
      minPermission: "maintain",
      teams: ["acme/platform"],
      users: ["octocat"],
      allowAuthor: false,
      quorum: { severity: "high", approvers: 2 },
      resetOnPush: false,
    });
    expect(
      problemsOf(
        "approvals:\n  minPermission: owner\n  teams: [platform]\n  users: ['bad login!']\n  quorum: {approvers: 0}\n  allowauthor: true\n",
      ),
    ).toEqual([
      '.github/kubedelta.yml: approvals.minPermission: must be one of none, read, triage, write, maintain, admin; got "owner"',
      '.github/kubedelta.yml: approvals.teams: not teams written org/team-slug: "platform"',
      '.github/kubedelta.yml: approvals.users: not GitHub logins: "bad login!"',
      ".github/kubedelta.yml: approvals.quorum.approvers: must be a whole number from 1 to 10; got 0",
      ".github/kubedelta.yml: approvals.allowauthor: unknown setting (did you mean allowAuthor?)",
    ]);
  });
});

describe("test fixtures setting", () => {
  it("is on in the pack, can be switched off, and must be true or false", () => {
    expect(loadPolicy().manifests.skipTestFixtures).toBe(true);
    const off = loadPolicy({ source: "cfg", text: "manifests:\n  skipTestFixtures: false\n" });
    expect(off.manifests).toMatchObject({ skipTestFixtures: false, exclude: loadPolicy().manifests.exclude });
    expect(
      problemsOf("manifests:\n  skipTestFixtures: no-thanks\n  skipFixtures: true\n  only: []\n"),
    ).toEqual([
      ".github/kubedelta.yml: manifests.skipTestFixtures: must be true or false",
      ".github/kubedelta.yml: manifests.skipFixtures: unknown setting (did you mean skipTestFixtures?)",
      ".github/kubedelta.yml: manifests.only: unknown setting (expected include, exclude, skipTestFixtures)",
    ]);
  });

  it("the README's configuration example is a valid configuration", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(example).toContain("skipTestFixtures: true");
    expect(problemsOf(example)).toEqual([]);
  });
});

describe("default manifest globs", () => {
  it("leave out vendored code, test fixtures and CI files, and keep ordinary manifests", async () => {
    const { isManifestPath } = await import("../../src/engine/review.js");
    const policy = loadPolicy();
    expect(isManifestPath("deploy/app.yaml", policy)).toBe(true);
    expect(isManifestPath("vendor/k8s.io/api/testdata/pod.yaml", policy)).toBe(false);
    expect(isManifestPath("pkg/controller/testdata/fixture.yaml", policy)).toBe(false);
    // Fake data for tests (issue 12): never deployed, so never reviewed by default.
    expect(isManifestPath("pkg/client/fake/deployment.yaml", policy)).toBe(false);
    expect(isManifestPath("deploy/fake-backend.yaml", policy)).toBe(true);
    expect(isManifestPath(".github/workflows/ci.yml", policy)).toBe(false);
    expect(isManifestPath("package.json", policy)).toBe(false);
  });
});
