// Reads `kubedelta review` inputs: two revisions of a local git repository (or the working tree).

import { execFileSync } from "node:child_process";
import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { chartRootsIn, isChartFile } from "../engine/charts.js";
import type { FileContent } from "../engine/files.js";
import { UsageError } from "./args.js";
import { readContent, type SideFiles } from "./read-dir.js";

const MAX_BUFFER = 2 ** 30;

export function git(repo: string, args: string[], input?: Buffer): Buffer {
  try {
    return execFileSync("git", ["-C", repo, ...args], {
      input,
      maxBuffer: MAX_BUFFER,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new UsageError(`git ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`);
  }
}

function gitText(repo: string, args: string[]): string {
  return git(repo, args).toString("utf8").trim();
}

function refExists(repo: string, ref: string): boolean {
  try {
    execFileSync("git", ["-C", repo, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
}

export function repoRoot(repo: string): string {
  if (!existsSync(repo)) throw new UsageError(`${repo}: no such directory`);
  try {
    return execFileSync("git", ["-C", repo, "rev-parse", "--show-toplevel"], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    throw new UsageError(
      `${repo} is not inside a git repository (use \`kubedelta diff\` for plain directories)`,
    );
  }
}

/** The default branch: what origin/HEAD points to, else the first of main/master that exists. */
function defaultBranch(repo: string): string {
  try {
    const ref = execFileSync("git", ["-C", repo, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
    if (ref) return ref;
  } catch {
    // no remote HEAD recorded: fall through to the usual names
  }
  const found = ["main", "master", "origin/main", "origin/master"].find((name) => refExists(repo, name));
  if (!found)
    throw new UsageError("cannot tell the default branch (no origin/HEAD, main or master): pass --base REF");
  return found;
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
  if (head && !refExists(repo, head)) throw new UsageError(`--head ${head}: no such revision`);
  if (base) {
    if (!refExists(repo, base)) throw new UsageError(`--base ${base}: no such revision`);
    return { ref: base, sha: commitOf(repo, base) };
  }
  const branch = defaultBranch(repo);
  const ref = branch.replace(/^refs\/(heads|remotes)\//, "");
  return { ref, sha: gitText(repo, ["merge-base", branch, head ?? "HEAD"]) };
}

/** The full sha of the commit `ref` names. */
export function commitOf(repo: string, ref: string): string {
  if (!refExists(repo, ref)) throw new UsageError(`${ref}: no such revision`);
  return gitText(repo, ["rev-parse", "--verify", `${ref}^{commit}`]);
}

/**
 * Reads blobs in one `git cat-file --batch`. An object the repository does not have (a shallow or
 * partial clone) is answered `<sha> missing`: that file is unreadable, which fails the review.
 */
export function catBlobs(repo: string, shas: readonly string[]): FileContent[] {
  if (shas.length === 0) return [];
  const out = git(repo, ["cat-file", "--batch"], Buffer.from(`${shas.join("\n")}\n`));
  const contents: FileContent[] = [];
  let offset = 0;
  for (const sha of shas) {
    const headerEnd = out.indexOf(10, offset);
    if (headerEnd < 0) {
      contents.push({ unreadable: `git cat-file gave no answer for object ${sha}` });
      continue;
    }
    const header = out.subarray(offset, headerEnd).toString().split(" ");
    offset = headerEnd + 1;
    if (header.length !== 3 || header[1] !== "blob") {
      const why = header.slice(1).join(" ") || "no object";
      contents.push({
        unreadable: `git object ${sha} is ${why} in this repository (a shallow or partial clone?)`,
      });
      continue;
    }
    const size = Number(header[2]);
    contents.push(out.subarray(offset, offset + size));
    offset += size + 1;
  }
  return contents;
}

/** Files of a revision that `wanted` accepts, and the revision's chart roots. */
export function readRevision(repo: string, ref: string, wanted: (path: string) => boolean): SideFiles {
  if (!refExists(repo, ref)) throw new UsageError(`${ref}: no such revision`);
  const listing = git(repo, ["ls-tree", "-r", "-z", "--full-tree", ref]).toString("utf8");
  const blobs: { path: string; sha: string }[] = [];
  const charts: string[] = [];
  for (const entry of listing.split("\0")) {
    const tab = entry.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, sha] = entry.slice(0, tab).split(" ");
    const path = entry.slice(tab + 1);
    if (type === "blob" && isChartFile(path)) charts.push(path);
    // Regular files only: symlinks (120000) and submodules (160000) hold no manifest text.
    if (type === "blob" && (mode === "100644" || mode === "100755") && wanted(path))
      blobs.push({ path, sha });
  }
  const files = new Map<string, FileContent>();
  const shas = blobs.map((blob) => blob.sha);
  const contents = catBlobs(repo, shas);
  for (const [i, { path }] of blobs.entries()) files.set(path, contents[i]);
  return { files, chartRoots: chartRootsIn(charts) };
}

/** Tracked and untracked (not ignored) files of the working tree that `wanted` accepts, and its chart roots. */
export function readWorkingTree(repo: string, wanted: (path: string) => boolean): SideFiles {
  const root = repoRoot(repo);
  const listing = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).toString(
    "utf8",
  );
  const files = new Map<string, FileContent>();
  const charts: string[] = [];
  for (const path of new Set(listing.split("\0"))) {
    const manifest = path !== "" && wanted(path);
    const chart = isChartFile(path);
    if (!manifest && !chart) continue;
    const full = join(root, path);
    // Deleted but still tracked files are absent from the working tree, which is what we want.
    if (!existsSync(full) || !lstatSync(full).isFile()) continue;
    if (chart) charts.push(path);
    if (manifest) files.set(path, readContent(full));
  }
  return { files, chartRoots: chartRootsIn(charts) };
}
