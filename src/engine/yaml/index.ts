// Reads a manifest file's text the way Kubernetes does (`kubectl apply -f`): a stream of JSON
// values when it starts with `{`, else YAML split into documents by apimachinery's rules, each
// document read by go-yaml v2's rules. A document goes through the fast line-oriented parser when
// its text is plain enough, and through the exact reader otherwise or when the fast one gives up.

import { splitDocuments } from "./documents.js";
import { LineIndex, OffsetDocument } from "./exact/document.js";
import { readExact } from "./exact/index.js";
import { parseFast } from "./fast.js";
import { FastDocument } from "./fast-document.js";
import { isJsonStream, parseJsonStream } from "./json-stream.js";
import type { ParsedDocument, ParseLimits, ParseOutcome, ParseProblem } from "./types.js";

export type { ParsedDocument, ParseLimits, ParseOutcome, ParseProblem } from "./types.js";

export interface ParseStats {
  /** Documents read (parsed or failed). */
  documents: number;
  /** Documents the fast path read. */
  fast: number;
  /** Documents the exact reader read. */
  exact: number;
  /** The file was read as a stream of JSON values. */
  json: boolean;
}

export interface ParseOptions {
  /** "auto" (default): fast path, else the exact reader. "exact": the exact reader only. */
  mode?: "auto" | "exact";
}

export function parseYamlStream(text: string, limits: ParseLimits): ParseOutcome {
  const { documents, errors } = parseYamlStreamWithStats(text, limits);
  return { documents, errors };
}

// Characters the YAML reader refuses anywhere (go-yaml's "control characters are not allowed"):
// C0 and C1 controls other than tab, line feed, carriage return and NEL, DEL, U+FFFE, U+FFFF.
const NOT_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job.
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Text the fast path leaves to the exact reader: line breaks other than LF and CR LF, and BOMs.
const NOT_FAST = /[\u0085\u2028\u2029\ufeff]|\r(?!\n)/;

// One cheap scan that rules out both of the above for ordinary text (measured: 4× faster than
// running them): every character either of them can match is in this class.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job.
const MAYBE_SPECIAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r\u2028\u2029\ud800-\udfff\ufeff-\uffff]/;

/** parseYamlStream, also telling how the documents were read. */
export function parseYamlStreamWithStats(
  text: string,
  limits: ParseLimits,
  options: ParseOptions = {},
): ParseOutcome & { stats: ParseStats } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const stats: ParseStats = { documents: 0, fast: 0, exact: 0, json: false };
  if (isJsonStream(source)) {
    stats.json = true;
    const outcome = parseJsonStream(source, limits);
    stats.documents = outcome.documents.length + outcome.errors.length;
    return { ...outcome, stats };
  }
  const documents: ParsedDocument[] = [];
  const errors: ParseProblem[] = [];
  const split = splitDocuments(source);
  for (const chunk of split.chunks) {
    if (stats.documents >= limits.maxDocuments) {
      errors.push({
        line: chunk.line,
        message: `too many YAML documents: more than ${limits.maxDocuments} in one file`,
      });
      return { documents, errors, stats };
    }
    stats.documents++;
    const chunkText = source.slice(chunk.start, chunk.end);
    const special = MAYBE_SPECIAL.test(chunkText);
    const bad = special ? NOT_PRINTABLE.exec(chunkText) : null;
    if (bad) {
      const line = new LineIndex(chunkText, chunk.startLine).lineOf(bad.index);
      const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
      errors.push({
        line,
        message: `invalid YAML at line ${line}: control character U+${code} is not allowed`,
      });
      // Kubernetes stops at the first document it cannot read (reading.ts's appliedDocuments); a
      // review reads on: a document KubeDelta refuses (a duplicate key) is one Kubernetes applies,
      // and so are the documents after it.
      continue;
    }
    if (options.mode !== "exact" && !(special && NOT_FAST.test(chunkText))) {
      try {
        const value = parseFast(source, chunk, limits);
        stats.fast++;
        if (value !== null) documents.push(new FastDocument(value, source, chunk, limits));
        continue;
      } catch {
        // Outside the fast path's subset (or anything unexpected): the exact reader decides.
      }
    }
    stats.exact++;
    // Kubernetes' splitter ends every line, the last one included, with a line break.
    const exactText = chunkText.endsWith("\n") ? chunkText : `${chunkText}\n`;
    const result = readExact(exactText, limits);
    const lines = new LineIndex(exactText, chunk.startLine);
    if ("error" in result) {
      const line = lines.lineOf(result.offset);
      const kind = result.limit ? "YAML limit exceeded" : "invalid YAML";
      errors.push({ line, message: `${kind} at line ${line}: ${result.error}` });
      continue;
    }
    if (result.value !== null) {
      documents.push(new OffsetDocument(result.value, lines.lineOf(result.start), result.positions, lines));
    }
  }
  if (split.error) errors.push(split.error);
  return { documents, errors, stats };
}
