// The files of the commit under review, also when the pull request moves on to a newer commit while
// they are listed: a GitHub on loopback whose pull request #2 can be pushed to between two requests,
// and whose file listing, like GitHub's, always shows the current head.

import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listPullFiles, StaleHeadFilesError } from "../../src/github/pull-files.js";
import type { PullRequestRef } from "../../src/github/types.js";
import { installationClient, json, type ScriptedGitHub, scriptedGitHub } from "./scripted-github.js";

const BASE = "b".repeat(40);
const A = "a".repeat(40);
const B = "c".repeat(40);
const PAGE = 2;

interface Entry {
  filename: string;
  status: string;
  sha: string;
  patch?: string;
  previous_filename?: string;
}

const AT_A: Entry[] = [
  { filename: "deploy/app.yaml", status: "modified", sha: "1".repeat(40), patch: "@@ -1 +1 @@\n-a\n+b" },
  { filename: "deploy/svc.yaml", status: "added", sha: "2".repeat(40), patch: "@@ -0,0 +1 @@\n+c" },
  {
    filename: "deploy/new.yaml",
    previous_filename: "deploy/old.yaml",
    status: "renamed",
    sha: "3".repeat(40),
  },
];
const AT_B: Entry[] = [
  { filename: "README.md", status: "modified", sha: "4".repeat(40), patch: "@@ -1 +1 @@\n-x\n+y" },
  { filename: "docs/a.md", status: "added", sha: "5".repeat(40), patch: "@@ -0,0 +1 @@\n+z" },
  { filename: "docs/b.md", status: "added", sha: "6".repeat(40), patch: "@@ -0,0 +1 @@\n+w" },
];

const PR: PullRequestRef = { owner: "o", repo: "r", number: 2, baseSha: BASE, headSha: A, author: "ada" };

const asListed = (entries: Entry[]) =>
  entries.map((e) => ({
    filename: e.filename,
    previousFilename: e.previous_filename,
    status: e.status,
    patch: e.patch,
    sha: e.sha,
  }));

describe("listPullFiles", () => {
  let github: ScriptedGitHub;
  /** The pull request's head commit, as GitHub has it now. */
  let head: string;
  let compared: Record<string, Entry[]>;
  /** Called after each page of the file listing is served (a push may land there). */
  let afterPage: (page: number) => void;

  beforeEach(async () => {
    github = await scriptedGitHub();
    head = A;
    compared = { [`${BASE}...${A}`]: AT_A, [`${BASE}...${B}`]: AT_B };
    afterPage = () => {};
    github.on("GET /repos/o/r/pulls/2", (_req, res) => json(res, 200, { number: 2, head: { sha: head } }));
    github.on("GET /repos/o/r/pulls/2/files", (_req, res: ServerResponse, url) => {
      const page = Number(url.searchParams.get("page") ?? "1");
      const files = (head === A ? AT_A : AT_B).slice((page - 1) * PAGE, page * PAGE);
      const last = page * PAGE >= (head === A ? AT_A : AT_B).length;
      const next = `${github.baseUrl}/repos/o/r/pulls/2/files?per_page=100&page=${page + 1}`;
      json(res, 200, files, last ? {} : { link: `<${next}>; rel="next"` });
      afterPage(page);
    });
    for (const basehead of Object.keys(compared)) {
      github.on(`GET /repos/o/r/compare/${basehead}`, (_req, res) => {
        json(res, 200, {
          status: "ahead",
          merge_base_commit: { sha: BASE },
          commits: [],
          files: compared[basehead],
        });
      });
    }
  });

  afterEach(async () => {
    await github.close();
  });

  const requests = () => github.arrivals.map((a) => `${a.method} ${a.url.replace(/\?.*/, "")}`);
  const LISTED = ["GET /repos/o/r/pulls/2/files", "GET /repos/o/r/pulls/2/files", "GET /repos/o/r/pulls/2"];
  const added = (count: number): Entry[] =>
    Array.from({ length: count }, (_, i) => ({
      filename: `deploy/${i}.yaml`,
      status: "added",
      sha: "7".repeat(40),
    }));

  it("lists the pull request's files, every page, and checks they are the reviewed commit's", async () => {
    const files = await listPullFiles(await installationClient(github.baseUrl), PR);
    expect(files).toEqual(asListed(AT_A));
    expect(requests()).toEqual(LISTED);
  });

  it("a push while the files are listed: the reviewed commit's files, not a mix of both", async () => {
    afterPage = (page) => {
      if (page === 1) head = B;
    };
    const files = await listPullFiles(await installationClient(github.baseUrl), PR);
    expect(files).toEqual(asListed(AT_A));
    expect(requests()).toEqual([...LISTED, `GET /repos/o/r/compare/${BASE}...${A}`]);
    // A paging parameter keeps the comparison's commit list to one page.
    expect(github.arrivals.at(-1)?.url).toMatch(/[?&]per_page=1(&|$)/);
  });

  it("a pull request that moved on before its older commit was reviewed: that commit's files", async () => {
    head = B;
    const files = await listPullFiles(await installationClient(github.baseUrl), PR);
    expect(files).toEqual(asListed(AT_A));
    // And the newer commit's review sees its own.
    const newer = await listPullFiles(await installationClient(github.baseUrl), { ...PR, headSha: B });
    expect(newer).toEqual(asListed(AT_B));
  });

  it("fails closed when the older commit changes more files than GitHub compares", async () => {
    head = B;
    compared[`${BASE}...${A}`] = added(300);
    const error = await listPullFiles(await installationClient(github.baseUrl), PR).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleHeadFilesError);
    expect((error as Error).message).toBe(
      "the pull request moved on to ccccccc and aaaaaaa changes 300 files or more: GitHub compares no more, so it cannot be reviewed whole",
    );
  });

  it("299 compared files are all there is: reviewed", async () => {
    head = B;
    compared[`${BASE}...${A}`] = added(299);
    const files = await listPullFiles(await installationClient(github.baseUrl), PR);
    expect(files).toHaveLength(299);
  });
});
