// The working tree of a real repository, uncommitted edits included, and what differs from a commit.

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { changedInWorkingTree, workingTree } from "../../src/git/working-tree.js";
import { Repository } from "../action/repository.js";

let repo: Repository;
afterEach(() => repo.remove());

/** A committed repository, then edited on disk without committing. */
function edited(): { repo: Repository; base: string } {
  const repository = new Repository();
  const base = repository.commit("base", {
    ".gitignore": "secret.yaml\n",
    "same.yaml": "s\n",
    "edited.yaml": "1\n",
    "deleted.yaml": "d\n",
  });
  const write = (path: string, text: string) => {
    mkdirSync(join(repository.dir, path, ".."), { recursive: true });
    writeFileSync(join(repository.dir, path), text);
  };
  write("edited.yaml", "2\n");
  write("new/untracked.yaml", "u\n");
  write("secret.yaml", "ignored\n");
  rmSync(join(repository.dir, "deleted.yaml"));
  symlinkSync("same.yaml", join(repository.dir, "link.yaml"));
  return { repo: repository, base };
}

describe("workingTree", () => {
  it("is the tracked and untracked files on disk, never ignored or deleted ones nor a submodule; links read as such", async () => {
    const made = edited();
    repo = made.repo;
    // A submodule: a commit in the index, a directory on disk; no file of this tree.
    repo.git("update-index", "--add", "--cacheinfo", `160000,${made.base},vendor/sub`);
    mkdirSync(join(repo.dir, "vendor/sub"), { recursive: true });
    const tree = workingTree(repo.dir);
    expect([...tree.paths].sort()).toEqual([
      ".gitignore",
      "edited.yaml",
      "link.yaml",
      "new/untracked.yaml",
      "same.yaml",
    ]);
    expect([...tree.links]).toEqual(["link.yaml"]);
    expect(tree.size?.("edited.yaml")).toBe(2);
    const read = await tree.read(["edited.yaml", "link.yaml", "new/untracked.yaml"]);
    expect(Buffer.from(read.get("edited.yaml") as Uint8Array).toString()).toBe("2\n");
    expect(read.get("link.yaml")).toEqual({ symlink: "same.yaml" });
    expect(Buffer.from(read.get("new/untracked.yaml") as Uint8Array).toString()).toBe("u\n");
  });

  it("reads a file removed since the listing as unreadable, naming why", async () => {
    const made = edited();
    repo = made.repo;
    const tree = workingTree(repo.dir);
    rmSync(join(repo.dir, "edited.yaml"));
    expect((await tree.read(["edited.yaml"])).get("edited.yaml")).toMatchObject({
      unreadable: expect.stringMatching(/ENOENT/),
    });
  });
});

describe("changedInWorkingTree", () => {
  it("is the edited, deleted and untracked paths against the base, never the ignored or unchanged ones", () => {
    const made = edited();
    repo = made.repo;
    expect([...changedInWorkingTree(repo.dir, made.base)].sort()).toEqual([
      "deleted.yaml",
      "edited.yaml",
      "link.yaml",
      "new/untracked.yaml",
    ]);
  });
});
