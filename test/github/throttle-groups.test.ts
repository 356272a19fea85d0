// The throttle's spacing, as a real Probot client (throttling and retries on) sends to a GitHub on
// 127.0.0.1: GraphQL queries are not held one second apart, REST writes and GraphQL mutations are,
// and a review is not held three seconds; with Redis, replicas of one installation share the
// spacing and other installations do not wait for it.

import type { IncomingMessage, ServerResponse } from "node:http";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LimitedOctokit } from "../../src/github/octokit.js";
import {
  onlyQueries,
  requestKind,
  WRITE_SPACING_MS,
  withThrottleGroups,
} from "../../src/github/throttle-groups.js";
import type { Octokit } from "../../src/github/types.js";
import { RedisServer, SKIP_REDIS } from "../queue/redis-server.js";
import {
  type Arrival,
  installationClient,
  json,
  type ScriptedGitHub,
  scriptedGitHub,
} from "./scripted-github.js";

// Timers fire a little early or late; the spacing is checked with this much slack.
const SLACK_MS = 60;

const QUERY = 'query($owner: String!) { repository(owner: $owner, name: "r") { id } }';
const MUTATION = 'mutation { resolveReviewThread(input: { threadId: "T1" }) { thread { id } } }';

describe("requestKind", () => {
  it("tells reads, GraphQL queries and writes apart", () => {
    expect(requestKind({ method: "GET", url: "/repos/o/r" })).toBe("read");
    expect(requestKind({ method: "POST", url: "/repos/o/r/check-runs" })).toBe("write");
    expect(requestKind({ method: "PATCH", url: "/repos/o/r/check-runs/1" })).toBe("write");
    expect(requestKind({ method: "POST", url: "/graphql", query: QUERY })).toBe("query");
    expect(requestKind({ method: "POST", url: "/graphql", data: { query: QUERY } })).toBe("query");
    expect(requestKind({ method: "POST", url: "https://ghe.example/api/graphql", query: QUERY })).toBe(
      "query",
    );
    expect(requestKind({ method: "POST", url: "/graphql", query: MUTATION })).toBe("write");
    // A GraphQL request whose document it cannot see is spaced as a write.
    expect(requestKind({ method: "POST", url: "/graphql" })).toBe("write");
  });

  it("takes a document for a query only when no operation in it changes anything", () => {
    expect(onlyQueries("{ viewer { login } }")).toBe(true);
    expect(onlyQueries("query Q { viewer { login } } fragment F on Mutation { x }")).toBe(true);
    // `mutation` inside a selection set is a field, in a comment or a string it is text.
    expect(onlyQueries("{ mutation { id } }")).toBe(true);
    expect(onlyQueries("# mutation {\nquery { a }")).toBe(true);
    expect(onlyQueries('query($s: String = "} mutation {") { a(s: $s) }')).toBe(true);
    expect(onlyQueries('query { a(s: """ } \\""" mutation { """) }')).toBe(true);
    expect(onlyQueries("query A { a } mutation B { b }")).toBe(false);
    expect(onlyQueries("subscription { a }")).toBe(false);
    expect(onlyQueries("mutation($t: ID!){r: resolveReviewThread(input:{threadId:$t}){thread{id}}}")).toBe(
      false,
    );
    // What it cannot follow is a write: an unbalanced brace, a string that does not end.
    expect(onlyQueries("{ a } } mutation { b }")).toBe(false);
    expect(onlyQueries('query { a(s: "x) }')).toBe(false);
  });

  it("leaves a disabled throttle disabled", () => {
    const off = { enabled: false };
    expect(withThrottleGroups(off)).toBe(off);
  });
});

/** Answers every route the tests send (`repos` of owner o). */
function scriptRoutes(github: ScriptedGitHub, repos: string[]) {
  const ok = (_req: IncomingMessage, res: ServerResponse) => json(res, 200, { id: 1 });
  github.on("GET /meta", (_req, res) => json(res, 200, {}));
  github.on("POST /graphql", (_req, res) => json(res, 200, { data: { repository: { id: "R" } } }));
  for (const repo of repos) {
    github.on(`GET /repos/o/${repo}`, ok);
    github.on(`POST /repos/o/${repo}/check-runs`, ok);
    github.on(`PATCH /repos/o/${repo}/check-runs/1`, ok);
    for (const pr of [1, 2]) github.on(`POST /repos/o/${repo}/pulls/${pr}/reviews`, ok);
  }
}

const query = (octokit: Octokit) => octokit.graphql(QUERY, { owner: "o" });
const mutation = (octokit: Octokit) => octokit.graphql(MUTATION);
const review = (octokit: Octokit, repo: string, pull_number: number) =>
  octokit.rest.pulls.createReview({ owner: "o", repo, pull_number, event: "COMMENT", body: "b" });
const createCheck = (octokit: Octokit, repo: string) =>
  octokit.rest.checks.create({ owner: "o", repo, name: "kubedelta", head_sha: "a".repeat(40) });

/** Milliseconds from `started` to each later arrival that `matches`, in order. */
function timesOf(arrivals: Arrival[], started: number, matches: (a: Arrival) => boolean): number[] {
  return arrivals.filter((a) => a.at >= started && matches(a)).map((a) => a.at - started);
}

