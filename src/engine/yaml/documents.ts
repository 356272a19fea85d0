// Splits a YAML stream into documents on `---` / `...` lines at column 0. YAML forbids those
// lines inside any scalar, so this needs no parsing, and one bad document costs only itself.

/** One document's slice of the stream. */
export interface Chunk {
  /** Offset of the chunk's first character (the `---` line for an explicit document). */
  start: number;
  /** Offset just past the chunk (start of the next marker line, or the end of the text). */
  end: number;
  /** 1-based line of `start`. */
  startLine: number;
  /** Starts with a `---` line: a document even when it holds nothing but comments. */
  explicit: boolean;
  /** 1-based line of the first content (for an empty document, its `---` line). */
  line: number;
}

export interface Split {
  chunks: Chunk[];
  /**
   * The stream has a `%` directive, a lone CR or a stray byte-order mark: splitting by lines is not
   * safe, so the whole stream goes to the fallback parser.
   */
  wholeStream: boolean;
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
  if (hasUnsplittableText(text)) return { chunks, wholeStream: true };
  const length = text.length;
  let chunkStart = 0;
  let chunkLine = 1;
  let explicit = false;
  let contentLine = 0; // first content line of the current chunk, 0 while none
  let lineNo = 1;
  let pos = 0;
  while (pos < length) {
    let nl = text.indexOf("\n", pos);
    if (nl === -1) nl = length;
    const c = text.charCodeAt(pos);
    if (c === 37) return { chunks: [], wholeStream: true }; // % directive
    const marker = c === DASH || c === DOT ? markerAt(text, pos) : 0;
    if (marker === DASH) {
      if (pos > chunkStart) pushChunk(chunks, chunkStart, pos, chunkLine, explicit, contentLine);
      chunkStart = pos;
      chunkLine = lineNo;
      explicit = true;
      contentLine = hasContentAfterMarker(text, pos + 3, nl) ? lineNo : 0;
    } else if (marker === DOT) {
      // Text after `...` is an error the parser should report, so it counts as content.
      if (contentLine === 0 && hasContentAfterMarker(text, pos + 3, nl)) contentLine = lineNo;
      pushChunk(chunks, chunkStart, Math.min(nl + 1, length), chunkLine, explicit, contentLine);
      chunkStart = Math.min(nl + 1, length);
      chunkLine = lineNo + 1;
      explicit = false;
      contentLine = 0;
    } else if (contentLine === 0 && isContentLine(text, pos, nl)) {
      contentLine = lineNo;
    }
    pos = nl + 1;
    lineNo++;
  }
  if (chunkStart < length) pushChunk(chunks, chunkStart, length, chunkLine, explicit, contentLine);
  return { chunks, wholeStream: false };
}

function pushChunk(
  chunks: Chunk[],
  start: number,
  end: number,
  startLine: number,
  explicit: boolean,
  contentLine: number,
): void {
  // A stretch of comments before `---` or after `...` is no document.
  if (!explicit && contentLine === 0) return;
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

function hasContentAfterMarker(text: string, from: number, to: number): boolean {
  return isContentLine(text, from, to);
}

function hasUnsplittableText(text: string): boolean {
  if (text.indexOf("\uFEFF") !== -1) return true;
  let cr = text.indexOf("\r");
  while (cr !== -1) {
    if (text.charCodeAt(cr + 1) !== 10) return true;
    cr = text.indexOf("\r", cr + 2);
  }
  return false;
}
