// Where Probot's throttle (@octokit/plugin-throttling) spaces an installation's requests, redrawn
// within what GitHub documents. The plugin queues every non-GET request and every GraphQL request,
// reads included, in its `write` group (one at a time, one second apart per installation), and
// writes to review and comment routes also in its `notifications` group (three seconds apart). A
// burst of reviews waited there: each review's GraphQL blob reads took write turns, and each review
// three seconds more. What GitHub documents:
//
// - "If you are making a large number of POST, PATCH, PUT, or DELETE requests, wait at least one
//   second between each request." (docs.github.com/rest/guides/best-practices-for-using-the-rest-api,
//   "Pause between mutative requests")
// - "No more than 2,000 points per minute are allowed for the GraphQL API endpoint", a GraphQL
//   request without mutations costing 1 point and one with mutations 5; "In general, no more than 80
//   content-generating requests per minute and no more than 500 content-generating requests per
//   hour are allowed." (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "About
//   secondary rate limits", "Calculating points for the secondary rate limit")
//
// Nothing there asks three seconds between requests that notify: one second apart is at most 60
// content-generating requests a minute, under 80. A GraphQL query creates nothing and is no mutative
// request. So here REST writes and GraphQL mutations keep one second between them; GraphQL queries
// only keep the GraphQL budget: 60 mutations a minute cost 300 points, leaving 1,700 for queries, so
// queries go 40 ms apart (1,500 a minute). The 500 an hour is not spaced for: one second apart would
// not keep to it either, and the hour's wait is better left to GitHub's answer, which rate-limits.ts
// waits out within its budget.
//
// The plugin decides a request's groups from its method and path, and cannot tell a query from a
// mutation (that is in the body), so its `write` and `notifications` groups are handed groups that
// hold nothing, and its `global` group (every request passes it, with its options) one that first
// takes the spacing the request's kind needs. Like the plugin's own, the groups are kept per
// installation (the throttle id Probot gives an installation's client) and shared by every client of
// the process; with REDIS_URL they live in Redis on Probot's connection, so that every replica
// spends one budget per installation. The write and global groups keep the plugin's ids: replicas
// of an older KubeDelta share them too.

import Bottleneck from "bottleneck";

/** Between two REST writes or GraphQL mutations of one installation. */
export const WRITE_SPACING_MS = 1_000;
/** Between two GraphQL queries of one installation. */
export const QUERY_SPACING_MS = 40;
/** The plugin's concurrency per installation. */
const CONCURRENT_REQUESTS = 10;
/** The plugin's default time to keep a group's state in Redis (2 minutes). */
const DEFAULT_TIMEOUT_MS = 120_000;

/** How a request is spaced. */
export type RequestKind = "read" | "query" | "write";

/** The part of a request's options that tells its kind. */
interface RequestOptions {
  method?: string;
  url?: string;
  query?: unknown;
  data?: unknown;
}

/** The GraphQL endpoint: /graphql, or /api/graphql on GitHub Enterprise Server. */
const GRAPHQL_PATH = /^(\/api)?\/graphql$/;

/** Keywords that begin an operation that changes something. */
const CHANGING_OPERATIONS = new Set(["mutation", "subscription"]);

/** Index just past the string that starts at `start` (a `"` or `"""`), or -1 when it never ends. */
function skipString(document: string, start: number): number {
  if (document.startsWith('"""', start)) {
    let i = start + 3;
    for (;;) {
      const end = document.indexOf('"""', i);
      if (end < 0) return -1;
      if (document[end - 1] !== "\\") return end + 3;
      i = end + 3;
    }
  }
  for (let i = start + 1; i < document.length; i++) {
    if (document[i] === "\\") i++;
    else if (document[i] === '"') return i + 1;
    else if (document[i] === "\n") return -1;
  }
  return -1;
}

/**
 * Whether a GraphQL document only reads: no operation in it is a mutation or a subscription. The
 * words outside every selection set (comments and strings left out) are the operations' keywords,
 * names and variables; one of them spelling `mutation` or `subscription` makes it a write, and so
 * does a document this cannot follow (unbalanced braces, a string that does not end): a read taken
 * for a write only waits longer.
 */
export function onlyQueries(document: string): boolean {
  let depth = 0;
  let i = 0;
  while (i < document.length) {
    const c = document[i];
    if (c === "#") {
      const end = document.indexOf("\n", i);
      i = end < 0 ? document.length : end + 1;
    } else if (c === '"') {
      i = skipString(document, i);
      if (i < 0) return false;
    } else if (depth === 0 && /[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z0-9_]+/.exec(document.slice(i))?.[0] ?? c;
      if (CHANGING_OPERATIONS.has(word)) return false;
      i += word.length;
    } else {
      if (c === "{") depth++;
      if (c === "}" && --depth < 0) return false;
      i++;
    }
  }
  return depth === 0;
}

