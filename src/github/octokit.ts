// The GitHub client class for Probot: Probot's own (throttling, retries, pagination, REST methods)
// with KubeDelta's request limits installed on every client it makes, the App's and each
// installation's alike, so that no caller can forget them. Hand it to Probot as `Octokit`.

import { ProbotOctokit } from "probot";
import { withRequestTimeout } from "./timeouts.js";
import type { Octokit } from "./types.js";

/**
 * ProbotOctokit whose every instance has the request deadline on the wire and the rate-limit retries
 * (withRequestTimeout, with KUBEDELTA_REQUEST_TIMEOUT_MS and the KUBEDELTA_RATE_LIMIT_* budget). A bad
 * value of those variables stops the first client from being made, so Probot does not start.
 */
export const LimitedOctokit = ProbotOctokit.plugin((octokit) => {
  withRequestTimeout(octokit as unknown as Octokit);
  return {};
});
