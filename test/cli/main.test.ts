import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXTERNAL_NAME_RULE } from "../policy/custom-rule-fixtures.js";
import { cli } from "./run-cli.js";

const EXAMPLE = "examples/risky-pr";

describe("kubedelta diff", () => {
  it("finds every rule firing in the bundled example and fails", async () => {
    const { code, stdout } = await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const rules = new Set(report.findings.map((f: { rule: string }) => f.rule));
    const { RULES } = await import("../../src/rules/index.js");
    // Every rule fires on the example: it is the tour of what KubeDelta reports.
    expect([...rules].sort()).toEqual(RULES.map((r) => r.id).sort());
    // The moved, reformatted worker with a tag bump produces nothing.
    expect(
      report.findings.filter((f: { resource: { name: string } }) => f.resource.name === "worker"),
    ).toEqual([]);
    expect(report.skipped).toEqual([
      { file: "ci/values.yaml", reason: "not a Kubernetes manifest (no apiVersion/kind)" },
    ]);
    expect(report.errors).toEqual([]);
  });

  it("points at the risky lines", async () => {
    const { stdout } = await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--format", "json"]);
    const at = (rule: string) =>
      JSON.parse(stdout)
        .findings.filter((f: { rule: string }) => f.rule === rule)
        .map((f: { file: string; line: number; side: string }) => `${f.side}:${f.file}:${f.line}`);
    expect(at("service-load-balancer")).toEqual(["head:apps/web.yaml:7"]);
    expect(at("service-account-changed")).toEqual(["head:apps/web.yaml:32"]);
    expect(at("automount-service-account-token")).toEqual(["head:apps/web.yaml:33"]);
    // The chart's values and the overlay's patch are rendered: their findings land on those lines.
    expect(at("control-plane-toleration")).toEqual([
      "head:apps/web.yaml:35",
      "head:charts/cache/values.yaml:6",
    ]);
    expect(at("readiness-probe-missing")).toEqual(["head:apps/metrics.yaml:36", "base:apps/web.yaml:39"]);
    expect(at("image-registry")).toEqual(["head:apps/web.yaml:40"]);
    expect(at("secret-in-env")).toEqual(["head:apps/web.yaml:44"]);
    expect(at("privilege-escalation")).toEqual(["head:apps/web.yaml:51"]);
    expect(at("rbac-escalation")).toEqual(["head:rbac/roles.yaml:24"]);
    expect(at("service-account-added")).toEqual(["head:rbac/roles.yaml:10"]);
    expect(at("rbac-binding")).toEqual(["head:rbac/roles.yaml:36"]);
    expect(at("rbac-aggregation")).toEqual(["head:rbac/roles.yaml:44"]);
    expect(at("service-node-port")).toEqual(["head:apps/metrics.yaml:7"]);
    expect(at("service-external-ips")).toEqual(["head:apps/metrics.yaml:11"]);
    expect(at("network-policy-missing")).toEqual(["head:apps/metrics.yaml:27"]);
    expect(at("host-namespace")).toEqual([
      "head:apps/metrics.yaml:30",
      "head:deploy/search/overlays/prod/debug.yaml:9",
    ]);
    expect(at("host-path")).toEqual(["head:apps/metrics.yaml:34"]);
    expect(at("resources-missing")).toEqual(["head:apps/metrics.yaml:36"]);
    expect(at("image-tag-mutable")).toEqual(["head:apps/metrics.yaml:37"]);
    expect(at("privileged-container")).toEqual(["head:apps/metrics.yaml:39"]);
    expect(at("host-port")).toEqual(["head:apps/metrics.yaml:42"]);
    expect(at("load-balancer-source-ranges")).toEqual(["head:apps/admin.yaml:14"]);
  });

  it("passes when nothing risky changed", async () => {
    const { code, stdout } = await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/base`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/PASSED/);
  });

  it("compares two single files whatever their names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kd-"));
    writeFileSync(
      join(dir, "old.txt"),
      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}\n",
    );
    writeFileSync(
      join(dir, "new.txt"),
      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer}\n",
    );
    const { code, stdout } = await cli([
      "diff",
      join(dir, "old.txt"),
      join(dir, "new.txt"),
      "--format",
      "json",
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).findings[0]).toMatchObject({
      rule: "service-load-balancer",
      file: "new.txt",
      line: 4,
    });
    const added = await cli(["diff", "/dev/null", join(dir, "new.txt"), "--format", "json"]);
    expect(JSON.parse(added.stdout).findings[0]).toMatchObject({ rule: "service-load-balancer" });
  });

  it("honours --fail-on, --config and --output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kd-"));
    const config = join(dir, "cfg.yml");
    writeFileSync(
      config,
      "rules:\n  service-load-balancer: off\n  image-registry: off\n  control-plane-toleration: off\n  rbac-escalation: off\n  rbac-binding: off\n  service-account-changed: off\n  privileged-container: off\n  privilege-escalation: off\n  host-path: off\n  service-node-port: off\n  rbac-aggregation: off\n",
    );
    const out = join(dir, "report.json");
    const relaxed = await cli([
      "diff",
      `${EXAMPLE}/base`,
      `${EXAMPLE}/head`,
      "--config",
      config,
      "--fail-on",
      "critical",
      "--format",
      "json",
      "--output",
      out,
    ]);
    expect(relaxed.stdout).toBe("");
    expect(relaxed.code).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8"));
    expect(report.findings.some((f: { rule: string }) => f.rule === "service-load-balancer")).toBe(false);
    expect(report.passed).toBe(true);
  });

  it("--fail-on none reports every finding and passes (report-only trials)", async () => {
    const run = await cli([
      "diff",
      `${EXAMPLE}/base`,
      `${EXAMPLE}/head`,
      "--fail-on",
      "none",
      "--format",
      "json",
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.findings.length).toBeGreaterThan(20);
    expect(report.failOn).toBe("none");
    expect(report.passed).toBe(true);
    const text = await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--fail-on", "none"]);
    expect(text.stdout).toMatch(/26 findings \(.*\), report only/);
    expect((await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--fail-on", "never"])).code).toBe(2);
  });

  it("writes SARIF and Markdown", async () => {
    const sarif = JSON.parse(
      (await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--format", "sarif"])).stdout,
    );
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBeGreaterThan(5);
    const markdown = (await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--format", "markdown"]))
      .stdout;
    expect(markdown).toMatch(/service-load-balancer/);
  });

  it("exits 2 with a clear message on usage and config errors", async () => {
    expect(await cli(["diff", "nope", "nada"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/nope: no such file or directory/),
    });
    expect(await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head/apps/web.yaml`])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/both be files or both be directories/),
    });
    const dir = mkdtempSync(join(tmpdir(), "kd-"));
    writeFileSync(join(dir, "bad.yml"), "rules:\n  no-such-rule: off\n");
    expect(
      await cli(["diff", `${EXAMPLE}/base`, `${EXAMPLE}/head`, "--config", join(dir, "bad.yml")]),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/rules\.no-such-rule: unknown rule id/),
    });
  });

  it("exits 1 on unreadable input even with no findings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kd-"));
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "b", "broken.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n");
    const { code, stdout } = await cli(["diff", join(dir, "a"), join(dir, "b"), "--format", "json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).errors[0].file).toBe("broken.yaml");
  });

  it("skips the templates of a chart, even one whose Chart.yaml the manifest globs leave out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kd-"));
    const template = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n";
    for (const side of ["a", "b"]) mkdirSync(join(dir, side, "chart", "templates"), { recursive: true });
    writeFileSync(join(dir, "b", "chart", "Chart.yaml"), "apiVersion: v2\nname: chart\nversion: 0.1.0\n");
    writeFileSync(join(dir, "b", "chart", "templates", "svc.yaml"), template);
    const config = join(dir, "cfg.yml");
    writeFileSync(config, 'manifests:\n  exclude: ["**/Chart.yaml"]\n');
    const run = await cli(["diff", join(dir, "a"), join(dir, "b"), "--config", config, "--format", "json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.errors).toEqual([]);
    expect(report.skipped).toEqual([
      {
        file: "chart/templates/svc.yaml",
        reason: "Helm chart template (of chart/Chart.yaml): rendered by Helm, never read as manifests",
      },
    ]);
    // Without the Chart.yaml it is no chart: the file is read, and it is not YAML.
    mkdirSync(join(dir, "c", "chart", "templates"), { recursive: true });
    writeFileSync(join(dir, "c", "chart", "templates", "svc.yaml"), template);
    const plain = await cli(["diff", join(dir, "a"), join(dir, "c"), "--format", "json"]);
    expect(JSON.parse(plain.stdout).errors.map((e: { file: string }) => e.file)).toEqual([
      "chart/templates/svc.yaml",
    ]);
    expect(plain.code).toBe(1);
  });

  it("lists the rules", async () => {
    const { code, stdout } = await cli(["rules", "--format", "json"]);
    expect(code).toBe(0);
    const { RULES } = await import("../../src/rules/index.js");
    expect(JSON.parse(stdout).map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
  });
});

