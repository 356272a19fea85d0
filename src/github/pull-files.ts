// The files a pull request changes at the commit under review. GitHub lists a pull request's files at
// its current head (paginated, at most 3,000); when the pull request moved on while this commit was
// waiting or being listed (an `opened` and a `synchronize` handled at once), that list is another
// commit's, and a check on this commit must not be judged by it. Then the commit's own files come from
// the comparison base...head, three dots: against the merge base, as a pull request's diff is.

import type { PullFile as ReviewedFile } from "../report/review-comments.js";
import type { Octokit, PullRequestRef } from "./types.js";

/** GitHub lists at most this many files of a pull request; a larger one cannot be seen whole. */
export const GITHUB_MAX_LISTED_FILES = 3000;

/**
 * "The list of changed files is only shown on the first page of results, and it includes up to 300
 * changed files for the entire comparison" (REST docs, "Compare two commits"): at this many, some
 * may be missing, and nothing says which.
 */
export const GITHUB_MAX_COMPARED_FILES = 300;

/** A file as the review needs it (its paths, status and patch), with its head blob's sha. */
export interface PullFile extends ReviewedFile {
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  /** Blob sha of the head version ("" or absent for removed files). */
  sha?: string;
}

/** The files of a commit the pull request has moved on from could not all be listed. */
export class StaleHeadFilesError extends Error {
  constructor(pr: PullRequestRef, currentHead: string) {
    super(
      `the pull request moved on to ${currentHead.slice(0, 7)} and ${pr.headSha.slice(0, 7)} changes ` +
        `${GITHUB_MAX_COMPARED_FILES} files or more: GitHub compares no more, so it cannot be reviewed whole`,
    );
    this.name = "StaleHeadFilesError";
  }
}

interface DiffEntry {
  filename: string;
  previous_filename?: string;
  status: PullFile["status"];
  patch?: string;
  sha: string | null;
}

function pullFile(file: DiffEntry): PullFile {
  return {
    filename: file.filename,
    previousFilename: file.previous_filename,
    status: file.status,
    patch: file.patch,
    sha: file.sha || undefined,
  };
}

async function currentHead(octokit: Octokit, pr: PullRequestRef): Promise<string> {
  const { data } = await octokit.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
  return data.head.sha;
}

/** The files `pr.headSha` changes against its merge base with `pr.baseSha`. */
async function comparedFiles(octokit: Octokit, pr: PullRequestRef, head: string): Promise<PullFile[]> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: pr.owner,
    repo: pr.repo,
    basehead: `${pr.baseSha}...${pr.headSha}`,
    // Any paging parameter keeps the commit list to one page; the files come whole on page 1.
    per_page: 1,
  });
  const files = data.files ?? [];
  if (files.length >= GITHUB_MAX_COMPARED_FILES) throw new StaleHeadFilesError(pr, head);
  return files.map(pullFile);
}

/**
 * The files `pr` changes at `pr.headSha`. Listed at the pull request's head, then checked against it:
 * if the head is another commit once the listing is done, the listing may be that commit's (or a mix
 * of both, across pages), so the files of `pr.headSha` are compared instead.
 */
export async function listPullFiles(octokit: Octokit, pr: PullRequestRef): Promise<PullFile[]> {
  const listed = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.number,
    per_page: 100,
  });
  const head = await currentHead(octokit, pr);
  return head === pr.headSha ? listed.map(pullFile) : comparedFiles(octokit, pr, head);
}
