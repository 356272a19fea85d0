// A real git repository for the Action's tests: commits made with the git command line, and the
// event payload a pull_request workflow run would carry.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export class Repository {
  readonly dir = mkdtempSync(join(tmpdir(), "kubedelta-action-"));
  /** Files written beside the repository (event payloads, summaries), removed with it. */
  private readonly beside: string[] = [];

  constructor() {
    this.git("init", "-q", "-b", "main");
  }

  git(...args: string[]): string {
    return execFileSync(
      "git",
      ["-C", this.dir, "-c", "user.name=Test", "-c", "user.email=test@example.com", ...args],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    ).trim();
  }

  /** Writes the files (null deletes one), commits them all, and returns the commit's sha. */
  commit(message: string, files: Record<string, string | null>): string {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.dir, path);
      if (text === null) rmSync(full);
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  /** A path beside the repository, new at each call, removed with the repository. */
  besidePath(name: string): string {
    const path = `${this.dir}.${this.beside.length}.${name}`;
    this.beside.push(path);
    return path;
  }

  /** A pull_request event payload in a file of its own beside the repository. */
  event(pr: { base: string; head: string; baseRef?: string; headRef?: string }): string {
    const path = this.besidePath("event.json");
    const payload = {
      action: "synchronize",
      number: 7,
      pull_request: {
        number: 7,
        base: { ref: pr.baseRef ?? "main", sha: pr.base },
        head: { ref: pr.headRef ?? "feature", sha: pr.head },
      },
    };
    writeFileSync(path, JSON.stringify(payload));
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
    for (const path of this.beside) rmSync(path, { force: true });
  }
}
