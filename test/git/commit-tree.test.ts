// A commit's tree read from a real repository: what it lists, what reading gives, what differs.

import { rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitError } from "../../src/git/command.js";
import { changedBetweenCommits, commitTree } from "../../src/git/commit-tree.js";
import { Repository } from "../action/repository.js";

let repo: Repository;
afterEach(() => repo.remove());

const text = (content: unknown) => Buffer.from(content as Uint8Array).toString("utf8");

describe("commitTree", () => {
  it("lists regular files, executables and links with their blobs and sizes, never a submodule", async () => {
    repo = new Repository();
    repo.commit("files", { "deploy/app.yaml": "kind: Pod\n", "run.sh": "echo hi\n" });
    repo.git("update-index", "--chmod=+x", "run.sh");
    symlinkSync("app.yaml", join(repo.dir, "deploy/link.yaml"));
    // A submodule is a commit in the tree (mode 160000): nothing to read here.
    repo.git("update-index", "--add", "--cacheinfo", `160000,${repo.git("rev-parse", "HEAD")},vendor/sub`);
    const sha = repo.commit("link and submodule", {});

    const tree = commitTree(repo.dir, sha);
    expect([...tree.paths].sort()).toEqual(["deploy/app.yaml", "deploy/link.yaml", "run.sh"]);
    expect([...tree.links]).toEqual(["deploy/link.yaml"]);
    expect(tree.blobIds.get("deploy/app.yaml")).toBe(repo.git("rev-parse", `${sha}:deploy/app.yaml`));
    expect(tree.size?.("deploy/app.yaml")).toBe("kind: Pod\n".length);
    expect(tree.size?.("vendor/sub")).toBeUndefined();

    const read = await tree.read(["run.sh", "deploy/link.yaml", "deploy/app.yaml"]);
    expect([...read.keys()]).toEqual(["run.sh", "deploy/link.yaml", "deploy/app.yaml"]);
    expect(text(read.get("run.sh"))).toBe("echo hi\n");
    expect(read.get("deploy/link.yaml")).toEqual({ symlink: "app.yaml" });
    expect(text(read.get("deploy/app.yaml"))).toBe("kind: Pod\n");
  });

  it("reads a blob the repository lacks (a shallow or partial clone) as unreadable, naming it", async () => {
    repo = new Repository();
    const sha = repo.commit("files", { "a.yaml": "a: 1\n", "b.yaml": "b: 2\n" });
    const blob = repo.git("rev-parse", `${sha}:a.yaml`);
    rmSync(join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));

    const read = await commitTree(repo.dir, sha).read(["a.yaml", "b.yaml", "not/there.yaml"]);
    expect(read.get("a.yaml")).toEqual({
      unreadable: `git object ${blob} is missing in this repository (a shallow or partial clone?)`,
    });
    // The answers after a missing one still belong to their own paths.
    expect(text(read.get("b.yaml"))).toBe("b: 2\n");
    expect(read.get("not/there.yaml")).toMatchObject({ unreadable: expect.stringMatching(/missing/) });
  });

  it("says what git said when the commit does not exist", () => {
    repo = new Repository();
    repo.commit("files", { "a.yaml": "a: 1\n" });
    expect(() => commitTree(repo.dir, "nope")).toThrow(GitError);
    expect(() => commitTree(repo.dir, "nope")).toThrow(
      /^git ls-tree -r -z -l --full-tree nope failed: fatal: Not a valid object name nope$/,
    );
  });
});

describe("changedBetweenCommits", () => {
  it("is the paths added, removed or edited, not the ones left alone", () => {
    repo = new Repository();
    const base = repo.commit("base", { "same.yaml": "s\n", "edited.yaml": "1\n", "removed.yaml": "r\n" });
    const head = repo.commit("head", { "edited.yaml": "2\n", "removed.yaml": null, "added.yaml": "a\n" });
    const changed = changedBetweenCommits(commitTree(repo.dir, base), commitTree(repo.dir, head));
    expect([...changed].sort()).toEqual(["added.yaml", "edited.yaml", "removed.yaml"]);
  });
});
