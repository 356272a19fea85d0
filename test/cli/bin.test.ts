// The README's commands: the compiled CLI (what `npx kubedelta` runs after `npm ci`) on the bundled
// examples. Builds dist/ first, so it never tests a stale build.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { files, service, where } from "./stream-fixtures.js";

describe("bin/kubedelta.js", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
      stdio: "pipe",
    });
  }, 120_000);

  it("reviews the bundled example and exits 1 on its blocking findings", () => {
    const run = spawnSync(
      process.execPath,
      ["bin/kubedelta.js", "diff", "examples/risky-pr/base", "examples/risky-pr/head"],
      {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      },
    );
    // What was rendered is said on stderr, as the README shows.
    expect(run.stderr).toBe(
      "kubedelta: rendered helm template of charts/cache with values.yaml, kustomize build of deploy/search/overlays/prod at both revisions\n",
    );
    expect(readFileSync("README.md", "utf8")).toContain(run.stderr.trim());
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\napps\/web\.yaml:7 HIGH service-load-balancer Service shop\/web\n/);
    expect(run.stdout).toMatch(/\nFAILED\n$/);
    // The README shows this very output: keep the front door true.
    expect(readFileSync("README.md", "utf8")).toContain(`\`\`\`text\n${run.stdout}\`\`\``);
  });

  it("reads a manifest as Kubernetes does, as the README shows", () => {
    const run = spawnSync(process.execPath, ["bin/kubedelta.js", "read", "examples/read/pod.yaml"], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n {4}canary: true\n/);
    expect(run.stdout).toMatch(/\n {8}defaultMode: 493\n/);
    expect(readFileSync("README.md", "utf8")).toContain(`\`\`\`text\n${run.stdout}\`\`\``);
  });

  it("reads standard input, and exits 1 where Kubernetes would stop, after the documents it applies", () => {
    const input = "a: yes\n---\nmode: 0777\n---\nb: [oops\n---\nc: 1\n";
    const run = spawnSync(process.execPath, ["bin/kubedelta.js", "read", "--format", "json", "-"], {
      encoding: "utf8",
      input,
    });
    expect(run.status).toBe(1);
    const { files } = JSON.parse(run.stdout);
    expect(files).toHaveLength(1);
    expect(files[0].file).toBe("<stdin>");
    expect(files[0].documents).toEqual([
      { line: 1, value: { a: true } },
      { line: 3, value: { mode: 511 } },
    ]);
    expect(files[0].errors).toEqual([{ line: expect.any(Number), message: expect.any(String) }]);
    const usage = spawnSync(process.execPath, ["bin/kubedelta.js", "read"], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/read needs a file or directory/);
  });

  it("prints its version and usage", () => {
    const version = spawnSync(process.execPath, ["bin/kubedelta.js", "--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const usage = spawnSync(process.execPath, ["bin/kubedelta.js", "bogus"], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/unknown command "bogus"/);
  });

  it("stops quietly when the reader closes the pipe early (| head)", () => {
    // Output well over a pipe's buffer, so that writes go on after head has gone.
    const dir = mkdtempSync(join(tmpdir(), "kd-pipe-"));
    mkdirSync(join(dir, "base"));
    mkdirSync(join(dir, "head"));
    const service = (i: number) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n`;
    writeFileSync(
      join(dir, "head", "services.yaml"),
      Array.from({ length: 600 }, (_, i) => service(i)).join("---\n"),
    );
    const command = `node bin/kubedelta.js diff ${dir}/base ${dir}/head | head -c 10 >/dev/null`;
    const run = spawnSync("sh", ["-c", command], { encoding: "utf8" });
    expect(run.stderr).toBe("");
  });

  /** Runs the built CLI through bash, so that <(…) makes the pipes a shell makes. */
  const bash = (script: string, input?: string) =>
    spawnSync("bash", ["-c", script], { encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });

  it("reads <(…) as a file, named after the other side's file", () => {
    const dir = files();
    const run = bash(`node bin/kubedelta.js diff <(cat ${dir}/old.yaml) ${dir}/svc.yaml --format json`);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(where(run.stdout)).toEqual(["service-load-balancer svc.yaml:4"]);
  });

  it("reads two pipes, and standard input from a pipe", () => {
    const dir = files();
    const pipes = bash(
      `node bin/kubedelta.js diff <(cat ${dir}/old.yaml) <(cat ${dir}/svc.yaml) --format json`,
    );
    expect(pipes.status).toBe(1);
    expect(where(pipes.stdout)).toEqual([expect.stringMatching(/^service-load-balancer \/dev\/fd\/\d+:4$/)]);
    const stdin = bash(`node bin/kubedelta.js diff - ${dir}/svc.yaml --format json`, service("ClusterIP"));
    expect(where(stdin.stdout)).toEqual(["service-load-balancer svc.yaml:4"]);
  });

  it("answers `help` and `help COMMAND` like --help, and refuses help on an unknown command", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["bin/kubedelta.js", ...args], { encoding: "utf8" });
    const usage = run("--help");
    expect(usage.status).toBe(0);
    for (const args of [["help"], ["help", "review"]]) {
      const help = run(...args);
      expect(help.status).toBe(0);
      expect(help.stdout).toBe(usage.stdout);
    }
    const unknown = run("help", "frobnicate");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("links rules to --docs-url, else $KUBEDELTA_DOCS_URL, and refuses a URL that is not one", () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(
        process.execPath,
        [
          "bin/kubedelta.js",
          "diff",
          "examples/risky-pr/base",
          "examples/risky-pr/head",
          "--format",
          "markdown",
          ...args,
        ],
        { encoding: "utf8", env: { ...process.env, ...env } },
      );
    const ghe = "https://ghe.example.com/platform/kubedelta/blob/v0.1.0/docs";
    expect(run(["--docs-url", ghe]).stdout).toContain(`(${ghe}/rules.md#host-path "Pod mounts a node path")`);
    expect(run([], { KUBEDELTA_DOCS_URL: `${ghe}/` }).stdout).toContain(`(${ghe}/rules.md#host-path `);
    const bad = run([], { KUBEDELTA_DOCS_URL: "docs" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/KUBEDELTA_DOCS_URL: the docs URL must be an absolute http\(s\) URL/);
  }, 30_000);
});
