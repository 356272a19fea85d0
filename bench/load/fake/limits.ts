// GitHub's limits, per installation: the primary budget (5,000 REST requests an hour, reported in
// x-ratelimit-* headers and enforced), the documented secondary limits on content creation (80
// requests a minute, 500 an hour: always counted, enforced on request) and on REST points (900 a
// minute, a read costing 1 and a write 5: counted), and a share of writes
// answered with a secondary rate limit at random (fault injection). Concurrency is tracked too
// (GitHub allows 100 requests in flight).

import { Rng } from "../../prng.js";

export const PRIMARY_PER_HOUR = 5000;
export const CONTENT_PER_MINUTE = 80;
export const CONTENT_PER_HOUR = 500;
export const POINTS_PER_MINUTE = 900;
const READ_POINTS = 1;
const WRITE_POINTS = 5;
const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface LimitOptions {
  /** Share of writes (0..1) answered 403 "secondary rate limit" with retry-after. */
  secondaryShare: number;
  /** Seconds the injected 403 asks the client to wait. */
  secondaryRetryAfter: number;
  /** Answer 403 when an installation goes over 80 content-creating requests a minute or 500 an hour. */
  enforceContentLimits: boolean;
  seed: number;
}

/** A write GitHub refused with a secondary rate limit. */
export interface Refusal {
  at: number;
  installation: number;
  method: string;
  path: string;
  /** What makes a later request the same write (the commit of a check run or review). */
  identity: string;
  retryAfter: number;
  cause: "injected" | "content-limit";
}

interface Budget {
  /** Times of accepted requests this hour (primary). */
  requests: number[];
  /** Times of accepted content-creating requests. */
  writes: number[];
  /** Time and cost of every accepted REST request (secondary limit on points). */
  points: [at: number, cost: number][];
  inFlight: number;
  maxInFlight: number;
}

export type Verdict =
  | { kind: "ok"; headers: Record<string, string> }
  /** The hour's primary budget is spent. */
  | { kind: "exhausted"; headers: Record<string, string> }
  | { kind: "refused"; refusal: Refusal; headers: Record<string, string> };

export const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.";

export class Limits {
  readonly refusals: Refusal[] = [];
  private readonly budgets = new Map<number, Budget>();
  private readonly rng: Rng;

  constructor(private readonly options: LimitOptions) {
    this.rng = new Rng(options.seed);
  }

  private budget(installation: number): Budget {
    let budget = this.budgets.get(installation);
    if (!budget) {
      budget = { requests: [], writes: [], points: [], inFlight: 0, maxInFlight: 0 };
      this.budgets.set(installation, budget);
    }
    return budget;
  }

  enter(installation: number): void {
    const budget = this.budget(installation);
    budget.inFlight++;
    budget.maxInFlight = Math.max(budget.maxInFlight, budget.inFlight);
  }

  leave(installation: number): void {
    this.budget(installation).inFlight--;
  }

  /** Decides whether GitHub takes a request of `installation` now, and its rate-limit headers. */
  admit(
    installation: number,
    method: string,
    path: string,
    identity: string,
    write: boolean,
    now: number,
    graphql = false,
  ): Verdict {
    const budget = this.budget(installation);
    const hourAgo = now - HOUR;
    while (budget.requests.length > 0 && budget.requests[0] <= hourAgo) budget.requests.shift();
    const remaining = PRIMARY_PER_HOUR - budget.requests.length;
    const reset = Math.ceil((Date.now() + HOUR) / 1000);
    const headers = (left: number) => ({
      "x-ratelimit-limit": String(PRIMARY_PER_HOUR),
      "x-ratelimit-remaining": String(Math.max(0, left)),
      "x-ratelimit-used": String(PRIMARY_PER_HOUR - Math.max(0, left)),
      "x-ratelimit-reset": String(reset),
      "x-ratelimit-resource": "core",
    });
    if (remaining <= 0) return { kind: "exhausted", headers: headers(0) };
    if (write) {
      const refused = this.secondary(budget, installation, method, path, identity, now);
      if (refused) {
        this.refusals.push(refused);
        return {
          kind: "refused",
          refusal: refused,
          headers: { ...headers(remaining), "retry-after": String(refused.retryAfter) },
        };
      }
      budget.writes.push(now);
    }
    budget.requests.push(now);
    if (!graphql)
      budget.points.push([now, method === "GET" || method === "HEAD" ? READ_POINTS : WRITE_POINTS]);
    return { kind: "ok", headers: headers(remaining - 1) };
  }

  private secondary(
    budget: Budget,
    installation: number,
    method: string,
    path: string,
    identity: string,
    now: number,
  ): Refusal | undefined {
    const refusal = (retryAfter: number, cause: Refusal["cause"]): Refusal => ({
      at: now,
      installation,
      method,
      path,
      identity,
      retryAfter,
      cause,
    });
    if (this.options.secondaryShare > 0 && this.rng.chance(this.options.secondaryShare))
      return refusal(this.options.secondaryRetryAfter, "injected");
    if (!this.options.enforceContentLimits) return undefined;
    for (const [window, limit] of [
      [MINUTE, CONTENT_PER_MINUTE],
      [HOUR, CONTENT_PER_HOUR],
    ] as const) {
      const inWindow = budget.writes.filter((t) => t > now - window);
      if (inWindow.length >= limit)
        return refusal(Math.ceil((inWindow[0] + window - now) / 1000), "content-limit");
    }
    return undefined;
  }

  /** Per installation: requests, content-creating requests, the most in any minute, the most in flight. */
  summary(): {
    installation: number;
    requests: number;
    writes: number;
    maxWritesPerMinute: number;
    maxPointsPerMinute: number;
    maxInFlight: number;
  }[] {
    return [...this.budgets].map(([installation, b]) => ({
      installation,
      requests: b.requests.length,
      writes: b.writes.length,
      maxWritesPerMinute: maxWeightInWindow(
        b.writes.map((t) => [t, 1]),
        MINUTE,
      ),
      maxPointsPerMinute: maxWeightInWindow(b.points, MINUTE),
      maxInFlight: b.maxInFlight,
    }));
  }
}

/** The most weight of (time, weight) entries (sorted by time) that falls in any window of `width`. */
export function maxWeightInWindow(entries: readonly [number, number][], width: number): number {
  let most = 0;
  let sum = 0;
  let start = 0;
  for (const [at, weight] of entries) {
    sum += weight;
    while (at - entries[start][0] >= width) sum -= entries[start++][1];
    most = Math.max(most, sum);
  }
  return most;
}
