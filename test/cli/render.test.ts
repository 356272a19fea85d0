// `kubedelta review` and `kubedelta diff` of directories render the Kustomize and Helm targets a
// change touches (real kustomize and helm), unless told not to.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { useRealTools } from "../render/helpers/tools.js";
import { cli } from "./run-cli.js";

useRealTools();

function write(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const CHART = {
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
  "charts/web/values.yaml": "hostNetwork: false\n",
  "charts/web/templates/pod.yaml":
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n  containers:\n    - name: web\n      image: nginx:1.25\n",
  "deploy/base/kustomization.yaml": "resources:\n  - pod.yaml\n",
  "deploy/base/pod.yaml":
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: nginx:1.25\n",
  "deploy/prod/kustomization.yaml": "namespace: prod\nresources:\n  - ../base\n",
};

/** A repository whose feature branch turns on hostNetwork in the chart and privileged in the base. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), "kd-render-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      stdio: "pipe",
    });
  git("init", "-q", "-b", "main");
  write(dir, CHART);
  git("add", ".");
  git("commit", "-q", "-m", "base");
  git("checkout", "-q", "-b", "feature");
  write(dir, {
    "charts/web/values.yaml": "hostNetwork: true\n",
    "deploy/base/pod.yaml": CHART["deploy/base/pod.yaml"].replace(
      "image: nginx:1.25\n",
      "image: nginx:1.25\n      securityContext:\n        privileged: true\n",
    ),
  });
  git("commit", "-q", "-am", "risky");
  return dir;
}

const placed = (stdout: string) =>
  JSON.parse(stdout)
    .findings.map((f: { file: string; line: number; rule: string }) => `${f.file}:${f.line} ${f.rule}`)
    .sort();

describe("kubedelta review renders", () => {
  it("the chart and the overlay a commit changes, with findings on the values and base lines", async () => {
    const dir = repository();
    const run = await cli([
      "review",
      "--repo",
      dir,
      "--base",
      "main",
      "--head",
      "feature",
      "--format",
      "json",
    ]);
    expect(run.code).toBe(1);
    expect(placed(run.stdout)).toEqual([
      "charts/web/values.yaml:1 host-namespace",
      "deploy/base/pod.yaml:10 privileged-container",
    ]);
    const rendered = JSON.parse(run.stdout).findings.map((f: { rendered: unknown }) => f.rendered);
    expect(rendered).toContainEqual({ target: "charts/web", tool: "helm" });
    expect(rendered).toContainEqual({ target: "deploy/prod", tool: "kustomize" });
  });

  it("the working tree against the base, uncommitted edits included", async () => {
    const dir = repository();
    execFileSync("git", ["-C", dir, "checkout", "-q", "main"]);
    write(dir, { "charts/web/values.yaml": "hostNetwork: true\n" });
    const run = await cli(["review", "--repo", dir, "--base", "main", "--format", "json"]);
    expect(placed(run.stdout)).toEqual(["charts/web/values.yaml:1 host-namespace"]);
  });

  it("only the targets --render-target names, and none with --no-render (the old reading)", async () => {
    const dir = repository();
    const base = ["review", "--repo", dir, "--base", "main", "--head", "feature", "--format", "json"];
    // The overlay is not rendered: its files are read as plain manifests, never dropped.
    const one = await cli([...base, "--render-target", "charts/web/"]);
    expect(placed(one.stdout)).toEqual([
      "charts/web/values.yaml:1 host-namespace",
      "deploy/base/pod.yaml:10 privileged-container",
    ]);
    // Unrendered, the base's Pod is judged as the file says (namespace default), the chart not at all.
    const none = await cli([...base, "--no-render"]);
    expect(placed(none.stdout)).toEqual(["deploy/base/pod.yaml:10 privileged-container"]);
    expect(JSON.parse(none.stdout).findings[0].resource.namespace).toBe("default");
    expect(JSON.parse(none.stdout).skipped.map((s: { file: string }) => s.file)).toContain(
      "charts/web/values.yaml",
    );
  });
});

describe("kubedelta diff of two directories renders", () => {
  it("the targets that differ", async () => {
    const root = mkdtempSync(join(tmpdir(), "kd-render-dirs-"));
    write(join(root, "base"), CHART);
    write(join(root, "head"), { ...CHART, "charts/web/values.yaml": "hostNetwork: true\n" });
    const run = await cli(["diff", join(root, "base"), join(root, "head"), "--format", "json"]);
    expect(placed(run.stdout)).toEqual(["charts/web/values.yaml:1 host-namespace"]);
    expect(run.stderr).toBe("");
    const text = await cli(["diff", join(root, "base"), join(root, "head")]);
    expect(text.stderr).toBe(
      "kubedelta: rendered helm template of charts/web with values.yaml at both revisions\n",
    );
  });
});
