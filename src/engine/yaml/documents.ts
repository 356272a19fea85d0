// Splits a YAML stream into documents the way Kubernetes does before any YAML is read
// (apimachinery's YAMLReader): line by line, a line starting with `---` separates documents when
// only spaces or a comment follow it (so `---#` separates too), any other text after `---` is an
// error that stops the file, and a separator met before any text of its document stays in that
// document. `...` lines and everything else are left to the YAML reader.

import { isGoSpace } from "./json-stream.js";

/** One document's slice of the stream. */
export interface Chunk {
  /** Offset of the chunk's first character (a `---` line when the chunk starts with one). */
  start: number;
  /** Offset just past the chunk's last line break (or the end of the text). */
  end: number;
  /** 1-based line of `start`. */
  startLine: number;
  /** Starts with a `---` line. */
  explicit: boolean;
  /** 1-based line of the first content (for a chunk without content, its first line). */
  line: number;
}

export interface Split {
  chunks: Chunk[];
  /** A `---` line followed by other text: Kubernetes stops reading the file there. */
  error?: { line: number; message: string };
}

const DASH = 45;
const DOT = 46;

/** 0 for an ordinary line, or the marker kind (`-` or `.`) of a `---` / `...` line at `at`. */
export function markerAt(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c !== DASH && c !== DOT) return 0;
  if (text.charCodeAt(at + 1) !== c || text.charCodeAt(at + 2) !== c) return 0;
  const next = text.charCodeAt(at + 3);
  // Followed by a space, tab, line break or the end of the text (NaN).
  if (next === 32 || next === 9 || next === 10 || next === 13 || Number.isNaN(next)) return c;
  return 0;
}

/** Splits `text` (without a leading byte-order mark) into document chunks. */
export function splitDocuments(text: string): Split {
  const chunks: Chunk[] = [];
  const length = text.length;
  let chunkStart = 0;
  let chunkLine = 1;
  let contentLine = 0; // first content line of the current chunk, 0 while none
  let lineNo = 1;
  let pos = 0;
  while (pos < length) {
    let nl = text.indexOf("\n", pos);
    if (nl === -1) nl = length;
    if (text.startsWith("---", pos)) {
      const rest = trimGoSpace(text.slice(pos + 3, nl));
      if (rest !== "" && !rest.startsWith("#")) {
        if (pos > chunkStart) pushChunk(chunks, text, chunkStart, pos, chunkLine, contentLine);
        return {
          chunks,
          error: { line: lineNo, message: `invalid YAML document separator at line ${lineNo}: ${rest}` },
        };
      }
      if (pos > chunkStart) {
        // The separator ends the document before it and is not part of the next one.
        pushChunk(chunks, text, chunkStart, pos, chunkLine, contentLine);
        chunkStart = Math.min(nl + 1, length);
        chunkLine = lineNo + 1;
        contentLine = 0;
      }
    } else if (contentLine === 0 && isContentLine(text, pos, nl)) {
      contentLine = lineNo;
    }
    pos = nl + 1;
    lineNo++;
  }
  if (chunkStart < length) pushChunk(chunks, text, chunkStart, length, chunkLine, contentLine);
  return { chunks };
}

function pushChunk(
  chunks: Chunk[],
  text: string,
  start: number,
  end: number,
  startLine: number,
  contentLine: number,
): void {
  const explicit = text.startsWith("---", start);
  chunks.push({ start, end, startLine, explicit, line: contentLine || startLine });
}

/** A line with something other than blanks and a comment. */
function isContentLine(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) i++;
    else return c !== 35; // #
  }
  return false;
}

/** Go's strings.TrimSpace. */
function trimGoSpace(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && isGoSpace(s.charCodeAt(from))) from++;
  while (to > from && isGoSpace(s.charCodeAt(to - 1))) to--;
  return s.slice(from, to);
}
