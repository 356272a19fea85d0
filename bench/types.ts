// What one bench child reports to the parent (one JSON line on stdout).

export interface Timing {
  /** Best of the runs, in milliseconds. */
  ms: number;
  runs: number[];
}

export interface ReferenceTiming extends Timing {
  /** Extrapolated from a sample because the full parse would not fit the time budget. */
  estimated: boolean;
  /** Share of the bytes the sample covered, when estimated. */
  sampleShare?: number;
}

export interface EngineResult extends Timing {
  findings: Record<string, number>;
  errors: string[];
  filesParsed: number;
  parseCacheHits: number;
  resourcesBase: number;
  resourcesHead: number;
  changed: number;
  moved: number;
}

export interface ReReviewResult extends Timing {
  /** Files the re-review had to parse (the pushed one) and cache hits. */
  filesParsed: number[];
  parseCacheHits: number;
  /** Best time of a warm review of the same PR without the push: what judging the PR costs. */
  warmMs: number;
}

export interface SizeResult {
  size: number;
  filesBase: number;
  filesHead: number;
  distinctTexts: number;
  mbTotal: number;
  mbParsed: number;
  maxFiles: number;
  cacheCapacity: number;
  engine?: EngineResult;
  engineError?: string;
  reReview?: ReReviewResult;
  yaml: ReferenceTiming;
  jsYaml: ReferenceTiming;
  /** Peak RSS while the engine ran, input texts included. */
  peakRssMb: number;
  /** RSS with only the corpus loaded, where the peak was reset. */
  inputRssMb: number;
  /** false: the peak covers the whole child (no /proc/self/clear_refs). */
  peakReset: boolean;
}

export const RESULT_PREFIX = "BENCH_RESULT ";
