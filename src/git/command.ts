// Runs git in a local repository. A failure is a GitError in git's own words; each shell (the CLI,
// the Action) shows it as a "could not review" error, never as a crash.

import { execFileSync } from "node:child_process";

/** Whole trees and batches of blobs go through stdout: far more than Node's default buffer. */
const MAX_OUTPUT_BYTES = 2 ** 30;

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

/** git's stdout for `args` run in `repo`; `input` goes to its stdin. Throws GitError when git fails. */
export function git(repo: string, args: readonly string[], input?: string): Buffer {
  try {
    return execFileSync("git", ["-C", repo, ...args], { input, maxBuffer: MAX_OUTPUT_BYTES, stdio: "pipe" });
  } catch (error) {
    const said = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new GitError(`git ${args.join(" ")} failed${said ? `: ${said}` : ""}`);
  }
}

/** The answer to a question git may decline (no such ref, no common ancestor): its output, or undefined. */
export function gitAnswer(repo: string, args: readonly string[]): string | undefined {
  try {
    return git(repo, args).toString("utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The entries of git's `-z` output (NUL-separated), without the empty one after the last NUL. */
export function gitList(repo: string, args: readonly string[]): string[] {
  return git(repo, args)
    .toString("utf8")
    .split("\0")
    .filter((entry) => entry !== "");
}
