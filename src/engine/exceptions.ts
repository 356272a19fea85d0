// Exceptions: risks a repository accepts on purpose, for a while. An exception names one rule and
// a resource selector (globs on kind, namespace, name, optionally a container); until its expiry
// day has passed, the findings it matches leave `findings` for `excepted`, so they neither block
// nor get commented on. After that day they count again, and the result says which exception
// expired. The engine has no clock: the caller says what day it is.

import { Minimatch } from "minimatch";
import type { Finding } from "./types.js";

/** One validated entry of the policy's `exceptions:` list. */
export interface PolicyException {
  /** The rule whose findings it covers (always one id; there is no wildcard). */
  rule: string;
  /** Globs on the resource identity; an absent one matches anything. */
  kind?: string;
  /** `""` matches cluster-scoped resources only; a glob never matches them. */
  namespace?: string;
  name?: string;
  /** Glob on the container a finding is about; a finding about no container never matches. */
  container?: string;
  reason: string;
  /** The last day it applies (UTC), `YYYY-MM-DD`. */
  expires: string;
  /** Where it was declared, for messages: the config file and the 0-based list position. */
  source: string;
  index: number;
}

export interface ExceptedFinding {
  finding: Finding;
  exception: PolicyException;
}

/** An exception whose expiry day has passed while it still matches findings: they count again. */
export interface ExpiredException {
  exception: PolicyException;
  /** Fingerprints of the findings it would have covered (each also in `findings`). */
  fingerprints: string[];
}

export interface ExceptionOutcome {
  findings: Finding[];
  excepted: ExceptedFinding[];
  expiredExceptions: ExpiredException[];
}

/** The UTC day of `date`, `YYYY-MM-DD`: what the shells pass as `today`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Globs are plain: no negation, no comments; names never hold `/`, so `*` is any name. */
const GLOB_OPTIONS = { dot: true, nonegate: true, nocomment: true } as const;

function selector(exception: PolicyException): (finding: Finding) => boolean {
  const glob = (pattern: string | undefined, options: { nocase?: boolean } = {}) => {
    if (pattern === undefined) return () => true;
    const compiled = new Minimatch(pattern, { ...GLOB_OPTIONS, ...options });
    return (value: string) => compiled.match(value);
  };
  // Kinds are matched case-insensitively, as kubectl reads them (`deployment` is a Deployment).
  const kind = glob(exception.kind, { nocase: true });
  const namespaceGlob = glob(exception.namespace);
  const name = glob(exception.name);
  const containerGlob = glob(exception.container);
  // Cluster-scoped resources have the namespace "": only `namespace: ""` (or none) selects them.
  const namespace = (value: string) => {
    if (exception.namespace === undefined) return true;
    if (exception.namespace === "" || value === "") return exception.namespace === value;
    return namespaceGlob(value);
  };
  const container = (value: string | undefined) =>
    exception.container === undefined || (value !== undefined && containerGlob(value));
  return (f) =>
    f.rule === exception.rule &&
    kind(f.resource.kind) &&
    namespace(f.resource.namespace) &&
    name(f.resource.name) &&
    container(f.container);
}

/**
 * Moves the findings that a live exception matches into `excepted` (the first matching exception
 * in list order wins). Without `today` no exception applies: an unknown date must never exempt
 * anything. A `today` that is not a date is the caller's bug, and throws.
 */
export function applyExceptions(
  findings: readonly Finding[],
  exceptions: readonly PolicyException[],
  today: string | undefined,
): ExceptionOutcome {
  const outcome: ExceptionOutcome = { findings: [], excepted: [], expiredExceptions: [] };
  if (today !== undefined && !isIsoDate(today)) {
    throw new Error(`the review date must be written YYYY-MM-DD; got ${JSON.stringify(today)}`);
  }
  if (exceptions.length === 0 || today === undefined) {
    outcome.findings = [...findings];
    return outcome;
  }
  // ISO dates compare as strings; the expiry day itself still applies.
  const compiled = exceptions.map((exception) => ({
    exception,
    live: today <= exception.expires,
    matches: selector(exception),
  }));
  const expired = new Map<PolicyException, string[]>();
  for (const finding of findings) {
    const matching = compiled.filter((c) => c.matches(finding));
    const live = matching.find((c) => c.live);
    if (live) {
      outcome.excepted.push({ finding, exception: live.exception });
      continue;
    }
    outcome.findings.push(finding);
    for (const { exception } of matching) {
      // Copies of one resource in several files share a fingerprint: it is one risk.
      const fingerprints = expired.get(exception) ?? [];
      if (!fingerprints.includes(finding.fingerprint)) fingerprints.push(finding.fingerprint);
      expired.set(exception, fingerprints);
    }
  }
  outcome.expiredExceptions = [...expired].map(([exception, fingerprints]) => ({ exception, fingerprints }));
  outcome.expiredExceptions.sort((a, b) => a.exception.index - b.exception.index);
  return outcome;
}
