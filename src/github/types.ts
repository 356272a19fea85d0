import type { ProbotOctokit } from "probot";

/** The authenticated client of one installation (an installation token). */
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

/** The part of a pino logger the shell writes to (Probot's `app.log` and `context.log` are ones). */
export interface Log {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/**
 * Reads `.github/<fileName>` of a repository's default branch the way Probot's `context.config` does
 * (`_extends`, the owner's `.github` repository); null when there is none.
 */
export type ConfigReader = (fileName: string) => Promise<Record<string, unknown> | null>;

/** What a review needs of GitHub, without a webhook: a client, a log, and the configuration. */
export interface GitHubSession {
  octokit: Octokit;
  log: Log;
  readConfig: ConfigReader;
}

/**
 * Mutual exclusion per key across every worker that shares it (a Redis lock with several replicas, a
 * mutex in one process): `fn` runs while no other holder of `key` runs.
 */
export interface PublishLock {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}
