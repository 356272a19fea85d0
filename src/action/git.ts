// The commits of the workflow's checkout as the engine reads them: a commit's whole tree as a
// render Revision (listed once by `git ls-tree`, read on demand through one `git cat-file --batch`
// per read), the paths two trees differ in, and the manifest files of a tree.

import { execFileSync } from "node:child_process";
import { chartRootsIn, isChartFile } from "../engine/charts.js";
import type { FileContent } from "../engine/files.js";
import type { Revision, TreeContent } from "../render/revision.js";
import { ActionError } from "./errors.js";

function git(repo: string, args: readonly string[], input?: string): Buffer {
  try {
    return execFileSync("git", ["-C", repo, ...args], { input, maxBuffer: 2 ** 30, stdio: "pipe" });
  } catch (error) {
    const said = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new ActionError(`git ${args.join(" ")} failed${said ? `: ${said}` : ""}`);
  }
}

/** Whether the checkout has the commit (a shallow clone may not). */
export function hasCommit(repo: string, sha: string): boolean {
  try {
    git(repo, ["cat-file", "-e", `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** Where `head` left `base`'s history (what GitHub's diff of a pull request compares), if known. */
export function mergeBase(repo: string, base: string, head: string): string | undefined {
  try {
    return git(repo, ["merge-base", base, head]).toString("utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A commit's tree: every regular file and symbolic link, with its blob id. */
export interface CommitTree extends Revision {
  blobIds: ReadonlyMap<string, string>;
}

interface Entry {
  blob: string;
  size: number;
  link: boolean;
}

function listTree(repo: string, commit: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const line of git(repo, ["ls-tree", "-r", "-z", "-l", "--full-tree", commit])
    .toString("utf8")
    .split("\0")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, blob, size] = line.slice(0, tab).split(/ +/);
    // Regular files and links; submodules (160000) hold nothing to read here.
    if (type === "blob" && (mode === "100644" || mode === "100755" || mode === "120000"))
      entries.set(line.slice(tab + 1), { blob, size: Number(size), link: mode === "120000" });
  }
  return entries;
}

/** The contents of blobs, in order, by one `git cat-file --batch`; a missing one is unreadable. */
function readBlobs(repo: string, blobs: readonly string[]): FileContent[] {
  if (blobs.length === 0) return [];
  const out = git(repo, ["cat-file", "--batch"], `${blobs.join("\n")}\n`);
  let at = 0;
  return blobs.map((blob) => {
    const end = out.indexOf(10, at);
    const header = (end < 0 ? "" : out.subarray(at, end).toString("utf8")).split(" ");
    if (end < 0 || header[1] !== "blob") {
      at = end < 0 ? out.length : end + 1;
      return {
        unreadable: `git object ${blob} is not in this checkout (${header.slice(1).join(" ") || "no answer"})`,
      };
    }
    const size = Number(header[2]);
    const content = out.subarray(end + 1, end + 1 + size);
    at = end + 1 + size + 1;
    return content;
  });
}

export function commitTree(repo: string, commit: string): CommitTree {
  const entries = listTree(repo, commit);
  return {
    paths: [...entries.keys()],
    blobIds: new Map([...entries].map(([path, entry]) => [path, entry.blob])),
    size: (path) => entries.get(path)?.size,
    async read(paths) {
      const contents = readBlobs(
        repo,
        paths.map((path) => entries.get(path)?.blob ?? "0".repeat(40)),
      );
      return new Map(
        paths.map((path, i): [string, TreeContent] => {
          const content = contents[i];
          const link = entries.get(path)?.link && content instanceof Uint8Array;
          return [path, link ? { symlink: Buffer.from(content).toString("utf8") } : content];
        }),
      );
    },
  };
}

/** The paths whose blob differs between two trees, or that one of them lacks. */
export function changedPaths(base: CommitTree, head: CommitTree): Set<string> {
  const paths = new Set([...base.blobIds.keys(), ...head.blobIds.keys()]);
  return new Set([...paths].filter((path) => base.blobIds.get(path) !== head.blobIds.get(path)));
}

/** The manifest files of a tree (regular files that `wanted` accepts) and its chart roots. */
export async function manifestsOf(
  tree: CommitTree,
  wanted: (path: string) => boolean,
): Promise<{ files: Map<string, FileContent>; chartRoots: Set<string> }> {
  const contents = await tree.read(tree.paths.filter(wanted));
  const files = new Map<string, FileContent>();
  for (const [path, content] of contents) {
    // A link holds no manifest text of its own (as `kubedelta review` reads a commit).
    if (typeof content === "string" || content instanceof Uint8Array || "unreadable" in content)
      files.set(path, content);
  }
  return { files, chartRoots: chartRootsIn(tree.paths.filter(isChartFile)) };
}
