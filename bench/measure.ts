// One bench size in a fresh process, so that its peak RSS is its own. Reads the corpus the parent
// wrote, times the engine and the two bare parsers, and prints one JSON line for the parent.
//
// Usage: node --expose-gc --import tsx bench/measure.ts <corpus.json> <runs> <deadline epoch ms>

import { readFileSync, writeFileSync } from "node:fs";
import jsyaml from "js-yaml";
import { parseAllDocuments } from "yaml";
import { ParseCache } from "../src/engine/parse-cache.js";
import { type FileSet, type ReviewInput, review } from "../src/engine/review.js";
import type { ReviewResult } from "../src/engine/types.js";
import { loadPolicy } from "../src/policy/load.js";
import type { Policy } from "../src/policy/types.js";
import { rulesOf } from "../src/rules/catalog.js";
import {
  type EngineResult,
  RESULT_PREFIX,
  type ReferenceTiming,
  type ReReviewResult,
  type SizeResult,
} from "./types.js";

interface CorpusFile {
  size: number;
  base: [string, string][];
  /** null: byte-identical to the base file of the same path. */
  head: [string, string | null][];
}

const [corpusPath, runsArg, deadlineArg] = process.argv.slice(2);
const runs = Number(runsArg);
const deadline = Number(deadlineArg);
const MB = 1024 * 1024;

function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

function collect(): void {
  globalThis.gc?.();
}

/** Identical base/head files share one string, as blobs with one sha do in the App. */
function loadCorpus(path: string): { size: number; base: Map<string, string>; head: Map<string, string> } {
  const data = JSON.parse(readFileSync(path, "utf8")) as CorpusFile;
  const base = new Map(data.base);
  const head = new Map(data.head.map(([p, text]) => [p, text ?? (base.get(p) as string)]));
  return { size: data.size, base, head };
}

function bytesOf(texts: Iterable<string>): number {
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text);
  return bytes;
}

function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Resets the peak to the current RSS (Linux), so loading the corpus does not count. */
function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function best(times: number[]): number {
  return Math.min(...times);
}

function countFindings(result: ReviewResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of result.findings) counts[finding.rule] = (counts[finding.rule] ?? 0) + 1;
  return counts;
}

/** Times one review (the policy's rules); a fresh ParseCache unless the caller hands one in. */
function timedReview(input: Omit<ReviewInput, "rules" | "policy"> & { policy: Policy }): {
  ms: number;
  result: ReviewResult;
} {
  const rules = rulesOf(input.policy);
  collect();
  const start = performance.now();
  const result = review({ ...input, rules });
  return { ms: performance.now() - start, result };
}

function measureEngine(base: FileSet, head: FileSet, policy: Policy, capacity: number) {
  const times: number[] = [];
  let cache = new ParseCache({ maxEntries: capacity, maxBytes: Number.POSITIVE_INFINITY });
  let r: ReviewResult | undefined;
  for (let i = 0; i < runs; i++) {
    cache = new ParseCache({ maxEntries: capacity, maxBytes: Number.POSITIVE_INFINITY });
    const { ms, result } = timedReview({ base, head, policy, cache });
    times.push(ms);
    r = result;
    log(`engine run ${i + 1}/${runs}: ${(ms / 1000).toFixed(2)} s`);
  }
  if (!r) throw new Error("no engine run");
  const engine: EngineResult = {
    ms: best(times),
    runs: times,
    findings: countFindings(r),
    errors: r.errors.slice(0, 5).map((e) => `${e.file}${e.line ? `:${e.line}` : ""}: ${e.message}`),
    filesParsed: r.stats.filesParsed,
    parseCacheHits: r.stats.parseCacheHits,
    resourcesBase: r.stats.resourcesBase,
    resourcesHead: r.stats.resourcesHead,
    changed: r.stats.changed,
    moved: r.stats.moved,
  };
  if (r.errors.length > 5) engine.errors.push(`… and ${r.errors.length - 5} more`);
  return { engine, cache };
}

/** A push that changes one image tag in one file: the common follow-up commit on a PR. */
function pushes(head: ReadonlyMap<string, string>, count: number): [string, string][] {
  const candidates = [...head.keys()].filter((p) => (head.get(p) as string).includes("image: "));
  return Array.from({ length: count }, (_, k) => {
    const path = candidates[Math.floor(((k + 1) * candidates.length) / (count + 1))];
    const text = (head.get(path) as string).replace(/(image: \S+)/, `$1-hotfix.${k + 1}`);
    return [path, text];
  });
}

