// What the App decides from paths alone before rendering: the base revision it derives from the
// head tree and the pull request's files, and which changed files a render target may read.

import { describe, expect, it } from "vitest";
import type { BlobReader } from "../../src/github/blob-reader.js";
import type { PullFile } from "../../src/github/pull-files.js";
import { looksLikeRenderInput, mayFeedRender, renderScope } from "../../src/github/render-scope.js";
import { baseRevision, changedPaths, type HeadTree, headRevision } from "../../src/github/revisions.js";
import type { PullRequestRef } from "../../src/github/types.js";
import { loadPolicy } from "../../src/policy/load.js";
import { DEFAULT_TARGET_OPTIONS } from "../../src/render/settings.js";

const PR: PullRequestRef = { owner: "o", repo: "r", number: 1, baseSha: "b", headSha: "h", author: "a" };

function treeOf(paths: Record<string, number>, truncated = false): HeadTree {
  const files = new Map(
    Object.entries(paths).map(([path, size]) => [path, { mode: "100644", sha: `sha-${path}`, size }]),
  );
  return { files, truncated };
}

/** These tests read no file: the revisions' paths and sizes come from the listing alone. */
const unused = {} as BlobReader;

describe("the base revision, derived from the head tree and the pull request's files", () => {
  const tree = treeOf({
    "a/kept.yaml": 10,
    "a/new.yaml": 20,
    "a/moved.yaml": 30,
    "a/edited.yaml": 40,
    "a/old.yaml": 50,
  });
  const files: PullFile[] = [
    { filename: "a/new.yaml", status: "added", sha: "x" },
    { filename: "a/gone.yaml", status: "removed" },
    { filename: "a/moved.yaml", previousFilename: "a/old.yaml", status: "renamed", sha: "y" },
    // old.yaml was renamed away and a new old.yaml added: it is at the base under its old content.
    { filename: "a/old.yaml", status: "added", sha: "z" },
    { filename: "a/edited.yaml", status: "modified", sha: "w" },
  ];
  const base = baseRevision(tree, files, "merge-base", PR, unused);

  it("has the unchanged, removed, renamed-from and modified paths, not the added or renamed-to ones", () => {
    expect(base.paths).toEqual(["a/edited.yaml", "a/gone.yaml", "a/kept.yaml", "a/old.yaml"]);
    expect(headRevision(tree, PR, unused).paths).toEqual([
      "a/edited.yaml",
      "a/kept.yaml",
      "a/moved.yaml",
      "a/new.yaml",
      "a/old.yaml",
    ]);
  });

  it("knows the size of an unchanged file from the listing, and not the base size of a changed one", () => {
    expect(base.size?.("a/kept.yaml")).toBe(10);
    expect(base.size?.("a/edited.yaml")).toBeUndefined();
    expect(base.size?.("a/gone.yaml")).toBeUndefined();
    expect(base.size?.("a/old.yaml")).toBeUndefined();
  });

  it("counts both names of a renamed file as changed", () => {
    expect([...changedPaths(files)].sort()).toEqual([
      "a/edited.yaml",
      "a/gone.yaml",
      "a/moved.yaml",
      "a/new.yaml",
      "a/old.yaml",
    ]);
  });
});

describe("which changed files rendering looks at", () => {
  const settings = loadPolicy().render;
  const pull = (...paths: string[]): PullFile[] =>
    paths.map((filename) => ({ filename, status: "modified" }));
  const tree = treeOf({
    "deploy/prod/kustomization.yaml": 1,
    "deploy/prod/app.properties": 1,
    "charts/web/Chart.yaml": 1,
    "charts/web/templates/_helpers.tpl": 1,
    "src/main.go": 1,
    "env/prod/values.yaml": 1,
  });

  it("lists the tree for anything but documentation and .github/", () => {
    expect(
      ["README.md", "docs/guide.rst", "LICENSE", ".github/workflows/ci.yml"].filter(mayFeedRender),
    ).toEqual([]);
    expect(
      ["src/main.go", "deploy/app.properties", "charts/web/templates/NOTES.md"].every(mayFeedRender),
    ).toBe(true);
  });

  it("takes the changed files below a kustomization's or a chart's folder, and declared values files", () => {
    const scope = renderScope(
      tree,
      pull(
        "deploy/prod/app.properties",
        "charts/web/templates/_helpers.tpl",
        "src/main.go",
        "env/prod/values.yaml",
      ),
      settings,
    );
    expect(scope).toEqual({
      kind: "render",
      touched: new Set(["deploy/prod/app.properties", "charts/web/templates/_helpers.tpl"]),
    });
    const spec = {
      ...DEFAULT_TARGET_OPTIONS,
      path: "charts/web",
      valuesFiles: ["../../env/prod/values.yaml"],
    };
    const declared = { ...settings, targets: [spec] };
    expect(renderScope(tree, pull("env/prod/values.yaml"), declared)).toEqual({
      kind: "render",
      touched: new Set(["env/prod/values.yaml"]),
    });
  });

  it("sees a kustomization the pull request removes, by its base path", () => {
    const plain = treeOf({ "k8s/svc.yaml": 1 });
    const files: PullFile[] = [
      { filename: "old/kustomization.yaml", status: "removed" },
      { filename: "old/app.env", status: "removed" },
    ];
    expect(renderScope(plain, files, settings)).toEqual({
      kind: "render",
      touched: new Set(["old/kustomization.yaml", "old/app.env"]),
    });
  });

  it("renders nothing in a repository without kustomizations or charts, or with detection off and no targets", () => {
    expect(renderScope(treeOf({ "k8s/svc.yaml": 1 }), pull("k8s/svc.yaml"), settings)).toEqual({
      kind: "none",
    });
    expect(renderScope(tree, pull("deploy/prod/app.properties"), { ...settings, autoDetect: false })).toEqual(
      {
        kind: "none",
      },
    );
  });

  it("refuses a tree too large to list whole only when a changed file looks like a render input", () => {
    const truncated = treeOf({}, true);
    expect(renderScope(truncated, pull("k8s/svc.yaml", "src/main.go"), settings)).toMatchObject({
      kind: "none",
    });
    expect(
      renderScope(truncated, pull("k8s/svc.yaml", "charts/web/values-prod.yaml"), settings),
    ).toMatchObject({
      kind: "refused",
      reason: expect.stringContaining("charts/web/values-prod.yaml"),
    });
    expect(
      [
        "overlays/prod/kustomization.yml",
        "overlays/prod/Kustomization",
        "chart/Chart.yaml",
        "chart/Chart.lock",
        "chart/.helmignore",
        "chart/values.schema.json",
        "chart/templates/svc.yaml",
        "chart/_shared.tpl",
        "charts/db/deploy.yaml",
      ].filter((path) => !looksLikeRenderInput(path)),
    ).toEqual([]);
    expect(["k8s/svc.yaml", "base/deployment.yaml", "src/main.go"].filter(looksLikeRenderInput)).toEqual([]);
  });
});
