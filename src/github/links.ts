// Links from the check-run summary to the lines it names: the file at the pull request's head
// commit (or at its base, for something the change removed), on the GitHub the app talks to
// (github.com, or a GitHub Enterprise Server host).

import type { LineLocation } from "../report/markdown.js";
import type { Octokit, RepoRef } from "./types.js";

/** `https://github.com` for api.github.com; `https://ghe.example.com` for `…/api/v3`. */
export function webUrlOf(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.hostname === "api.github.com") return "https://github.com";
  // GitHub Enterprise Server serves its REST API under /api/v3 of the web host.
  const path = url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/$/, "");
  return `${url.protocol}//${url.host}${path}`;
}

/** The commits the two sides were read at: the head, and the merge base the change is diffed from. */
export interface ReadCommits {
  base: string;
  head: string;
}

/** The link to a finding's line, pinned to the commit it was read from. */
export function lineUrls(
  webUrl: string,
  repo: RepoRef,
  commits: ReadCommits,
): (location: LineLocation) => string {
  const repository = `${webUrl}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
  return ({ file, line, side }) => {
    const sha = side === "base" ? commits.base : commits.head;
    const path = file.split("/").map(encodeURIComponent).join("/");
    return `${repository}/blob/${sha}/${path}#L${line}`;
  };
}

/** lineUrls for the GitHub `octokit` talks to. */
export function pullRequestLineUrls(
  octokit: Octokit,
  repo: RepoRef,
  commits: ReadCommits,
): (location: LineLocation) => string {
  return lineUrls(webUrlOf(octokit.request.endpoint.DEFAULTS.baseUrl), repo, commits);
}
