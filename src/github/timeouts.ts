// Octokit has no request timeout of its own: a GitHub call that never answers would leave the check
// run in progress forever. Every request of an event gets a deadline instead; hitting it is an
// error like any other, so the check fails closed with a title that says so.

import type { Octokit } from "./types.js";

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.KUBEDELTA_REQUEST_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_REQUEST_TIMEOUT_MS;
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

// Clients that already have a deadline: installing it again (the handler does, then the review it
// starts) would only nest a second timer around every request.
const hasDeadline = new WeakSet<Octokit>();

/**
 * Gives every request of `octokit` a deadline of `ms`, in place, and returns it. Installing it on a
 * client that already has one changes nothing: the first deadline stands.
 */
export function withRequestTimeout(octokit: Octokit, ms: number = requestTimeoutMs()): Octokit {
  if (hasDeadline.has(octokit)) return octokit;
  hasDeadline.add(octokit);
  octokit.hook.wrap("request", async (request, options) => {
    const signal = AbortSignal.timeout(ms);
    // In place: the hooks further down the chain were bound to this very options object.
    options.request = { ...options.request, signal };
    try {
      return await request(options);
    } catch (error) {
      if (signal.aborted) throw new RequestTimeoutError(`${options.method} ${routeOf(options.url)}`, ms);
      throw error;
    }
  });
  return octokit;
}
