// Which failures a review job retries: the ones that may go away (GitHub down or throttling, a
// deadline, a held lock, Redis gone), not the ones that would fail the same way again.

import { describe, expect, it } from "vitest";
import { RequestTimeoutError } from "../../src/github/timeouts.js";
import { isRetryable, LockTimeoutError } from "../../src/queue/retryable.js";

/** An answer of GitHub's as Octokit throws it: the status, the message, the response's headers. */
function answered(status: number, message = "", headers: Record<string, string> = {}) {
  return Object.assign(new Error(message || `status ${status}`), {
    name: "HttpError",
    status,
    response: { status, headers, data: { message } },
  });
}

const withCode = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe("retryable failures", () => {
  it.each([
    ["a 5xx", answered(502)],
    ["a 429", answered(429, "slow down")],
    ["a 403 with retry-after (a secondary rate limit)", answered(403, "Forbidden", { "retry-after": "60" })],
    ["a 403 with no quota left", answered(403, "Forbidden", { "x-ratelimit-remaining": "0" })],
    ["a 403 that says rate limit", answered(403, "You have exceeded a secondary rate limit")],
    ["a request past its deadline", new RequestTimeoutError("GET /x", 30_000)],
    ["a publish lock held too long", new LockTimeoutError("review:o/r#1", 60_000)],
    ["Redis refusing connections", withCode("ECONNREFUSED")],
    [
      "ioredis giving a command up",
      named("MaxRetriesPerRequestError", "Reached the max retries per request limit"),
    ],
    ["a closed Redis connection", new Error("Connection is closed.")],
  ])("%s is retried", (_name, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ["a 404", answered(404, "Not Found")],
    ["a 422", answered(422, "Validation Failed")],
    [
      "a 403 without any rate limit sign (no permission)",
      answered(403, "Resource not accessible by integration"),
    ],
    ["a bug", new TypeError("Cannot read properties of undefined")],
    ["a thrown string", "oops"],
  ])("%s is not", (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});
