// Which commits `kubedelta review` compares: --repo, --base and --head resolved in the repository,
// with messages that say which flag to fix.

import { existsSync } from "node:fs";
import { defaultBranch, findCommit, mergeBase, topLevel } from "../git/refs.js";
import { UsageError } from "./args.js";

export function repoRoot(repo: string): string {
  if (!existsSync(repo)) throw new UsageError(`${repo}: no such directory`);
  const root = topLevel(repo);
  if (root === undefined)
    throw new UsageError(
      `${repo} is not inside a git repository (use \`kubedelta diff\` for plain directories)`,
    );
  return root;
}

/** The full sha of the commit `ref` names; `named` is how an error names it (with its flag, say). */
export function commitOf(repo: string, ref: string, named = ref): string {
  const sha = findCommit(repo, ref);
  if (sha === undefined) throw new UsageError(`${named}: no such revision`);
  return sha;
}

/**
 * --base, or where the current branch left the default branch: by the name it goes by (--base, or
 * the default branch's), and its commit (for the default, the merge-base).
 */
export function resolveBase(
  repo: string,
  base: string | undefined,
  head: string | undefined,
): { ref: string; sha: string } {
  if (head) commitOf(repo, head, `--head ${head}`);
  if (base) return { ref: base, sha: commitOf(repo, base, `--base ${base}`) };
  const branch = defaultBranch(repo);
  if (branch === undefined)
    throw new UsageError("cannot tell the default branch (no origin/HEAD, main or master): pass --base REF");
  const ref = branch.replace(/^refs\/(heads|remotes)\//, "");
  const sha = mergeBase(repo, branch, head ?? "HEAD");
  if (sha === undefined)
    throw new UsageError(`${ref} and ${head ?? "HEAD"} have no commit in common: pass --base REF`);
  return { ref, sha };
}