/** The GraphQL document a request carries: `query` as @octokit/graphql passes it, or in `data`. */
function graphqlDocument(options: RequestOptions): unknown {
  if (options.query !== undefined) return options.query;
  const data = options.data;
  return typeof data === "object" && data !== null ? (data as { query?: unknown }).query : undefined;
}

/** Reads (GET, HEAD), GraphQL queries, and writes: every other request, GraphQL mutations included. */
export function requestKind(options: RequestOptions): RequestKind {
  const method = (options.method ?? "GET").toUpperCase();
  if (method === "GET" || method === "HEAD") return "read";
  const path = new URL(options.url ?? "/", "http://github.invalid").pathname;
  if (!GRAPHQL_PATH.test(path)) return "write";
  const document = graphqlDocument(options);
  return typeof document === "string" && onlyQueries(document) ? "query" : "write";
}

/** What @octokit/plugin-throttling asks of a group: a limiter per key that schedules jobs. */
export interface ThrottleGroup {
  key(id: string): {
    schedule(
      jobOptions: Bottleneck.JobOptions,
      job: (...args: never[]) => unknown,
      ...args: unknown[]
    ): Promise<unknown>;
  };
}

/** A group that holds nothing: the job runs at once. */
const UNSPACED: ThrottleGroup = {
  key: () => ({ schedule: async (_jobOptions, job, ...args) => job(...(args as never[])) }),
};

interface Groups {
  global: Bottleneck.Group;
  writes: Bottleneck.Group;
  queries: Bottleneck.Group;
}

/** The throttle options of Probot's clients that the groups are built from. */
export interface ThrottleSettings {
  enabled?: boolean;
  Bottleneck?: typeof Bottleneck;
  connection?: Bottleneck.RedisConnection | Bottleneck.IORedisConnection;
  timeout?: number;
}

// One set of groups per Redis connection (Probot makes one per process), one for the process without.
const shared = new WeakMap<object, Groups>();
let local: Groups | undefined;

function groupsOf(settings: ThrottleSettings): Groups {
  const { connection } = settings;
  const known = connection ? shared.get(connection) : local;
  if (known) return known;
  const Limiter = settings.Bottleneck ?? Bottleneck;
  const common = {
    timeout: settings.timeout ?? DEFAULT_TIMEOUT_MS,
    ...(connection ? { connection } : {}),
  };
  const groups: Groups = {
    global: new Limiter.Group({ id: "octokit-global", maxConcurrent: CONCURRENT_REQUESTS, ...common }),
    writes: new Limiter.Group({
      id: "octokit-write",
      maxConcurrent: 1,
      minTime: WRITE_SPACING_MS,
      ...common,
    }),
    queries: new Limiter.Group({ id: "kubedelta-graphql-queries", minTime: QUERY_SPACING_MS, ...common }),
  };
  if (connection) shared.set(connection, groups);
  else local = groups;
  return groups;
}

const noop = async () => undefined;

/** The plugin's `global` group, with each request first taking the spacing its kind needs. */
function spacedByKind(groups: Groups): ThrottleGroup {
  return {
    key: (id) => ({
      async schedule(jobOptions, job, ...args) {
        // The plugin schedules (jobOptions, request, options).
        const kind = requestKind((args[0] ?? {}) as RequestOptions);
        if (kind !== "read") {
          const spacing = kind === "write" ? groups.writes : groups.queries;
          await spacing.key(id).schedule({ ...jobOptions }, noop);
        }
        return groups.global.key(id).schedule(jobOptions, job as () => Promise<unknown>, ...(args as []));
      },
    }),
  };
}

/** Throttle options with KubeDelta's groups in place of the plugin's. */
export interface GroupedThrottle extends ThrottleSettings {
  global: ThrottleGroup;
  write: ThrottleGroup;
  notifications: ThrottleGroup;
}

/**
 * `throttle`, the throttle options Probot gives a client, with KubeDelta's groups: REST writes and
 * GraphQL mutations one second apart, GraphQL queries 40 ms apart, no extra spacing for requests
 * that notify; on the Redis connection of `throttle` when it has one. A disabled throttle is left so.
 */
export function withThrottleGroups<T extends ThrottleSettings>(
  throttle: T | undefined,
): T | (T & GroupedThrottle) {
  if (throttle?.enabled === false) return throttle;
  const groups = groupsOf(throttle ?? {});
  return { ...(throttle as T), global: spacedByKind(groups), write: UNSPACED, notifications: UNSPACED };
}
