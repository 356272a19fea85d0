// What names stand for in a real repository: the answer, or undefined for the shell to explain.

import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultBranch, findCommit, mergeBase, topLevel } from "../../src/git/refs.js";
import { Repository } from "../action/repository.js";
import { branched } from "./branched.js";

let repo: Repository;
afterEach(() => repo.remove());

describe("findCommit", () => {
  it("is the full sha of a branch, a short sha or an expression; undefined for anything else", () => {
    repo = new Repository();
    const first = repo.commit("first", { "a.yaml": "a\n" });
    const second = repo.commit("second", { "a.yaml": "b\n" });
    expect(findCommit(repo.dir, "main")).toBe(second);
    expect(findCommit(repo.dir, first.slice(0, 7))).toBe(first);
    expect(findCommit(repo.dir, "main~1")).toBe(first);
    expect(findCommit(repo.dir, "nope")).toBeUndefined();
    // A blob is no commit; nor is a well-formed sha the repository does not have (a shallow clone).
    expect(findCommit(repo.dir, "main:a.yaml")).toBeUndefined();
    expect(findCommit(repo.dir, "1".repeat(40))).toBeUndefined();
  });
});

describe("mergeBase", () => {
  it("is where a branch left another, and undefined for histories that never meet", () => {
    const { fork, head, main, ...made } = branched();
    repo = made.repo;
    expect(mergeBase(repo.dir, main, head)).toBe(fork);
    expect(mergeBase(repo.dir, "main", "feature")).toBe(fork);
    repo.git("checkout", "-q", "--orphan", "unrelated");
    const orphan = repo.commit("its own root", { "d.yaml": "d\n" });
    expect(mergeBase(repo.dir, main, orphan)).toBeUndefined();
  });
});

describe("defaultBranch", () => {
  it("is what origin/HEAD points to, else main or master, else undefined", () => {
    repo = new Repository();
    repo.commit("first", {});
    expect(defaultBranch(repo.dir)).toBe("main");
    repo.git("branch", "-m", "main", "master");
    expect(defaultBranch(repo.dir)).toBe("master");
    repo.git("branch", "-m", "master", "dev");
    expect(defaultBranch(repo.dir)).toBeUndefined();
    repo.git("update-ref", "refs/remotes/origin/trunk", "HEAD");
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    expect(defaultBranch(repo.dir)).toBe("refs/remotes/origin/trunk");
  });
});

describe("topLevel", () => {
  it("is the repository's top directory from anywhere inside it, and undefined outside one", () => {
    repo = new Repository();
    const inside = join(repo.dir, "deploy", "prod");
    mkdirSync(inside, { recursive: true });
    expect(topLevel(inside)).toBe(realpathSync(repo.dir));
    const plain = mkdtempSync(join(tmpdir(), "kubedelta-plain-"));
    try {
      expect(topLevel(plain)).toBeUndefined();
    } finally {
      rmSync(plain, { recursive: true });
    }
  });
});
