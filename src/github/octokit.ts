// The GitHub client class for Probot: Probot's own (throttling, retries, pagination, REST methods)
// with KubeDelta's request limits installed on every client it makes, the App's and each
// installation's alike, so that no caller can forget them, and the throttle's groups redrawn within
// GitHub's documented limits (throttle-groups.ts). Hand it to Probot as `Octokit`.

import { ProbotOctokit } from "probot";
import { withThrottleGroups } from "./throttle-groups.js";
import { withRequestTimeout } from "./timeouts.js";
import type { Octokit } from "./types.js";

type Options = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * ProbotOctokit whose every instance has the request deadline on the wire and the rate-limit retries
 * (withRequestTimeout, with KUBEDELTA_REQUEST_TIMEOUT_MS and the KUBEDELTA_RATE_LIMIT_* budget), and
 * whose throttle spaces writes one second apart and GraphQL queries 40 ms apart per installation,
 * across replicas with REDIS_URL (withThrottleGroups). A bad value of those variables stops the first
 * client from being made, so Probot does not start.
 */
export const LimitedOctokit = ProbotOctokit.plugin((octokit) => {
  withRequestTimeout(octokit as unknown as Octokit);
  return {};
}).defaults((options: Options) => ({
  ...options,
  throttle: withThrottleGroups(options.throttle) as Options["throttle"],
}));
