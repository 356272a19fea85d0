// How `kubedelta review` resolves --repo, --base and --head, and what it says when it cannot.

import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { commitOf, repoRoot, resolveBase } from "../../src/cli/review-refs.js";
import type { Repository } from "../action/repository.js";
import { type Branched, branched } from "../git/branched.js";

let repo: Repository;
afterEach(() => repo.remove());

/** The branched history, removed after the test. */
function history(): Branched {
  const made = branched();
  repo = made.repo;
  return made;
}

describe("resolveBase", () => {
  it("is where the branch left the default branch, named after it, or --base as given", () => {
    const { fork, main } = history();
    expect(resolveBase(repo.dir, undefined, undefined)).toEqual({ ref: "main", sha: fork });
    expect(resolveBase(repo.dir, "main", "feature")).toEqual({ ref: "main", sha: main });
  });

  it("names the flag of a revision that does not exist", () => {
    history();
    expect(() => resolveBase(repo.dir, "nope", undefined)).toThrow(/^--base nope: no such revision$/);
    expect(() => resolveBase(repo.dir, "main", "nope")).toThrow(/^--head nope: no such revision$/);
    expect(() => commitOf(repo.dir, "nope")).toThrow(/^nope: no such revision$/);
  });

  it("asks for --base when there is no default branch or the branch never left it", () => {
    history();
    repo.git("checkout", "-q", "--orphan", "unrelated");
    repo.commit("its own root", { "d.yaml": "d\n" });
    expect(() => resolveBase(repo.dir, undefined, undefined)).toThrow(
      /^main and HEAD have no commit in common: pass --base REF$/,
    );
    repo.git("branch", "-m", "main", "trunk");
    expect(() => resolveBase(repo.dir, undefined, undefined)).toThrow(
      /^cannot tell the default branch \(no origin\/HEAD, main or master\): pass --base REF$/,
    );
  });
});

describe("repoRoot", () => {
  it("is the top of the repository, and says so when --repo is none", () => {
    history();
    mkdirSync(join(repo.dir, "deploy"));
    expect(repoRoot(join(repo.dir, "deploy"))).toBe(realpathSync(repo.dir));
    const plain = mkdtempSync(join(tmpdir(), "kubedelta-plain-"));
    try {
      expect(() => repoRoot(plain)).toThrow(/is not inside a git repository \(use `kubedelta diff`/);
      expect(() => repoRoot(join(plain, "gone"))).toThrow(/gone: no such directory$/);
    } finally {
      rmSync(plain, { recursive: true });
    }
  });
});
