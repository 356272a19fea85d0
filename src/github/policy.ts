// The policy that judges a pull request: the pack, plus the repository's .github/kubedelta.yml read
// from the DEFAULT branch (Probot's context.config; `_extends` and the organisation's .github
// repository work), never from the PR head: a PR cannot switch off the checks that judge it.

import { Context } from "probot";
import { buildPolicy, defaultPackLayer } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import type { ConfigReader, Log, Octokit, RepoRef } from "./types.js";

export const CONFIG_FILE = "kubedelta.yml";

export async function loadRepositoryPolicy(readConfig: ConfigReader): Promise<Policy> {
  const data = await readConfig(CONFIG_FILE);
  return buildPolicy([defaultPackLayer(), { source: `.github/${CONFIG_FILE}`, data }]);
}

/**
 * The configuration of `repo` as Probot reads it for a webhook, for a worker that has no webhook: a
 * Probot Context over the repository alone, so `_extends`, the owner's `.github` repository and the
 * merging are Probot's own. `deliveryId` tags the requests as the event's would be.
 */
export function probotConfigReader(
  octokit: Octokit,
  repo: RepoRef,
  log: Log,
  deliveryId: string,
): ConfigReader {
  const payload = { repository: { name: repo.repo, owner: { login: repo.owner } } };
  const context = new Context(
    { id: deliveryId, name: "pull_request", payload } as never,
    octokit,
    log as never,
  );
  return (fileName) => context.config<Record<string, unknown>>(fileName);
}