describe("custom rules from a config file", () => {
  const service = (type: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  type: ${type}\n`;

  function inputs(): { dir: string; config: string } {
    const dir = mkdtempSync(join(tmpdir(), "kd-custom-"));
    mkdirSync(join(dir, "base"));
    mkdirSync(join(dir, "head"));
    writeFileSync(join(dir, "base", "db.yaml"), service("ClusterIP"));
    writeFileSync(join(dir, "head", "db.yaml"), service("ExternalName"));
    writeFileSync(join(dir, "kubedelta.yml"), EXTERNAL_NAME_RULE);
    return { dir, config: join(dir, "kubedelta.yml") };
  }

  it("runs it alongside the built-in rules, failing at its severity", async () => {
    const { dir, config } = inputs();
    const { code, stdout } = await cli([
      "diff",
      join(dir, "base"),
      join(dir, "head"),
      "--config",
      config,
      "--format",
      "json",
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).findings).toMatchObject([
      {
        rule: "external-name",
        severity: "high",
        file: "db.yaml",
        line: 7,
        side: "head",
        message: "spec.type becomes ExternalName (was ClusterIP)",
      },
    ]);
  });

  it("names and links it in Markdown and SARIF, and lists it among the rules", async () => {
    const { dir, config } = inputs();
    const args = ["diff", join(dir, "base"), join(dir, "head"), "--config", config, "--format"];
    const markdown = (await cli([...args, "markdown"])).stdout;
    expect(markdown).toContain(
      '[` external-name `](https://github.com/kubedelta/kubedelta/blob/main/docs/custom-rules.md "Service points outside the cluster")',
    );
    const sarif = JSON.parse((await cli([...args, "sarif"])).stdout);
    const descriptor = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === "external-name");
    expect(descriptor).toMatchObject({
      shortDescription: { text: "Service points outside the cluster" },
      helpUri: "https://github.com/kubedelta/kubedelta/blob/main/docs/custom-rules.md",
    });
    const listed = (await cli(["rules", "--config", config])).stdout.trimEnd().split("\n").pop();
    expect(listed?.replace(/ +/g, " ")).toBe("external-name high Service points outside the cluster");
  });
});

describe("kubedelta review (git)", () => {
  /** Runs git in `dir` as a fixed user. */
  function gitIn(dir: string) {
    return (...args: string[]) =>
      execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
        stdio: "pipe",
      });
  }

  /** `kubedelta review` of main against feature, as JSON. */
  async function reviewFeature(dir: string): Promise<{ code: number; report: Record<string, never[]> }> {
    const argv = ["review", "--repo", dir, "--base", "main", "--head", "feature", "--format", "json"];
    const { code, stdout } = await cli(argv);
    return { code, report: JSON.parse(stdout) };
  }

  function gitRepo(): string {
    const dir = mkdtempSync(join(tmpdir(), "kd-git-"));
    const git = gitIn(dir);
    git("init", "-q", "-b", "main");
    mkdirSync(join(dir, "k8s"));
    writeFileSync(
      join(dir, "k8s", "svc.yaml"),
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n",
    );
    git("add", ".");
    git("commit", "-q", "-m", "base");
    git("checkout", "-q", "-b", "feature");
    writeFileSync(
      join(dir, "k8s", "svc.yaml"),
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n",
    );
    git("commit", "-q", "-am", "expose");
    return dir;
  }

  it("compares the merge-base with the default branch against the working tree", async () => {
    const dir = gitRepo();
    const committed = await cli(["review", "--repo", dir, "--format", "json"]);
    expect(
      JSON.parse(committed.stdout).findings.map((f: { rule: string; line: number }) => [f.rule, f.line]),
    ).toEqual([["service-node-port", 6]]);
    // An uncommitted edit in the working tree is reviewed too.
    writeFileSync(
      join(dir, "k8s", "svc.yaml"),
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n",
    );
    const dirty = await cli(["review", "--repo", dir, "--format", "json"]);
    expect(JSON.parse(dirty.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([
      "service-load-balancer",
    ]);
    expect(dirty.code).toBe(1);
  });

  it("says which revisions it compared, in JSON, text and Markdown", async () => {
    const dir = gitRepo();
    const sha = (ref: string) => execFileSync("git", ["-C", dir, "rev-parse", ref]).toString().trim();
    const short = (ref: string) => sha(ref).slice(0, 7);
    const { report } = await reviewFeature(dir);
    expect(Object.keys(report)[0]).toBe("compared");
    expect(report.compared).toEqual({
      base: { ref: "main", sha: sha("main") },
      head: { ref: "feature", sha: sha("feature") },
    });
    const text = await cli(["review", "--repo", dir, "--base", "main", "--head", "feature"]);
    expect(text.stdout.split("\n")[0]).toBe(
      `base main (${short("main")}) → head feature (${short("feature")})`,
    );
    // By default: the merge-base with the default branch, against the working tree.
    const markdown = await cli(["review", "--repo", dir, "--format", "markdown"]);
    expect(markdown.stdout).toContain(`\n\nbase main (${short("main")}) → head working tree\n\n`);
    const json = JSON.parse((await cli(["review", "--repo", dir, "--format", "json"])).stdout);
    expect(json.compared).toEqual({ base: { ref: "main", sha: sha("main") }, head: { workingTree: true } });
    // diff compares paths, not revisions.
    const diff = await cli(["diff", join(dir, "k8s"), join(dir, "k8s"), "--format", "json"]);
    expect(Object.keys(JSON.parse(diff.stdout))).not.toContain("compared");
  });

  it("compares two explicit revisions", async () => {
    const dir = gitRepo();
    expect((await reviewFeature(dir)).report.findings).toHaveLength(1);
    const same = await cli(["review", "--repo", dir, "--base", "main", "--head", "main"]);
    expect(same.code).toBe(0);
  });

  it("reads the config from the base: a change cannot switch off the rules that judge it", async () => {
    const dir = gitRepo();
    const git = gitIn(dir);
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, ".github", "kubedelta.yml"), "rules:\n  service-node-port: off\n");
    git("add", ".");
    git("commit", "-q", "-m", "silence the rule in the PR itself");
    const fromPr = await reviewFeature(dir);
    expect(fromPr.report.findings.map((f: { rule: string }) => f.rule)).toEqual(["service-node-port"]);
    // Once the config is on the default branch, it applies.
    git("checkout", "-q", "main");
    git("checkout", "-q", "feature", "--", ".github/kubedelta.yml");
    git("commit", "-q", "-m", "config on main");
    expect((await reviewFeature(dir)).report.findings).toEqual([]);
  });

  it("applies exceptions only from the base's config, with today's date", async () => {
    const dir = gitRepo();
    const git = gitIn(dir);
    const exception = (expires: string) =>
      `exceptions:\n  - rule: service-node-port\n    kind: Service\n    name: web\n    reason: the lab needs it\n    expires: ${expires}\n`;
    const reviewJson = () => reviewFeature(dir);
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, ".github", "kubedelta.yml"), exception("2999-12-31"));
    git("add", ".");
    git("commit", "-q", "-m", "exempt the PR in the PR itself");
    const fromPr = await reviewJson();
    expect(fromPr.report.findings.map((f: { rule: string }) => f.rule)).toEqual(["service-node-port"]);
    expect(fromPr.report.excepted).toEqual([]);
    // On the default branch it applies (service-node-port is medium: the exit status stays 0 either way).
    git("checkout", "-q", "main");
    git("checkout", "-q", "feature", "--", ".github/kubedelta.yml");
    git("commit", "-q", "-m", "exception on main");
    const fromBase = await reviewJson();
    expect(fromBase.report.findings).toEqual([]);
    expect(
      fromBase.report.excepted.map((e: { rule: string; exception: { reason: string } }) => [
        e.rule,
        e.exception.reason,
      ]),
    ).toEqual([["service-node-port", "the lab needs it"]]);
    // Long expired: the finding counts again and the exception is named.
    writeFileSync(join(dir, ".github", "kubedelta.yml"), exception("2000-01-01"));
    git("commit", "-q", "-am", "an old exception");
    const { stdout } = await cli(["review", "--repo", dir, "--base", "main", "--head", "feature"]);
    expect(stdout).toContain(
      "Expired exceptions\n  exception for service-node-port on Service */web expired on 2000-01-01; 1 finding counts again\n",
    );
  });

  it("fails, naming the file, when a changed file's object is missing (a shallow or partial clone)", async () => {
    const dir = gitRepo();
    const sha = execFileSync("git", ["-C", dir, "rev-parse", "feature:k8s/svc.yaml"]).toString().trim();
    rmSync(join(dir, ".git", "objects", sha.slice(0, 2), sha.slice(2)));
    const { code, report } = await reviewFeature(dir);
    expect(code).toBe(1);
    expect(report.errors).toEqual([
      {
        file: "k8s/svc.yaml",
        message: `head: could not be read: git object ${sha} is missing in this repository (a shallow or partial clone?)`,
      },
    ]);
  });

  it("explains bad revisions and non-repositories", async () => {
    const dir = gitRepo();
    expect(await cli(["review", "--repo", dir, "--base", "nope"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--base nope: no such revision/),
    });
    expect(await cli(["review", "--repo", dir, "--head", "nope"])).toMatchObject({
      code: 2,
      stderr: "kubedelta: --head nope: no such revision\n",
    });
    const plain = mkdtempSync(join(tmpdir(), "kd-plain-"));
    expect(await cli(["review", "--repo", plain])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not inside a git repository/),
    });
  });
});
