// Compares what KubeDelta reads from a file with what Kubernetes reads from it (kube-reader.ts).
//
// The reading contract (DESIGN.md, "Reading contract"): a file is read exactly as `kubectl apply -f`
// hands it to the API server, or it is an error. So:
// - Kubernetes stops at an error: KubeDelta reports at least one error, and the documents Kubernetes
//   applied before its error are KubeDelta's first documents (same values, same order).
// - Kubernetes accepts the file: KubeDelta gives exactly the same documents in the same order, or it
//   refuses the file with an error. A refusal is allowed (KubeDelta may decline what it cannot read
//   exactly) but it is its own outcome, so tests can count refusals and list their messages. The
//   documents a refusing KubeDelta does return must still be documents Kubernetes applies, in order:
//   refusing one document is no licence to misread another.
// - Lines: KubeDelta's line is the document's first content line, Kubernetes' the line its chunk
//   starts on; KubeDelta's must lie in [Kubernetes' line, next chunk's line).
// Values are compared after a JSON round trip (deep equality, key order ignored); empty (null)
// documents are skipped on both sides, as kubectl skips them.

import type { Json } from "../../src/engine/types.js";
import type { KubeDocument, KubeResult } from "./kube-reader.js";

/** The part of KubeDelta's ParseOutcome a comparison looks at. */
export interface OurReading {
  documents: readonly { line: number; value: Json }[];
  errors: readonly { line?: number; message: string }[];
}

export interface Comparison {
  /**
   * agree: the same reading (or both stop with an error, after the same documents);
   * refused: Kubernetes accepts the file, KubeDelta reports an error instead (allowed, counted);
   * diverge: a broken rule, see `divergences`.
   */
  outcome: "agree" | "refused" | "diverge";
  /** Kubernetes reads the file without error. */
  kubernetesAccepts: boolean;
  /** Human-readable broken rules; empty when the readings agree or KubeDelta only refused. */
  divergences: string[];
  /** KubeDelta's error messages when it refused a file Kubernetes accepts. */
  refusals: string[];
}

const SNIPPET = 160;

/** A canonical JSON text of a value: what a JSON round trip keeps, object keys sorted. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    // Own keys only, never through the prototype: "__proto__" is an ordinary key here.
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value) : "null";
  if (typeof value === "bigint") return String(value);
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    // JSON.stringify writes lone surrogates as \\uXXXX escapes, so no information is lost.
    return JSON.stringify(value);
  }
  // Not JSON at all (undefined, a function...): never equal to anything Kubernetes applies.
  return `<${typeof value}>`;
}

function snippet(value: unknown): string {
  const text = canonicalJson(value);
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
}

function describeProblem(problem: { line?: number; message: string }): string {
  return problem.line === undefined ? problem.message : `line ${problem.line}: ${problem.message}`;
}

/** Where a document of ours may start: from its chunk's first line up to the next chunk's. */
function lineDivergence(
  index: number,
  ours: { line: number },
  theirs: KubeDocument,
  next: KubeDocument | undefined,
): string | undefined {
  // JSON values can share a line; YAML chunks never do.
  const last =
    next && next.line > theirs.line ? next.line - 1 : next ? theirs.line : Number.POSITIVE_INFINITY;
  if (ours.line >= theirs.line && ours.line <= last) return undefined;
  const range = last === Number.POSITIVE_INFINITY ? `${theirs.line} or later` : `${theirs.line}..${last}`;
  return `document ${index + 1}: KubeDelta places it on line ${ours.line}; Kubernetes' chunk spans lines ${range}`;
}

/** Compares documents pairwise up to `count`; returns divergences (values first, then lines). */
function compareDocuments(
  ours: OurReading["documents"],
  theirs: readonly KubeDocument[],
  count: number,
  allTheirs: readonly KubeDocument[],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const mine = ours[i];
    const kube = theirs[i];
    if (!mine || !kube) break;
    if (canonicalJson(mine.value) !== canonicalJson(kube.value)) {
      out.push(
        `document ${i + 1} (Kubernetes: line ${kube.line}) differs: Kubernetes applies ${snippet(kube.value)}, ` +
          `KubeDelta reads ${snippet(mine.value)} (line ${mine.line})`,
      );
      continue;
    }
    const line = lineDivergence(i, mine, kube, allTheirs[i + 1]);
    if (line) out.push(line);
  }
  return out;
}

export function compareReading(reading: OurReading, kubernetes: KubeResult): Comparison {
  // Like kubectl, the comparison skips empty (null) documents, which KubeDelta may keep for its own use.
  const ours = { documents: reading.documents.filter((d) => d.value !== null), errors: reading.errors };
  const divergences: string[] = [];
  const refusals: string[] = [];
  const kubernetesAccepts = kubernetes.errors.length === 0;
  const theirs = kubernetes.documents;

  if (!kubernetesAccepts) {
    const stop = kubernetes.errors.map(describeProblem).join("; ");
    if (ours.errors.length === 0) {
      divergences.push(
        `Kubernetes stops with an error (${stop}); KubeDelta reads the file without error ` +
          `(${ours.documents.length} document(s))`,
      );
    }
    // Stopping earlier, at a document KubeDelta refuses, fails closed like Kubernetes' later error:
    // a refusal, as long as what KubeDelta did read is what Kubernetes applies.
    const early = ours.errors.length > 0 && ours.documents.length < theirs.length;
    if (early) refusals.push(...ours.errors.map(describeProblem));
    const compared = early ? ours.documents.length : theirs.length;
    divergences.push(...compareDocuments(ours.documents, theirs, compared, theirs));
    const outcome = divergences.length ? "diverge" : early ? "refused" : "agree";
    return { outcome, kubernetesAccepts, divergences, refusals };
  }

  if (ours.errors.length > 0) {
    refusals.push(...ours.errors.map(describeProblem));
    // What a refusing reader did read must still be read right: a subsequence of Kubernetes' documents.
    let next = 0;
    for (const [i, mine] of ours.documents.entries()) {
      const key = canonicalJson(mine.value);
      let found = next;
      while (found < theirs.length && canonicalJson(theirs[found].value) !== key) found++;
      if (found === theirs.length) {
        divergences.push(
          `KubeDelta refuses the file (${refusals.join("; ")}) but its document ${i + 1} (line ${mine.line}), ` +
            `${snippet(mine.value)}, is not among the documents Kubernetes applies (in order)`,
        );
        continue;
      }
      const line = lineDivergence(found, mine, theirs[found], theirs[found + 1]);
      if (line) divergences.push(line);
      next = found + 1;
    }
    return { outcome: divergences.length ? "diverge" : "refused", kubernetesAccepts, divergences, refusals };
  }

  if (ours.documents.length !== theirs.length) {
    divergences.push(
      `Kubernetes applies ${theirs.length} document(s) (lines ${theirs.map((d) => d.line).join(", ") || "-"}), ` +
        `KubeDelta reads ${ours.documents.length} (lines ${ours.documents.map((d) => d.line).join(", ") || "-"})`,
    );
  }
  divergences.push(
    ...compareDocuments(ours.documents, theirs, Math.min(ours.documents.length, theirs.length), theirs),
  );
  return { outcome: divergences.length ? "diverge" : "agree", kubernetesAccepts, divergences, refusals };
}
