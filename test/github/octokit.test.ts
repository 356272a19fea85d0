// LimitedOctokit handed to Probot: every client Probot makes has the request limits, with no call to
// withRequestTimeout; a bad setting keeps Probot from starting.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LimitedOctokit } from "../../src/github/octokit.js";
import { RequestTimeoutError } from "../../src/github/timeouts.js";
import { installationClient, json, type ScriptedGitHub, scriptedGitHub } from "./scripted-github.js";

const KNOBS = [
  "KUBEDELTA_REQUEST_TIMEOUT_MS",
  "KUBEDELTA_RATE_LIMIT_RETRIES",
  "KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS",
];

describe("LimitedOctokit", () => {
  let github: ScriptedGitHub;

  beforeEach(async () => {
    github = await scriptedGitHub();
    process.env.KUBEDELTA_REQUEST_TIMEOUT_MS = "200";
    process.env.KUBEDELTA_RATE_LIMIT_RETRIES = "1";
    process.env.KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS = "1000";
  });

  afterEach(async () => {
    for (const knob of KNOBS) delete process.env[knob];
    await github.close();
  });

  it("gives an installation's client the deadline from the environment", async () => {
    github.on("GET /repos/o/r", () => {}); // never answers
    const octokit = await installationClient(github.baseUrl, { Octokit: LimitedOctokit });
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe("GET /repos/{owner}/{repo} did not answer within 200 ms");
  });

  it("and the rate-limit budget from the environment", async () => {
    github.on("GET /repos/o/r", (_req, res) =>
      json(res, 403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "0.05" }),
    );
    const octokit = await installationClient(github.baseUrl, { Octokit: LimitedOctokit });
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "GitHub's secondary rate limit: retried 1 time over 0.1 s (GET /repos/{owner}/{repo})",
    );
    expect(github.arrivals).toHaveLength(2);
  });

  it("a bad setting keeps Probot from making any client", async () => {
    process.env.KUBEDELTA_RATE_LIMIT_RETRIES = "many";
    const error = await installationClient(github.baseUrl, { Octokit: LimitedOctokit }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'KUBEDELTA_RATE_LIMIT_RETRIES must be a whole number of 0 or more, not "many"',
    );
  });
});
