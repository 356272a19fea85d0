// Which commit a name stands for, asked of git. Each answers undefined when git has none, so that
// the shell can say in its own terms what to do about it (a CLI flag, a workflow's checkout).

import { gitAnswer } from "./command.js";

/** The top directory of the repository `dir` is in, or undefined outside a repository. */
export function topLevel(dir: string): string | undefined {
  return gitAnswer(dir, ["rev-parse", "--show-toplevel"]);
}

/** The full sha of the commit `ref` names, or undefined when the repository has no such commit. */
export function findCommit(repo: string, ref: string): string | undefined {
  return gitAnswer(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
}

/** Where two histories meet (what a pull request's diff compares against), if they do. */
export function mergeBase(repo: string, a: string, b: string): string | undefined {
  return gitAnswer(repo, ["merge-base", a, b]);
}

/** The default branch: what origin/HEAD points to, else the first of main/master that exists. */
export function defaultBranch(repo: string): string | undefined {
  return (
    gitAnswer(repo, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]) ??
    ["main", "master", "origin/main", "origin/master"].find((name) => findCommit(repo, name) !== undefined)
  );
}
