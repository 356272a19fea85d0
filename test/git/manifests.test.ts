// The manifests of a tree: the same files whether the tree is a commit or the working tree.

import { rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitTree } from "../../src/git/commit-tree.js";
import { manifestsOf } from "../../src/git/manifests.js";
import { workingTree } from "../../src/git/working-tree.js";
import { Repository } from "../action/repository.js";

let repo: Repository;
afterEach(() => repo.remove());

const yaml = (path: string) => path.endsWith(".yaml");

/** A repository with manifests, a chart whose Chart.yaml the manifest filter refuses, and a link. */
function repository(): string {
  repo = new Repository();
  repo.commit("files", {
    "deploy/app.yaml": "kind: Pod\n",
    "README.md": "# not a manifest\n",
    "charts/web/Chart.yml": "not the chart file\n",
    "charts/web/Chart.yaml": "apiVersion: v2\n",
    "charts/web/templates/pod.yaml": "kind: {{ .Values.kind }}\n",
  });
  symlinkSync("app.yaml", join(repo.dir, "deploy/link.yaml"));
  return repo.commit("link", {});
}

const asText = (files: Map<string, unknown>) =>
  Object.fromEntries(
    [...files].map(([path, content]) => [path, Buffer.from(content as Uint8Array).toString()]),
  );

describe("manifestsOf", () => {
  it("reads the wanted regular files of a commit, leaves links out, and finds every chart", async () => {
    const sha = repository();
    const { files, chartRoots } = await manifestsOf(commitTree(repo.dir, sha), yaml);
    expect(asText(files)).toEqual({
      "deploy/app.yaml": "kind: Pod\n",
      "charts/web/Chart.yaml": "apiVersion: v2\n",
      "charts/web/templates/pod.yaml": "kind: {{ .Values.kind }}\n",
    });
    expect([...chartRoots]).toEqual(["charts/web"]);
    // A chart is found whatever the manifest filter says of its Chart.yaml.
    const none = await manifestsOf(commitTree(repo.dir, sha), () => false);
    expect(none.files.size).toBe(0);
    expect([...none.chartRoots]).toEqual(["charts/web"]);
  });

  it("reads the working tree as it reads the commit checked out there", async () => {
    const sha = repository();
    const committed = await manifestsOf(commitTree(repo.dir, sha), yaml);
    const onDisk = await manifestsOf(workingTree(repo.dir), yaml);
    expect(asText(onDisk.files)).toEqual(asText(committed.files));
    expect(onDisk.chartRoots).toEqual(committed.chartRoots);
  });

  it("keeps a file it could not read, so that the review fails on it", async () => {
    const sha = repository();
    const blob = repo.git("rev-parse", `${sha}:deploy/app.yaml`);
    rmSync(join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
    const { files } = await manifestsOf(commitTree(repo.dir, sha), yaml);
    expect(files.get("deploy/app.yaml")).toEqual({
      unreadable: `git object ${blob} is missing in this repository (a shallow or partial clone?)`,
    });
  });
});
