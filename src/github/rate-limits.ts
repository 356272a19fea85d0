// GitHub's rate limits, waited out within a budget. GitHub answers a request over a limit with 403 or
// 429 and says how long to wait: "If the retry-after response header is present, you should not retry
// your request until after that many seconds has elapsed. If the x-ratelimit-remaining header is 0, you
// should not retry your request until after the time [...] specified by the x-ratelimit-reset header.
// Otherwise, wait for at least one minute before retrying. If your request continues to fail due to a
// secondary rate limit, wait for an exponentially increasing amount of time between retries, and throw
// an error after a specific number of retries." (docs.github.com, "Rate limits for the REST API",
// "Exceeding the rate limit"). Probot's own throttle never retries a secondary limit: its
// onSecondaryRateLimit only logs (probot/lib/octokit/get-octokit-throttle-options.js).

import { setTimeout as sleep } from "node:timers/promises";

/** How long one request may spend waiting out GitHub's rate limits before it fails. */
export interface RateLimitBudget {
  /** Retries after a rate-limited answer. */
  retries: number;
  /** Total time spent waiting between them, in milliseconds. */
  maxWaitMs: number;
}

export const DEFAULT_RATE_LIMIT_BUDGET: RateLimitBudget = { retries: 3, maxWaitMs: 60_000 };

/** A whole number ≥ 0 from the environment, or the default when unset; anything else is an error. */
function envCount(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number of 0 or more, not ${JSON.stringify(env[name])}`);
  return value;
}

/** The budget set by KUBEDELTA_RATE_LIMIT_RETRIES and KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS. */
export function rateLimitBudget(env: NodeJS.ProcessEnv = process.env): RateLimitBudget {
  return {
    retries: envCount(env, "KUBEDELTA_RATE_LIMIT_RETRIES", DEFAULT_RATE_LIMIT_BUDGET.retries),
    maxWaitMs: envCount(env, "KUBEDELTA_RATE_LIMIT_MAX_WAIT_MS", DEFAULT_RATE_LIMIT_BUDGET.maxWaitMs),
  };
}

/** What a rate-limited answer says: which limit, and the least wait GitHub asks for. */
export interface RateLimited {
  kind: "secondary" | "primary";
  waitMs: number;
}

/** Without a header saying how long, GitHub asks for at least a minute. */
const UNSPECIFIED_WAIT_MS = 60_000;

// GitHub's message for a secondary limit ("You have exceeded a secondary rate limit"), and the older
// wording of the same limit.
const SECONDARY_MESSAGE = /secondary rate limit|abuse detection/i;

interface AnsweredError {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** `retry-after` in seconds (GitHub's form) or as an HTTP date. */
function retryAfterMs(value: string, now: number): number | undefined {
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The rate limit a failed request ran into, or undefined when it failed for another reason. */
export function rateLimitOf(error: unknown, now: number = Date.now()): RateLimited | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, message, response } = error as AnsweredError;
  if ((status !== 403 && status !== 429) || response === undefined) return undefined;
  const header = (name: string) => {
    const value = response.headers?.[name];
    return value === undefined ? undefined : String(value);
  };
  const secondary = typeof message === "string" && SECONDARY_MESSAGE.test(message);
  const exhausted = header("x-ratelimit-remaining") === "0";
  const retryAfter = header("retry-after");
  // A 403 that says none of this is a permission problem, not a limit.
  if (!secondary && !exhausted && retryAfter === undefined && status !== 429) return undefined;
  const kind = exhausted && !secondary ? "primary" : "secondary";
  const after = retryAfter === undefined ? undefined : retryAfterMs(retryAfter, now);
  if (after !== undefined) return { kind, waitMs: after };
  const reset = Number(header("x-ratelimit-reset"));
  // "until after the time": the reset is in whole seconds, so one more.
  if (exhausted && Number.isFinite(reset)) return { kind, waitMs: Math.max(0, reset * 1000 - now) + 1000 };
  return { kind, waitMs: UNSPECIFIED_WAIT_MS };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

/** A request still rate-limited when its budget ran out; `status` is GitHub's last answer. */
export class RateLimitError extends Error {
  readonly status: number;
  constructor(
    limit: RateLimited,
    last: { status: number },
    retries: number,
    waitedMs: number,
    route: string,
  ) {
    const which = limit.kind === "secondary" ? "GitHub's secondary rate limit" : "GitHub's rate limit";
    const times = retries === 1 ? "time" : "times";
    super(`${which}: retried ${retries} ${times} over ${seconds(waitedMs)} (${route})`, { cause: last });
    this.name = "RateLimitError";
    this.status = last.status;
  }
}

/**
 * Runs `attempt` until it is not rate-limited or the budget is spent, waiting as long as GitHub asks,
 * and longer each time a secondary limit persists (doubling). A wait that does not fit what is left
 * of the budget is not started: the request fails at once with a RateLimitError.
 */
export async function retryRateLimited<T>(
  attempt: () => Promise<T>,
  budget: RateLimitBudget,
  route: string,
  signal?: AbortSignal,
): Promise<T> {
  let retries = 0;
  let waitedMs = 0;
  let lastWaitMs = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const limit = rateLimitOf(error);
      if (limit === undefined) throw error;
      const waitMs = limit.kind === "secondary" ? Math.max(limit.waitMs, lastWaitMs * 2) : limit.waitMs;
      if (retries >= budget.retries || waitedMs + waitMs > budget.maxWaitMs)
        throw new RateLimitError(limit, error as { status: number }, retries, waitedMs, route);
      await sleep(waitMs, undefined, { signal });
      waitedMs += waitMs;
      lastWaitMs = waitMs;
      retries += 1;
    }
  }
}
