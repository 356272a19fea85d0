// Reads a multi-document YAML (or JSON) file the way Kubernetes does. Each document goes through
// the fast line-oriented parser first and, when that gives up, through the `yaml` package.

import { splitDocuments } from "./documents.js";
import { type FallbackEntry, parseWithYaml } from "./fallback.js";
import { parseFast } from "./fast.js";
import { FastDocument } from "./fast-document.js";
import { indentQuotedContinuations } from "./quoted-continuations.js";
import type { ParsedDocument, ParseLimits, ParseOutcome, ParseProblem } from "./types.js";

export type { ParsedDocument, ParseLimits, ParseOutcome, ParseProblem } from "./types.js";

export interface ParseStats {
  /** Documents read (parsed or failed). */
  documents: number;
  /** Documents the fast path read. */
  fast: number;
  /** Documents handed to the `yaml` package. */
  fallback: number;
  /** The stream could not be split safely (directives, stray CR or BOM): all of it went to `yaml`. */
  wholeStream: boolean;
}

export interface ParseOptions {
  /** "auto" (default): fast path, falling back per document. "fallback": the `yaml` package only. */
  mode?: "auto" | "fallback";
}

export function parseYamlStream(text: string, limits: ParseLimits): ParseOutcome {
  const { documents, errors } = parseYamlStreamWithStats(text, limits);
  return { documents, errors };
}

/** parseYamlStream, also telling how the documents were read. */
export function parseYamlStreamWithStats(
  text: string,
  limits: ParseLimits,
  options: ParseOptions = {},
): ParseOutcome & { stats: ParseStats } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const documents: ParsedDocument[] = [];
  const errors: ParseProblem[] = [];
  const stats: ParseStats = { documents: 0, fast: 0, fallback: 0, wholeStream: false };
  const split = splitDocuments(source);

  if (split.wholeStream) {
    stats.wholeStream = true;
    const entries = guarded(() => parseWithYaml(source, 0, limits), 1);
    for (const entry of entries) {
      if (stats.documents >= limits.maxDocuments) {
        errors.push(tooManyDocuments(limits, entry.error?.line ?? entry.document?.line));
        break;
      }
      stats.documents++;
      stats.fallback++;
      collect(entry, documents, errors);
    }
    return { documents, errors, stats };
  }

  const fastAllowed = options.mode !== "fallback";
  for (const chunk of split.chunks) {
    if (stats.documents >= limits.maxDocuments) {
      errors.push(tooManyDocuments(limits, chunk.line));
      break;
    }
    stats.documents++;
    if (fastAllowed) {
      try {
        const value = parseFast(source, chunk, limits);
        documents.push(new FastDocument(value, source, chunk, limits));
        stats.fast++;
        continue;
      } catch {
        // UNSUPPORTED, or anything unexpected (a stack overflow, say): the complete parser decides.
      }
    }
    stats.fallback++;
    const chunkText = source.slice(chunk.start, chunk.end);
    const parse = (text: string) =>
      guarded(() => parseWithYaml(text, chunk.startLine - 1, limits, chunk.line), chunk.line);
    let entries = parse(chunkText);
    if (entries.some((entry) => entry.error)) {
      // Read as Kubernetes reads it: quoted scalars continued at their key's indentation.
      const relaxed = indentQuotedContinuations(chunkText);
      const retried = relaxed === undefined ? undefined : parse(relaxed);
      // Parsed, or stopped further on: the retry got past the first problem and names the real one.
      if (retried && firstErrorLine(retried) > firstErrorLine(entries)) entries = retried;
    }
    for (const entry of entries) collect(entry, documents, errors);
  }
  return { documents, errors, stats };
}

/** The line of the first error among the entries; past the end when there is none. */
function firstErrorLine(entries: readonly FallbackEntry[]): number {
  const lines = entries.flatMap((entry) => (entry.error ? [entry.error.line ?? 0] : []));
  return lines.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...lines);
}

function collect(entry: FallbackEntry, documents: ParsedDocument[], errors: ParseProblem[]): void {
  if (entry.document) documents.push(entry.document);
  else if (entry.error) errors.push(entry.error);
}

/** Runs a fallback parse; absurd nesting can still overflow the stack inside the `yaml` package. */
function guarded(parse: () => FallbackEntry[], line: number): FallbackEntry[] {
  try {
    return parse();
  } catch (error) {
    const reason = error instanceof RangeError ? "nesting too deep to parse" : "the YAML parser failed";
    return [{ error: { line, message: `invalid YAML at line ${line}: ${reason}` } }];
  }
}

function tooManyDocuments(limits: ParseLimits, line: number | undefined): ParseProblem {
  return {
    line,
    message: `too many YAML documents: more than ${limits.maxDocuments} in one file`,
  };
}