/**
 * Each push is a different file, so every re-review has exactly one text the cache lacks. Pushes
 * and warm reviews of the unchanged PR alternate, so that neither runs on a warmer JIT than the other.
 */
function measureReReview(base: FileSet, head: Map<string, string>, policy: Policy, cache: ParseCache) {
  const times: number[] = [];
  const parsed: number[] = [];
  const warm: number[] = [];
  let hits = 0;
  for (const [path, text] of pushes(head, runs)) {
    const { ms, result } = timedReview({ base, head: new Map(head).set(path, text), policy, cache });
    times.push(ms);
    parsed.push(result.stats.filesParsed);
    hits = result.stats.parseCacheHits;
    // The same PR again with nothing pushed: every text cached, every changed resource judged.
    warm.push(timedReview({ base, head, policy, cache }).ms);
  }
  log(`one-file re-review: ${times.map((t) => `${t.toFixed(0)} ms`).join(", ")}`);
  log(`warm review of the unchanged PR: ${warm.map((t) => `${t.toFixed(0)} ms`).join(", ")}`);
  const reReview: ReReviewResult = {
    ms: best(times),
    runs: times,
    filesParsed: parsed,
    parseCacheHits: hits,
    warmMs: best(warm),
  };
  return reReview;
}

function parseAllWith(parse: (text: string) => unknown, texts: readonly string[]): number {
  return time(() => {
    for (const text of texts) parse(text);
  });
}

/**
 * Times a bare parser over all texts; when the projection from a 10% sample would overrun the
 * deadline, reports the extrapolation instead (and says so).
 */
function measureReference(
  name: string,
  parse: (text: string) => unknown,
  texts: readonly string[],
): ReferenceTiming {
  const sample = texts.filter((_, i) => i % 10 === 0);
  const share = bytesOf(sample) / bytesOf(texts);
  const sampleMs = parseAllWith(parse, sample);
  const projected = (sampleMs / share) * runs;
  if (Date.now() + projected > deadline) {
    const warm = Math.min(sampleMs, parseAllWith(parse, sample));
    log(
      `${name}: ~${(warm / share / 1000).toFixed(2)} s (estimated from a ${(share * 100).toFixed(0)}% sample)`,
    );
    return { ms: warm / share, runs: [warm / share], estimated: true, sampleShare: share };
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    collect();
    times.push(parseAllWith(parse, texts));
  }
  log(`${name}: ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(", ")}`);
  return { ms: best(times), runs: times, estimated: false };
}

function main(): void {
  const { size, base, head } = loadCorpus(corpusPath);
  // What the engine must parse: the cache keys on content, so identical texts count once.
  const texts = [...new Set([...base.values(), ...head.values()])];
  const policy = loadPolicy();
  // A whole-repository corpus lists more files than a PR can (GitHub stops at 3,000), and the
  // re-review needs every text to stay cached: raise both bounds to fit the corpus.
  const paths = new Set([...base.keys(), ...head.keys()]);
  policy.limits.maxFiles = Math.max(policy.limits.maxFiles, paths.size);
  const capacity = Math.max(10_000, 2 * texts.length);

  collect();
  const peakReset = resetPeak();
  const inputRssMb = process.memoryUsage().rss / MB;
  let engine: EngineResult | undefined;
  let engineError: string | undefined;
  let reReview: ReReviewResult | undefined;
  let peak = 0;
  try {
    const measured = measureEngine(base, head, policy, capacity);
    engine = measured.engine;
    peak = peakRssMb();
    reReview = measureReReview(base, head, policy, measured.cache);
  } catch (error) {
    engineError = error instanceof Error ? (error.stack ?? error.message) : String(error);
    peak = peakRssMb();
    log(`engine failed: ${engineError}`);
  }

  const result: SizeResult = {
    size,
    filesBase: base.size,
    filesHead: head.size,
    distinctTexts: texts.length,
    mbTotal: (bytesOf(base.values()) + bytesOf(head.values())) / MB,
    mbParsed: bytesOf(texts) / MB,
    maxFiles: policy.limits.maxFiles,
    cacheCapacity: capacity,
    engine,
    engineError,
    reReview,
    yaml: measureReference("yaml parseAllDocuments", (text) => parseAllDocuments(text), texts),
    jsYaml: measureReference("js-yaml loadAll", (text) => jsyaml.loadAll(text), texts),
    peakRssMb: peak,
    inputRssMb,
    peakReset,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main();
