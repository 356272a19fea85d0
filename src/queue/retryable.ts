// Which failures are worth another attempt: GitHub unreachable, overloaded or throttling us, a request
// past its deadline, a lock held too long, Redis gone (Probot's shared throttle schedules every GitHub
// request through it). Anything else (a 404, a bad configuration, a bug) would fail the same way again,
// so the job fails at once and the check says why.

import { RequestTimeoutError } from "../github/timeouts.js";
import { httpStatus } from "../github/types.js";

/** The publish lock of a pull request stayed taken longer than a review takes to publish. */
export class LockTimeoutError extends Error {
  constructor(key: string, ms: number) {
    super(`another worker held the lock on ${key} for over ${ms} ms`);
    this.name = "LockTimeoutError";
  }
}

function headers(error: unknown): Record<string, string | undefined> {
  const response = (error as { response?: { headers?: Record<string, string | undefined> } }).response;
  return response?.headers ?? {};
}

/** GitHub's primary or secondary rate limit: 403 or 429 with `retry-after` or an exhausted quota. */
function rateLimited(error: unknown): boolean {
  const { "retry-after": retryAfter, "x-ratelimit-remaining": remaining } = headers(error);
  const message = error instanceof Error ? error.message : "";
  return retryAfter !== undefined || remaining === "0" || /rate limit/i.test(message);
}

/** Errors of a connection that failed or dropped: Redis (Probot's shared throttle, the lock) or TCP. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

function connectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === "string" && CONNECTION_CODES.has(code)) ||
    // ioredis, when Redis is down: commands given up after their retries, or refused offline.
    error.name === "MaxRetriesPerRequestError" ||
    /^(Connection is closed|Stream isn't writeable)/.test(error.message)
  );
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof RequestTimeoutError || error instanceof LockTimeoutError) return true;
  if (connectionLost(error)) return true;
  const status = httpStatus(error);
  // Octokit reports a request that never got an answer (connection refused or reset) as status 500.
  if (status === undefined) return false;
  if (status >= 500 || status === 429) return true;
  return status === 403 && rateLimited(error);
}
