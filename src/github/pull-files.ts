// The files a pull request changes, as GitHub lists them (paginated, at most 3,000).

import type { PullFile as ReviewedFile } from "../report/review-comments.js";
import type { Octokit, PullRequestRef } from "./types.js";

/** GitHub lists at most this many files of a pull request; a larger one cannot be seen whole. */
export const GITHUB_MAX_LISTED_FILES = 3000;

/** A file as the review needs it (its paths, status and patch), with its head blob's sha. */
export interface PullFile extends ReviewedFile {
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  /** Blob sha of the head version ("" or absent for removed files). */
  sha?: string;
}

export async function listPullFiles(octokit: Octokit, pr: PullRequestRef): Promise<PullFile[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.number,
    per_page: 100,
  });
  return files.map((file) => ({
    filename: file.filename,
    previousFilename: file.previous_filename,
    status: file.status,
    patch: file.patch,
    sha: file.sha || undefined,
  }));
}
