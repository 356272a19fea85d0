// Shared helpers: run a text through both paths and check they agree on everything observable.

import { expect } from "vitest";
import type { Json, Path, PathSegment } from "../../src/engine/types.js";
import { type ParseStats, parseYamlStreamWithStats } from "../../src/engine/yaml/index.js";
import type { ParseLimits, ParseOutcome } from "../../src/engine/yaml/types.js";

export const LIMITS: ParseLimits = {
  maxDocuments: 1000,
  maxDepth: 100,
  maxAliases: 1000,
  maxNodes: 1_000_000,
};

/** Every path in a value (the empty path included), plus a few that do not exist. */
export function probePaths(value: Json): Path[] {
  const out: Path[] = [];
  const walk = (v: Json, prefix: PathSegment[]): void => {
    out.push(prefix);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...prefix, i]);
      out.push([...prefix, v.length], [...prefix, "x"]);
    } else if (v !== null && typeof v === "object") {
      for (const key of Object.keys(v)) walk(v[key], [...prefix, key]);
      out.push([...prefix, "\u0000absent"], [...prefix, 0]);
    } else {
      out.push([...prefix, "below-a-scalar"]);
    }
  };
  walk(value, []);
  return out;
}

export interface Observed {
  values: Json[];
  lines: number[];
  errors: ParseOutcome["errors"];
  locations: string[];
}

/** What a caller can see of an outcome: values, lines, errors and the line of every path. */
export function observe(outcome: ParseOutcome): Observed {
  return {
    values: outcome.documents.map((d) => d.value),
    lines: outcome.documents.map((d) => d.line),
    errors: outcome.errors,
    locations: outcome.documents.flatMap((d, i) =>
      probePaths(d.value).map((path) => `${i}:${JSON.stringify(path)}=${d.locate(path)}`),
    ),
  };
}

/** Parses with the fast path (handing documents to the exact reader) and with the exact reader only; they must agree. */
export function parseBoth(text: string, limits: ParseLimits = LIMITS): ParseOutcome & { stats: ParseStats } {
  const auto = parseYamlStreamWithStats(text, limits);
  const fallback = parseYamlStreamWithStats(text, limits, { mode: "exact" });
  expect(observe(auto)).toEqual(observe(fallback));
  return auto;
}

/** parseBoth, for a text of one document: its value, and whether the fast path read it. */
export function readOne(text: string, limits: ParseLimits = LIMITS): { value: Json; fast: boolean } {
  const outcome = parseBoth(text, limits);
  expect(outcome.errors).toEqual([]);
  expect(outcome.documents).toHaveLength(1);
  return { value: outcome.documents[0].value, fast: outcome.stats.fast === 1 };
}