/**
 * An installation's client that has its installation token already: the first request fetches it
 * after taking its turn in the throttle, which would shorten the gap to the next one on the wire.
 */
async function readyClient(...args: Parameters<typeof installationClient>): Promise<Octokit> {
  const octokit = await installationClient(...args);
  await octokit.request("GET /meta");
  return octokit;
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

const isWrite = (a: Arrival) => a.method !== "GET" && a.url !== "/graphql";

describe("spacing of one installation's requests", () => {
  let github: ScriptedGitHub;

  beforeEach(async () => {
    github = await scriptedGitHub();
    scriptRoutes(github, ["r"]);
  });

  afterEach(async () => {
    await github.close();
  });

  it("sends GraphQL queries and reads at once; a REST write and a GraphQL mutation keep one second apart", async () => {
    const octokit = await readyClient(github.baseUrl, { Octokit: LimitedOctokit });
    const started = performance.now();
    await Promise.all([
      createCheck(octokit, "r"),
      mutation(octokit),
      ...Array.from({ length: 6 }, () => query(octokit)),
      octokit.rest.repos.get({ owner: "o", repo: "r" }),
    ]);
    // The queries are the first six of the seven GraphQL requests: the mutation waits its turn.
    const graphql = timesOf(github.arrivals, started, (a) => a.url === "/graphql").sort((a, b) => a - b);
    expect(graphql).toHaveLength(7);
    const [queries, last] = [graphql.slice(0, 6), graphql[6]];
    // Six one second apart (the plugin's own write group) would take five seconds.
    expect(
      Math.max(...queries, ...timesOf(github.arrivals, started, (a) => a.method === "GET")),
    ).toBeLessThan(WRITE_SPACING_MS / 2);
    const writes = [...timesOf(github.arrivals, started, isWrite), last].sort((a, b) => a - b);
    expect(gaps(writes)[0]).toBeGreaterThanOrEqual(WRITE_SPACING_MS - SLACK_MS);
  });

  it("holds a review one second after another, not three", async () => {
    const octokit = await readyClient(github.baseUrl, { Octokit: LimitedOctokit });
    const started = performance.now();
    await Promise.all([review(octokit, "r", 1), review(octokit, "r", 2)]);
    const reviews = timesOf(github.arrivals, started, isWrite);
    expect(reviews).toHaveLength(2);
    expect(gaps(reviews)[0]).toBeGreaterThanOrEqual(WRITE_SPACING_MS - SLACK_MS);
    // The plugin held them three seconds apart, which GitHub does not ask.
    expect(gaps(reviews)[0]).toBeLessThan(WRITE_SPACING_MS * 1.5);
  });
});

describe.skipIf(SKIP_REDIS)("spacing shared through Redis (REDIS_URL)", () => {
  let redis: RedisServer;
  let github: ScriptedGitHub;

  beforeAll(async () => {
    redis = await RedisServer.start();
    github = await scriptedGitHub();
    scriptRoutes(github, ["one", "other"]);
  });

  afterAll(async () => {
    await github?.close();
    await redis?.stop();
  });

  it("replicas of one installation share its write spacing; another installation does not wait", async () => {
    const client = (installation: number) =>
      readyClient(github.baseUrl, { redisConfig: redis.url, installation, Octokit: LimitedOctokit });
    // Two replicas (each its own Probot and Redis connection) for installation 501, one for 502.
    const [first, second, other] = await Promise.all([client(501), client(501), client(502)]);
    const started = performance.now();
    await Promise.all([
      review(first, "one", 1),
      review(second, "one", 2),
      ...Array.from({ length: 4 }, () => query(second)),
      createCheck(other, "other"),
      review(other, "other", 1),
    ]);
    const shared = timesOf(github.arrivals, started, (a) => isWrite(a) && a.url.startsWith("/repos/o/one/"));
    expect(shared).toHaveLength(2);
    for (const gap of gaps(shared)) expect(gap).toBeGreaterThanOrEqual(WRITE_SPACING_MS - SLACK_MS);
    const queries = timesOf(github.arrivals, started, (a) => a.url === "/graphql");
    expect(Math.max(...queries)).toBeLessThan(WRITE_SPACING_MS / 2);
    // Installation 502's writes keep their own one second, not behind 501's.
    const apart = timesOf(github.arrivals, started, (a) => isWrite(a) && a.url.startsWith("/repos/o/other/"));
    expect(apart).toHaveLength(2);
    expect(apart[0]).toBeLessThan(WRITE_SPACING_MS / 2);
    expect(gaps(apart)[0]).toBeGreaterThanOrEqual(WRITE_SPACING_MS - SLACK_MS);
    expect(apart[1]).toBeLessThan(WRITE_SPACING_MS * 1.5);
    // What they shared is kept in Redis (each replica has its own groups, on its own connection).
    const keys = new Redis(redis.url);
    const kept = await keys.keys("b_*-501_settings");
    keys.disconnect();
    expect(kept.sort()).toEqual([
      "b_kubedelta-graphql-queries-501_settings",
      "b_octokit-global-501_settings",
      "b_octokit-write-501_settings",
    ]);
  });
});
