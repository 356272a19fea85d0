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

export function withRequestTimeout(octokit: Octokit, ms: number = requestTimeoutMs()): Octokit {
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
