// Octokit has no request timeout of its own: a GitHub call that never answers would leave the check
// run in progress forever. Every request of an event gets a deadline instead; hitting it is an
// error like any other, so the check fails closed with a title that says so.
//
// The deadline counts time on the wire only. Probot's throttle (@octokit/plugin-throttling) holds a
// request in its queue before sending it (writes one second apart per installation, shared by every
// replica with REDIS_URL), and a request hook wraps that wait: a timer started there ran out while
// the request was still queued. So the timer starts when the request is handed to fetch, below the
// throttle, and runs until its answer is read. The same hook waits out GitHub's rate limits within
// their own budget (rate-limits.ts), above the throttle, so that a retry queues again like any request.

import { type RateLimitBudget, rateLimitBudget, retryRateLimited } from "./rate-limits.js";
import type { Octokit } from "./types.js";

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** KUBEDELTA_REQUEST_TIMEOUT_MS, or the default when unset; anything but a positive number is an error. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.KUBEDELTA_REQUEST_TIMEOUT_MS?.trim();
  if (text === undefined || text === "") return DEFAULT_REQUEST_TIMEOUT_MS;
  const configured = Number(text);
  if (!(Number.isFinite(configured) && configured > 0))
    throw new Error(
      `KUBEDELTA_REQUEST_TIMEOUT_MS must be a number of milliseconds above 0, not ${JSON.stringify(text)}`,
    );
  return configured;
}

export class RequestTimeoutError extends Error {
  constructor(route: string, ms: number) {
    super(`${route} did not answer within ${ms} ms`);
    this.name = "RequestTimeoutError";
  }
}

/** The path of a request, without host (a GitHub Enterprise host is internal) or query. */
function routeOf(url: string): string {
  const path = new URL(url, "http://github.invalid").pathname;
  return decodeURIComponent(path).replace(/^\/api\/v3(?=\/)/, "");
}

type Fetch = typeof globalThis.fetch;

/** Statuses whose answers have no body (a Response with one cannot be made). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/** `response` with its body already read into memory. */
function withBody(response: Response, body: ArrayBuffer | null): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(copy, "url", { value: response.url });
  return copy;
}

/**
 * A fetch whose every call must have its answer read whole within `ms` of being made, or is aborted.
 * `expired(error)` tells whether an error is one of those aborts.
 */
function fetchWithDeadline(send: Fetch | undefined, ms: number) {
  const reasons = new Set<unknown>();
  const fetch: Fetch = async (input, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      // Named AbortError, @octokit/request hands it on as it is and plugin-retry does not retry it.
      const reason = new DOMException(`no answer within ${ms} ms`, "AbortError");
      reasons.add(reason);
      controller.abort(reason);
    }, ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    try {
      // Looked up per call: a test's interceptor may replace the global fetch after the client is made.
      const response = await (send ?? globalThis.fetch)(input, { ...init, signal });
      // Read here, under the deadline: @octokit/request turns a body cut off half-way into an empty
      // answer, and would read a body that stops coming for ever.
      return withBody(response, NO_BODY.has(response.status) ? null : await response.arrayBuffer());
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    fetch,
    expired: (error: unknown) =>
      reasons.has(error) || (error instanceof Error && error.cause !== undefined && reasons.has(error.cause)),
  };
}

// Clients that already have a deadline: installing it again (the handler does, then the review it
// starts) would only nest a second timer around every request.
const hasDeadline = new WeakSet<Octokit>();

/**
 * Gives every request of `octokit`, in place, a deadline of `ms` on the wire and retries when GitHub
 * answers that a rate limit was hit, within `budget`; returns `octokit`. Installing it on a client
 * that already has it changes nothing: the first deadline and budget stand.
 */
export function withRequestTimeout(
  octokit: Octokit,
  ms: number = requestTimeoutMs(),
  budget: RateLimitBudget = rateLimitBudget(),
): Octokit {
  if (hasDeadline.has(octokit)) return octokit;
  hasDeadline.add(octokit);
  octokit.hook.wrap("request", async (request, options) => {
    const route = `${options.method} ${routeOf(options.url)}`;
    const wire = fetchWithDeadline(options.request?.fetch, ms);
    const retries = options.request?.retries;
    // In place: the hooks further down the chain were bound to this very options object.
    options.request = {
      ...options.request,
      fetch: async (input: Parameters<Fetch>[0], init: Parameters<Fetch>[1]) => {
        const response = await wire.fetch(input, init);
        // plugin-retry would retry a 429 after 1, 4 and 9 s whatever GitHub asked; it waits as asked here.
        if (response.status === 429) options.request.retries = 0;
        return response;
      },
    };
    const attempt = async () => {
      options.request.retries = retries;
      return request(options);
    };
    try {
      return await retryRateLimited(attempt, budget, route, options.request.signal ?? undefined);
    } catch (error) {
      if (wire.expired(error)) throw new RequestTimeoutError(route, ms);
      throw error;
    }
  });
  return octokit;
}
