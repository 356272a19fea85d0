// The GitHub Action against a real git repository and a pull_request event payload, run
// in-process (and once as the process action.yml starts): the verdict as the exit code, the job
// summary, the SARIF file, the step outputs, and annotations that untrusted names cannot break out
// of; errors (another event, a shallow checkout, bad inputs) exit 2 and say what to do.

import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runAction, STEP_SUMMARY_LIMIT_BYTES } from "../../src/action/run.js";
import { useRealTools } from "../render/helpers/tools.js";
import { Repository } from "./repository.js";

useRealTools();
vi.setConfig({ testTimeout: 60_000 });

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const deployment = (image: string, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}${extra}
`;

const service = (name: string, type: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${JSON.stringify(name)}
  namespace: shop
spec:
  type: ${type}
  selector: {app: web}
  ports:
    - port: 80
`;

const CHART = {
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
  "charts/web/values.yaml": "privileged: false\n",
  "charts/web/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: chart-web
  namespace: shop
spec:
  selector:
    matchLabels: {app: chart-web}
  template:
    metadata:
      labels: {app: chart-web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: {{ .Values.privileged }}
`,
};

// A file name and a resource name an attacker controls: a real newline, workflow-command syntax,
// the characters properties are split on, and percent-escapes that must stay literal.
const HOSTILE_FILE = "deploy/evil%0A,x:y\n::error file=pwned.yaml,line=1::injected.yaml";
const HOSTILE_NAME = "lb%0A::warning::x,y:z";

/** main: the app; feature: opens a LoadBalancer and the hostile file; main then moves on. */
function pullRequest() {
  const repo = new Repository();
  const root = repo.commit("base", {
    "deploy/app.yaml": `${deployment("nginx:1.27")}---\n${service("web", "ClusterIP")}`,
    ...CHART,
  });
  repo.git("checkout", "-q", "-b", "feature");
  const head = repo.commit("open it up", {
    "deploy/app.yaml": `${deployment("nginx:1.27")}---\n${service("web", "LoadBalancer")}`,
    [HOSTILE_FILE]: service(HOSTILE_NAME, "LoadBalancer"),
    "charts/web/values.yaml": "privileged: true\n",
  });
  repo.git("checkout", "-q", "main");
  // A commit on main after the branch point: not the pull request's change, so never reported.
  const base = repo.commit("main moves on", { "deploy/other.yaml": service("other", "NodePort") });
  return { repo, root, base, head };
}

const repositories: Repository[] = [];
afterAll(() => {
  for (const repo of repositories) repo.remove();
});

interface Run {
  code: number;
  /** Where the SARIF input asked for it, absolute. */
  sarifPath: string;
  log: string[];
  summary: string;
  outputs: Record<string, string>;
  sarif?: { version: string; runs: { results: SarifResult[] }[] };
}

interface SarifResult {
  ruleId: string;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
}

/** Runs the Action in-process; each run has its own summary, output and SARIF files. */
async function run(repo: Repository, env: Record<string, string>, summaryText = ""): Promise<Run> {
  const files = {
    summary: repo.besidePath("summary.md"),
    output: repo.besidePath("output"),
    sarif: `out/${repo.besidePath("kubedelta.sarif").split("/").pop()}`,
  };
  writeFileSync(files.summary, summaryText);
  writeFileSync(files.output, "");
  const log: string[] = [];
  const code = await runAction(
    {
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_OUTPUT: files.output,
      INPUT_SARIF: files.sarif,
      ...env,
    },
    { log: (line) => log.push(line) },
  );
  const sarifPath = join(repo.dir, files.sarif);
  const outputs = Object.fromEntries(
    readFileSync(files.output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return {
    code,
    sarifPath,
    log,
    summary: readFileSync(files.summary, "utf8"),
    outputs,
    sarif: existsSync(sarifPath) ? JSON.parse(readFileSync(sarifPath, "utf8")) : undefined,
  };
}

/** A workflow command as the runner reads it: name, properties and message, unescaped. */
function parseCommand(line: string): { name: string; properties: Record<string, string>; message: string } {
  const match = /^::([a-z]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const decode = (text: string) =>
    text
      .replaceAll("%0D", "\r")
      .replaceAll("%0A", "\n")
      .replaceAll("%3A", ":")
      .replaceAll("%2C", ",")
      .replaceAll("%25", "%");
  const properties: Record<string, string> = {};
  for (const pair of (match[2] ?? "").split(",").filter(Boolean)) {
    const eq = pair.indexOf("=");
    properties[pair.slice(0, eq)] = decode(pair.slice(eq + 1));
  }
  return { name: match[1], properties, message: decode(match[3]) };
}

const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

const pr = pullRequest();
repositories.push(pr.repo);
const event = pr.repo.event({ base: pr.base, head: pr.head });

describe("a pull request with blocking risks", () => {
  const reviewed = run(pr.repo, {
    GITHUB_EVENT_PATH: event,
    GITHUB_SERVER_URL: "https://ghe.example.com",
    GITHUB_REPOSITORY: "acme/shop",
  });

  it("exits 1 and says so in the step outputs", async () => {
    const { code, outputs } = await reviewed;
    expect(code).toBe(1);
    expect(outputs).toEqual({
      passed: "false",
      findings: "3",
      blocking: "3",
      sarif: (await reviewed).sarifPath,
    });
  });

  it("writes the check's summary as the job summary, naming the commits compared", async () => {
    const { summary } = await reviewed;
    expect(summary).toMatch(/^## ❌ KubeDelta/);
    const mergeBase = pr.root.slice(0, 7);
    expect(summary).toContain(`base main (${mergeBase}) → head feature (${pr.head.slice(0, 7)})`);
    expect(summary).toContain("service-load-balancer");
    expect(summary).toContain("privileged-container");
    // main's own later commit is not the pull request's change.
    expect(summary).not.toContain("deploy/other.yaml");
    // Lines link to the commit reviewed, on the GitHub the workflow runs on.
    expect(summary).toMatch(
      new RegExp(
        `\\[line \\d+\\]\\(https://ghe\\.example\\.com/acme/shop/blob/${pr.head}/deploy/app\\.yaml#L\\d+\\)`,
      ),
    );
  });

  it("writes SARIF with each finding on its file and line, the rendered chart's on its values line", async () => {
    const { sarif } = await reviewed;
    expect(sarif?.version).toBe("2.1.0");
    const results = (sarif?.runs[0].results ?? []).map((r) => {
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      return `${r.ruleId} ${decodeURIComponent(artifactLocation.uri)}:${region.startLine}`;
    });
    const app = `${deployment("nginx:1.27")}---\n${service("web", "LoadBalancer")}`;
    expect(results).toEqual(
      expect.arrayContaining([
        `service-load-balancer deploy/app.yaml:${lineOf(app, "type: LoadBalancer")}`,
        "privileged-container charts/web/values.yaml:1",
        `service-load-balancer ${HOSTILE_FILE}:${lineOf(service(HOSTILE_NAME, "LoadBalancer"), "type:")}`,
      ]),
    );
    expect(results.some((r) => r.includes("deploy/other.yaml"))).toBe(false);
  });

  it("prints one-line annotations that untrusted file and resource names cannot break out of", async () => {
    const { log } = await reviewed;
    // Every line is a workflow command or KubeDelta's own words; none holds a line break.
    for (const line of log) {
      expect(line.includes("\n") || line.includes("\r"), JSON.stringify(line)).toBe(false);
      expect(line.startsWith("::") || line.startsWith("KubeDelta: "), line).toBe(true);
    }
    const commands = log.filter((line) => line.startsWith("::")).map(parseCommand);
    expect(commands.every((c) => ["error", "warning", "notice"].includes(c.name))).toBe(true);
    const hostile = commands.find((c) => c.properties.file === HOSTILE_FILE);
    expect(hostile, "the hostile file's annotation, its name intact").toBeDefined();
    expect(hostile?.name).toBe("error");
    expect(hostile?.properties.line).toBe(String(lineOf(service(HOSTILE_NAME, "LoadBalancer"), "type:")));
    expect(hostile?.message).toContain(HOSTILE_NAME);
    expect(Object.keys(hostile?.properties ?? {}).sort()).toEqual(["file", "line", "title"]);
    // Nothing the hostile names spell became a command or a property of its own.
    expect(commands.some((c) => c.properties.file === "pwned.yaml")).toBe(false);
    expect(commands.filter((c) => c.name === "warning").every((c) => !c.message.startsWith("x,y"))).toBe(
      true,
    );
    expect(commands.find((c) => c.properties.file === "deploy/app.yaml")?.name).toBe("error");
    expect(log.at(-1)).toMatch(/^KubeDelta: failed: 3 blocking risks/);
  });
});

