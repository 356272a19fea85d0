// What the fake GitHub serves: installations, each with one repository whose pull requests branch
// from one base commit. Commits are whole trees (path → blob id); a pull request's files are the
// difference between its base tree and its head tree, computed the way GitHub lists them.

import { createHash } from "node:crypto";
import { unifiedPatch } from "../../../test/fake-github/patch.js";

export interface Installation {
  id: number;
  owner: string;
  repo: string;
  token: string;
}

export interface Pull {
  installation: Installation;
  number: number;
  author: string;
  base: string;
  /** The head now (GitHub's answer to "get a pull request"). */
  head: string;
  /** Every head the pull request has had, oldest first. */
  heads: string[];
}

export interface ListedFile {
  sha: string;
  filename: string;
  status: "added" | "removed" | "modified";
  patch: string;
}

/** Git's blob id: sha1 of "blob <length>\0<content>". */
export function blobId(text: string): string {
  const bytes = Buffer.from(text);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function commitId(seed: string): string {
  return createHash("sha1").update(`commit ${seed}`).digest("hex");
}

export function repoKey(owner: string, repo: string): string {
  return `${owner}/${repo}`;
}

export function pullKey(owner: string, repo: string, number: number): string {
  return `${owner}/${repo}#${number}`;
}

export class World {
  readonly installations: Installation[] = [];
  readonly blobs = new Map<string, string>();
  /** sha → repository key and tree (path → blob id). */
  readonly commits = new Map<string, { repo: string; tree: Map<string, string> }>();
  readonly pulls = new Map<string, Pull>();
  private readonly bases = new Map<string, string>();

  addInstallation(id: number, owner: string, repo: string): Installation {
    const installation = { id, owner, repo, token: `ghs_load${id}${"0".repeat(28)}` };
    this.installations.push(installation);
    return installation;
  }

  installationByToken(token: string): Installation | undefined {
    return this.installations.find((i) => i.token === token);
  }

  installationOf(owner: string, repo: string): Installation | undefined {
    return this.installations.find((i) => i.owner === owner && i.repo === repo);
  }

  /** A commit of `files` in the installation's repository; `seed` makes its sha. */
  addCommit(installation: Installation, files: ReadonlyMap<string, string>, seed: string): string {
    const sha = commitId(`${installation.owner}/${installation.repo}:${seed}`);
    const tree = new Map<string, string>();
    for (const [path, text] of files) {
      const oid = blobId(text);
      this.blobs.set(oid, text);
      tree.set(path, oid);
    }
    this.commits.set(sha, { repo: repoKey(installation.owner, installation.repo), tree });
    return sha;
  }

  setBase(installation: Installation, sha: string): void {
    this.bases.set(repoKey(installation.owner, installation.repo), sha);
  }

  baseOf(owner: string, repo: string): string | undefined {
    return this.bases.get(repoKey(owner, repo));
  }

  addPull(installation: Installation, number: number, head: string): Pull {
    const base = this.baseOf(installation.owner, installation.repo);
    if (!base) throw new Error(`${installation.repo} has no base commit`);
    const pull = { installation, number, author: "octocat", base, head, heads: [head] };
    this.pulls.set(pullKey(installation.owner, installation.repo, number), pull);
    return pull;
  }

  /** A push to the pull request: `head` becomes its head. */
  push(pull: Pull, head: string): void {
    pull.head = head;
    pull.heads.push(head);
  }

  pull(owner: string, repo: string, number: number): Pull | undefined {
    return this.pulls.get(pullKey(owner, repo, number));
  }

  commitIn(owner: string, repo: string, sha: string) {
    const commit = this.commits.get(sha);
    return commit?.repo === repoKey(owner, repo) ? commit : undefined;
  }

  /** The files a pull request changes between its base and `head`, as GitHub lists them. */
  files(pull: Pull, head = pull.head): ListedFile[] {
    return this.diff(pull.base, head);
  }

  /** The files that differ from commit `from` to commit `to`. */
  diff(from: string, to: string): ListedFile[] {
    const before = this.commits.get(from)?.tree ?? new Map<string, string>();
    const after = this.commits.get(to)?.tree ?? new Map<string, string>();
    const listed: ListedFile[] = [];
    for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const [a, b] = [before.get(path), after.get(path)];
      if (a === b) continue;
      const text = (oid?: string) => (oid ? (this.blobs.get(oid) ?? "") : "");
      listed.push({
        sha: b ?? a ?? "",
        filename: path,
        status: a === undefined ? "added" : b === undefined ? "removed" : "modified",
        patch: unifiedPatch(text(a), text(b)),
      });
    }
    return listed;
  }
}
