import type { ProbotOctokit } from "probot";

/** The authenticated client Probot hands each event (an installation token). */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** The HTTP status GitHub answered a failed request with, if it answered at all. */
export function httpStatus(error: unknown): number | undefined {
  const status =
    typeof error === "object" && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === "number" ? status : undefined;
}

/** The repository a pull request targets. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** What the shell needs to know about the pull request under review. */
export interface PullRequestRef extends RepoRef {
  number: number;
  baseSha: string;
  headSha: string;
  /** Login of the pull request's author (who may not approve its own risks by default). */
  author: string;
}
