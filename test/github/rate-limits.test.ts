import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_RATE_LIMIT_BUDGET,
  RateLimitError,
  rateLimitBudget,
  rateLimitOf,
} from "../../src/github/rate-limits.js";
import { withRequestTimeout } from "../../src/github/timeouts.js";
import type { Octokit } from "../../src/github/types.js";
import { installationClient, json, type ScriptedGitHub, scriptedGitHub } from "./scripted-github.js";

const SECONDARY =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ABCD:1234.";
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A failed request as @octokit/request reports it. */
function answered(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { status, headers, data: { message } } });
}

describe("what a rate-limited answer says", () => {
  const cases: [string, unknown, ReturnType<typeof rateLimitOf>][] = [
    [
      "a secondary limit with retry-after",
      answered(403, SECONDARY, { "retry-after": "30" }),
      { kind: "secondary", waitMs: 30_000 },
    ],
    [
      "a 429 with retry-after",
      answered(429, "Too Many Requests", { "retry-after": "5" }),
      { kind: "secondary", waitMs: 5_000 },
    ],
    [
      "retry-after as an HTTP date",
      answered(403, SECONDARY, { "retry-after": new Date(NOW + 12_000).toUTCString() }),
      { kind: "secondary", waitMs: 12_000 },
    ],
    [
      "a secondary limit with x-ratelimit-remaining 0: until after the reset",
      answered(403, SECONDARY, {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(NOW / 1000 + 20),
      }),
      { kind: "secondary", waitMs: 21_000 },
    ],
    [
      "a secondary limit saying nothing more: a minute",
      answered(403, SECONDARY),
      { kind: "secondary", waitMs: 60_000 },
    ],
    [
      "the older wording of the secondary limit",
      answered(403, "You have triggered an abuse detection mechanism."),
      { kind: "secondary", waitMs: 60_000 },
    ],
    [
      "the primary limit used up",
      answered(403, "API rate limit exceeded for installation ID 1.", {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(NOW / 1000 + 100),
      }),
      { kind: "primary", waitMs: 101_000 },
    ],
    ["a permission refused", answered(403, "Resource not accessible by integration"), undefined],
    ["a 403 with requests left", answered(403, "Forbidden", { "x-ratelimit-remaining": "4999" }), undefined],
    ["another status", answered(404, "Not Found", { "retry-after": "1" }), undefined],
    ["a request that never got an answer", new Error("socket hang up"), undefined],
    ["not an error at all", "rate limit", undefined],
  ];
  for (const [name, error, expected] of cases) {
    it(name, () => {
      expect(rateLimitOf(error, NOW)).toEqual(expected);
    });
  }
});

describe("the rate-limit budget from the environment", () => {
  it("has a default: a few retries within a minute", () => {
    expect(rateLimitBudget({})).toEqual(DEFAULT_RATE_LIMIT_BUDGET);
    expect(DEFAULT_RATE_LIMIT_BUDGET).toEqual({ retries: 3, maxWaitMs: 60_000 });
  });

  it("reads both knobs; 0 retries turns retrying off", () => {
    const env = { KUBEDELTA_RATE_LIMIT_RETRIES: "0", KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS: "120000" };
    expect(rateLimitBudget(env)).toEqual({ retries: 0, maxWaitMs: 120_000 });
  });

  it("refuses a value that is not a whole number", () => {
    expect(() => rateLimitBudget({ KUBEDELTA_RATE_LIMIT_RETRIES: "lots" })).toThrow(
      'KUBEDELTA_RATE_LIMIT_RETRIES must be a whole number of 0 or more, not "lots"',
    );
    expect(() => rateLimitBudget({ KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS: "-1" })).toThrow(
      'KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS must be a whole number of 0 or more, not "-1"',
    );
  });
});

