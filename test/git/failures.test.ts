// A repository git cannot read mid-review: both shells stop with git's own words, exit 2 ("could
// not review"), never a crash (exit 1 with an internal error) and never a pass.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAction } from "../../src/action/run.js";
import { Repository } from "../action/repository.js";
import { cli } from "../cli/run-cli.js";

let repo: Repository;
afterEach(() => repo.remove());

/** A pull request whose head commit is there but whose tree object is not (a broken clone). */
function brokenHead(): { base: string; head: string; tree: string } {
  repo = new Repository();
  const base = repo.commit("base", { "deploy/app.yaml": "kind: Pod\n" });
  repo.git("checkout", "-q", "-b", "feature");
  const head = repo.commit("head", { "deploy/new.yaml": "kind: Pod\n" });
  const tree = repo.git("rev-parse", `${head}^{tree}`);
  rmSync(join(repo.dir, ".git", "objects", tree.slice(0, 2), tree.slice(2)));
  return { base, head, tree };
}

const GIT_FAILED = /git ls-tree -r -z -l --full-tree \S+ failed: fatal: /;

describe("a git failure mid-review", () => {
  it("is a usage-level error of the CLI: exit 2, git's message", async () => {
    const { head } = brokenHead();
    const run = await cli(["review", "--repo", repo.dir, "--base", "main", "--head", head]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^kubedelta: ${GIT_FAILED.source}`));
    expect(run.stdout).toBe("");
  });

  it("is a could-not-review error of the Action: exit 2, git's message", async () => {
    const { base, head } = brokenHead();
    const log: string[] = [];
    const code = await runAction(
      {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_WORKSPACE: repo.dir,
        GITHUB_EVENT_PATH: repo.event({ base, head }),
      },
      { log: (line) => log.push(line) },
    );
    expect(code).toBe(2);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^::error title=KubeDelta could not review the pull request::/);
    expect(log[0]).toMatch(GIT_FAILED);
    expect(log[0]).not.toContain("internal error");
  });
});