describe("the verdict", () => {
  it("is 0 for a pull request that blocks nothing, with no error annotation", async () => {
    const repo = new Repository();
    repositories.push(repo);
    const base = repo.commit("base", { "deploy/app.yaml": deployment("nginx:1.27") });
    const head = repo.commit("bump", { "deploy/app.yaml": deployment("nginx:1.28") });
    const result = await run(repo, { GITHUB_EVENT_PATH: repo.event({ base, head }) });
    expect(result.code).toBe(0);
    expect(result.outputs.passed).toBe("true");
    expect(result.summary).toMatch(/^## ✅ KubeDelta/);
    expect(result.log.filter((line) => line.startsWith("::error"))).toEqual([]);
    expect(result.sarif?.runs[0].results).toEqual([]);
  });

  it("follows fail-on: none reports only (exit 0), a bad severity is an error (exit 2)", async () => {
    const reportOnly = await run(pr.repo, { GITHUB_EVENT_PATH: event, INPUT_FAIL_ON: "none" });
    expect(reportOnly.code).toBe(0);
    expect(reportOnly.outputs).toMatchObject({ passed: "true", blocking: "0" });
    const bad = await run(pr.repo, { GITHUB_EVENT_PATH: event, INPUT_FAIL_ON: "severe" });
    expect(bad.code).toBe(2);
    expect(parseCommand(bad.log[0]).message).toContain("input fail-on");
  });

  it("takes the configuration from the base commit, never from the pull request", async () => {
    const repo = new Repository();
    repositories.push(repo);
    const base = repo.commit("base", { "deploy/app.yaml": service("web", "ClusterIP") });
    // The pull request tries to switch the check off in the same change that opens the Service.
    const head = repo.commit("relax", {
      "deploy/app.yaml": service("web", "LoadBalancer"),
      ".github/kubedelta.yml": "failOn: none\nrules:\n  service-load-balancer:\n    block: false\n",
    });
    const relaxed = await run(repo, { GITHUB_EVENT_PATH: repo.event({ base, head }) });
    expect(relaxed.code).toBe(1);
    // Once merged, the configuration applies to the next pull request.
    const next = repo.commit("another", { "deploy/more.yaml": service("more", "LoadBalancer") });
    const after = await run(repo, { GITHUB_EVENT_PATH: repo.event({ base: head, head: next }) });
    expect(after.code).toBe(0);
  });

  it("renders charts by default, and leaves them out with render: false", async () => {
    const off = await run(pr.repo, { GITHUB_EVENT_PATH: event, INPUT_RENDER: "false" });
    expect(off.summary).not.toContain("privileged-container");
    expect(off.outputs.blocking).toBe("2");
    const bad = await run(pr.repo, { GITHUB_EVENT_PATH: event, INPUT_RENDER: "maybe" });
    expect(bad.code).toBe(2);
    expect(parseCommand(bad.log[0]).message).toContain("input render");
  });

  it("links rules to KUBEDELTA_DOCS_URL when set, and refuses one that is not a URL", async () => {
    const docs = "https://ghe.example.com/platform/kubedelta/blob/main/docs";
    const linked = await run(pr.repo, { GITHUB_EVENT_PATH: event, KUBEDELTA_DOCS_URL: docs });
    expect(linked.summary).toContain(`${docs}/rules.md#service-load-balancer`);
    expect(linked.summary).not.toContain("https://github.com/kubedelta/kubedelta/blob/main/docs");
    const bad = await run(pr.repo, { GITHUB_EVENT_PATH: event, KUBEDELTA_DOCS_URL: "docs/" });
    expect(bad.code).toBe(2);
    expect(parseCommand(bad.log[0]).message).toMatch(/^KUBEDELTA_DOCS_URL: /);
  });

  it("keeps the job summary within GitHub's 1 MiB, whatever the step wrote before", async () => {
    const filled = STEP_SUMMARY_LIMIT_BYTES - 2000;
    const result = await run(pr.repo, { GITHUB_EVENT_PATH: event }, "x".repeat(filled));
    expect(result.code).toBe(1);
    expect(Buffer.byteLength(result.summary)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(result.summary.length).toBeGreaterThan(filled);
    // What still fits says the verdict; the rest is cut with a note, never past the limit.
    expect(result.summary.slice(filled)).toMatch(/^## ❌ KubeDelta/);
  });
});

describe("errors exit 2 with a message that says what to do", () => {
  async function failure(env: Record<string, string>) {
    const result = await run(pr.repo, env);
    expect(result.code).toBe(2);
    expect(result.log).toHaveLength(1);
    const command = parseCommand(result.log[0]);
    expect(command.name).toBe("error");
    expect(command.properties.title).toBe("KubeDelta could not review the pull request");
    expect(result.summary).toContain("could not complete the review");
    return command.message;
  }

  it("on an event without a pull request", async () => {
    const message = await failure({ GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: pr.repo.event(pr) });
    expect(message).toBe(
      'the workflow ran on "push", which has no pull request to review: run KubeDelta on pull_request or pull_request_target (`on: pull_request`)',
    );
  });

  it("on a checkout that lacks the head commit", async () => {
    const missing = "0123456789abcdef0123456789abcdef01234567";
    const message = await failure({ GITHUB_EVENT_PATH: pr.repo.event({ base: pr.base, head: missing }) });
    expect(message).toContain(`does not have the pull request's head commit ${missing}`);
    expect(message).toContain("fetch-depth: 0");
  });

  it("on an event payload that is not one", async () => {
    const path = pr.repo.besidePath("broken.json");
    writeFileSync(path, "{not json");
    expect(await failure({ GITHUB_EVENT_PATH: path })).toContain(`cannot read the event payload ${path}`);
    writeFileSync(path, JSON.stringify({ pull_request: { number: 1, base: { sha: "main" } } }));
    expect(await failure({ GITHUB_EVENT_PATH: path })).toBe(
      "the event payload has no pull_request.base.sha (a commit id)",
    );
  });

  it("on a config input the base commit does not have", async () => {
    const message = await failure({
      GITHUB_EVENT_PATH: event,
      INPUT_CONFIG: "ci/kubedelta.yml",
    });
    expect(message).toMatch(/^input config: ci\/kubedelta\.yml is not in the base commit [0-9a-f]{7}/);
  });
});

describe("the entry action.yml runs", () => {
  it("is the same review as a process: its exit code and its output", async () => {
    const env = {
      PATH: process.env.PATH,
      GITHUB_EVENT_NAME: "pull_request_target",
      GITHUB_EVENT_PATH: event,
      GITHUB_WORKSPACE: pr.repo.dir,
    };
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "src/action/main.ts"],
        { cwd: ROOT, env, timeout: 60_000 },
        (error, stdout) => done({ code: error ? Number((error as { code?: number }).code) : 0, stdout }),
      );
    });
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.filter((line) => line.startsWith("::error file=deploy/app.yaml,"))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^KubeDelta: failed: /);
  });
});