// Probot's client as production builds it (throttling and plugin-retry on), against a GitHub that
// answers with rate limits. Waits are fractions of a second: GitHub's retry-after is honoured as sent.
describe("rate-limited requests are retried within the budget", () => {
  let github: ScriptedGitHub;

  beforeEach(async () => {
    github = await scriptedGitHub();
  });

  afterEach(async () => {
    await github.close();
  });

  /** Answers `route` with `limited` for the first `times` requests (all when undefined), then `ok`. */
  function limitedThenOk(
    route: string,
    limited: (n: number) => [number, unknown, Record<string, string>],
    times?: number,
  ) {
    let n = 0;
    github.on(route, (_req, res) => {
      n += 1;
      if (times === undefined || n <= times) json(res, ...limited(n));
      else json(res, route.startsWith("POST") ? 201 : 200, { id: 1, name: "r" });
    });
  }

  const secondary = (after: string) => (): [number, unknown, Record<string, string>] => [
    403,
    { message: SECONDARY, documentation_url: "https://docs.github.com/rest" },
    { "retry-after": after },
  ];

  async function client(budget = { retries: 3, maxWaitMs: 5_000 }): Promise<Octokit> {
    return withRequestTimeout(await installationClient(github.baseUrl), 2_000, budget);
  }

  const gaps = () => github.arrivals.slice(1).map((a, i) => a.at - github.arrivals[i].at);

  it("Probot's own client gives up on a secondary limit at once (why 0 of 11 were retried)", async () => {
    limitedThenOk("GET /repos/o/r", secondary("0.1"), 1);
    const probotAlone = await installationClient(github.baseUrl);
    const error = await probotAlone.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(403);
    expect(github.arrivals).toHaveLength(1);
  });

  it("a write refused by the secondary limit is sent again and goes through", async () => {
    limitedThenOk("POST /repos/o/r/check-runs", secondary("0.1"), 1);
    const octokit = await client();
    const { status } = await octokit.rest.checks.create({
      owner: "o",
      repo: "r",
      name: "k",
      head_sha: "a".repeat(40),
    });
    expect(status).toBe(201);
    expect(github.arrivals.map((a) => a.method)).toEqual(["POST", "POST"]);
  });

  it("waits as long as retry-after says, then twice as long each time the limit persists", async () => {
    limitedThenOk("GET /repos/o/r", secondary("0.15"), 2);
    const octokit = await client();
    const { data } = await octokit.rest.repos.get({ owner: "o", repo: "r" });
    expect(data.name).toBe("r");
    const [first, second] = gaps();
    expect(gaps()).toHaveLength(2);
    expect(first).toBeGreaterThanOrEqual(145);
    expect(second).toBeGreaterThanOrEqual(295);
  });

  it("gives up after the budget's retries with an error that says so", async () => {
    limitedThenOk("GET /repos/o/r", secondary("0.1"));
    const octokit = await client({ retries: 2, maxWaitMs: 5_000 });
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toBe(
      "GitHub's secondary rate limit: retried 2 times over 0.3 s (GET /repos/{owner}/{repo})",
    );
    expect((error as RateLimitError).status).toBe(403);
    expect(github.arrivals).toHaveLength(3);
  });

  it("does not start a wait that would overrun the budget's time", async () => {
    limitedThenOk("GET /repos/o/r", secondary("0.2"));
    const octokit = await client({ retries: 5, maxWaitMs: 500 });
    const started = performance.now();
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    // 0.2 s waited; the next wait (0.4 s) would end past 0.5 s, so it fails at once.
    expect((error as Error).message).toBe(
      "GitHub's secondary rate limit: retried 1 time over 0.2 s (GET /repos/{owner}/{repo})",
    );
    expect(github.arrivals).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(550);
  });

  it("a 429 waits as GitHub asks, not at plugin-retry's fixed pace", async () => {
    limitedThenOk("GET /repos/o/r", () => [429, { message: "Too Many Requests" }, { "retry-after": "0.1" }]);
    const octokit = await client({ retries: 1, maxWaitMs: 5_000 });
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    // One retry, ours: plugin-retry would have sent three more of its own, 1, 4 and 9 s apart.
    expect(github.arrivals).toHaveLength(2);
  });

  it("a 403 that is no rate limit fails at once with GitHub's message", async () => {
    github.on("GET /repos/o/r", (_req, res) =>
      json(res, 403, { message: "Resource not accessible by integration" }),
    );
    const octokit = await client();
    const error = await octokit.rest.repos.get({ owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect((error as { status: number }).status).toBe(403);
    expect((error as Error).message).toMatch(/^Resource not accessible by integration/);
    expect(github.arrivals).toHaveLength(1);
  });
});
