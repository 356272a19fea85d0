// The fast path: a line-oriented parser for the block-YAML subset that real manifests use. It
// scans char codes, allocates only the values it returns, and gives up (throws UNSUPPORTED) on
// anything outside the subset or anything it is not sure about, so the caller can hand that
// document to the complete parser. It must never return a value the complete parser would not.

import type { Json, JsonObject } from "../types.js";
import { blockScalarValue, type Chomping } from "./block-text.js";
import { type Chunk, markerAt } from "./documents.js";
import { hexValue, simpleEscape } from "./escapes.js";
import { resolvePlainScalar } from "./scalars.js";
import { setKey } from "./set-key.js";
import type { ParseLimits } from "./types.js";

class Unsupported extends Error {}

/** Longest key the fast path reads (go-yaml refuses simple keys past 1024 characters). */
const MAX_KEY = 300;

/** A plain scalar's value; NaN and infinities, which JSON cannot hold, go to the exact reader. */
function plainValue(text: string): Json {
  const value = resolvePlainScalar(text);
  if (typeof value === "number" && !Number.isFinite(value)) throw UNSUPPORTED;
  return value;
}

/** Thrown (one shared instance, no stack capture per bail-out) when the fast path gives up. */
export const UNSUPPORTED: Error = new Unsupported("outside the fast path's YAML subset");

/** Lines of entries, per collection of a re-parsed value: by key for mappings, by index for sequences. */
export type Positions = Map<object, Map<string, number> | number[]>;

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const PIPE = 124;
const GT = 62;

/** Parses one document chunk, or throws UNSUPPORTED. */
export function parseFast(text: string, chunk: Chunk, limits: ParseLimits): Json {
  return new FastParser(text, chunk, limits, null).document();
}

/** Parses one document chunk again, recording the line of every entry; throws UNSUPPORTED. */
export function parseFastWithPositions(
  text: string,
  chunk: Chunk,
  limits: ParseLimits,
): { value: Json; positions: Positions } {
  const positions: Positions = new Map();
  const value = new FastParser(text, chunk, limits, positions).document();
  return { value, positions };
}

class FastParser {
  private readonly s: string;
  private readonly end: number;
  private readonly maxDepth: number;
  private readonly maxNodes: number;
  private nodes = 0;

  // The current line: [ls, le) without its line break; `next` is the start of the following line.
  private ls = 0;
  private le = 0;
  private next = 0;
  private hasBreak = false;
  private lineNo: number;
  private eof = false;
  /** Indentation of the current line, valid after skipToContent(). */
  private ind = 0;
  /** Offset just past the last scanned token. */
  private q = 0;

  constructor(
    text: string,
    private readonly chunk: Chunk,
    limits: ParseLimits,
    private readonly positions: Positions | null,
  ) {
    this.s = text;
    this.end = chunk.end;
    this.maxDepth = limits.maxDepth;
    this.maxNodes = limits.maxNodes;
    this.lineNo = chunk.startLine;
    this.load(chunk.start);
  }

  document(): Json {
    if (this.chunk.explicit) {
      if (!this.endOfLineOk(this.ls + 3)) throw UNSUPPORTED; // content on the `---` line
      this.advance();
    }
    this.skipToContent();
    if (this.eof) {
      this.count();
      return null;
    }
    const value = this.ownLineNode(this.ls + this.ind, this.ind, 0);
    this.skipToContent();
    if (!this.eof) throw UNSUPPORTED;
    return value;
  }

  // ---- lines

  private load(start: number): void {
    this.ls = start;
    if (start >= this.end) {
      this.eof = true;
      this.le = start;
      return;
    }
    let nl = this.s.indexOf("\n", start);
    if (nl === -1 || nl >= this.end) {
      nl = this.end;
      this.hasBreak = false;
    } else {
      this.hasBreak = true;
    }
    this.le = nl > start && this.s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    this.next = nl + 1;
  }

  private advance(): void {
    this.lineNo++;
    this.load(this.next);
  }

  /** Moves to the next line with content (this one included) and sets `ind`. */
  private skipToContent(): void {
    const s = this.s;
    while (!this.eof) {
      const ls = this.ls;
      let i = ls;
      while (s.charCodeAt(i) === SPACE) i++;
      if (i >= this.le) {
        this.advance();
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === TAB) throw UNSUPPORTED;
      if (c === HASH) {
        this.advance();
        continue;
      }
      // `...` ends the YAML document but not Kubernetes' chunk: the exact reader handles what follows.
      if (i === ls && c === 46 && markerAt(s, ls) === 46) throw UNSUPPORTED;
      this.ind = i - ls;
      return;
    }
  }

  /** Only blanks and possibly a comment (after a blank) from `i` to the end of the line. */
  private endOfLineOk(i: number): boolean {
    const s = this.s;
    let j = i;
    while (s.charCodeAt(j) === SPACE) j++;
    if (j >= this.le) return true;
    return s.charCodeAt(j) === HASH && j > i;
  }

  /** A space or the end of the line at `i`: what must follow `-` and `:` indicators. */
  private blankAt(i: number): boolean {
    return i >= this.le || this.s.charCodeAt(i) === SPACE;
  }

  private count(): void {
    if (++this.nodes > this.maxNodes) throw UNSUPPORTED;
  }

  // ---- block structure

  /** A node that starts the current line at offset `p` (column `col`), inside `depth` collections. */
  private ownLineNode(p: number, col: number, depth: number): Json {
    const c = this.s.charCodeAt(p);
    if (c === DASH && this.blankAt(p + 1)) return this.blockSeq(p, col, depth + 1);
    if (this.isKeyLine(p)) return this.blockMap(p, col, depth + 1);
    if (c === PIPE || c === GT) throw UNSUPPORTED; // block scalar header on a line of its own
    const value = this.singleLineValue(p, depth);
    this.advance();
    return value;
  }

  /** Does the text at `p` start a `key: ...` entry? */
  private isKeyLine(p: number): boolean {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      if (c === DQUOTE) this.doubleQuoted(p);
      else this.singleQuoted(p);
      return s.charCodeAt(this.q) === COLON && this.blankAt(this.q + 1);
    }
    if (c === LBRACKET || c === LBRACE) return false;
    const le = this.le;
    for (let i = p; i < le; i++) {
      const ch = s.charCodeAt(i);
      if (ch === COLON) {
        if (this.blankAt(i + 1)) return true;
      } else if (ch === HASH && s.charCodeAt(i - 1) === SPACE) {
        return false;
      }
    }
    return false;
  }

  private blockMap(p: number, col: number, depth: number): JsonObject {
    if (depth > this.maxDepth) throw UNSUPPORTED;
    this.count();
    const s = this.s;
    const out: JsonObject = {};
    const lines = this.positions ? new Map<string, number>() : null;
    if (lines) this.positions?.set(out, lines);
    for (;;) {
      const key = this.key(p);
      if (Object.hasOwn(out, key)) throw UNSUPPORTED; // duplicate: the complete parser reports it
      if (lines) lines.set(key, this.lineNo);
      let i = this.q;
      while (s.charCodeAt(i) === SPACE) i++;
      let value: Json;
      if (i >= this.le || s.charCodeAt(i) === HASH) {
        value = this.valueBelow(col, depth, true);
      } else {
        const c = s.charCodeAt(i);
        if (c === PIPE || c === GT) value = this.blockScalar(i, col);
        else {
          value = this.singleLineValue(i, depth);
          this.advance();
        }
      }
      setKey(out, key, value);
      this.skipToContent();
      if (this.eof || this.ind < col) return out;
      if (this.ind > col) throw UNSUPPORTED;
      p = this.ls + col;
    }
  }

  /** A mapping key at `p` up to its `:` indicator; sets `q` just past the colon. */
  private key(p: number): string {
    const s = this.s;
    const c = s.charCodeAt(p);
    let key: string;
    let e: number;
    if (c === DQUOTE) {
      key = this.doubleQuoted(p);
      e = this.q;
    } else if (c === SQUOTE) {
      key = this.singleQuoted(p);
      e = this.q;
    } else {
      if (!this.plainStartOk(p, false)) throw UNSUPPORTED;
      const le = this.le;
      let i = p;
      for (;;) {
        if (i >= le) throw UNSUPPORTED;
        const ch = s.charCodeAt(i);
        if (ch === COLON) {
          if (this.blankAt(i + 1)) break;
        } else if (ch === TAB || (ch === HASH && s.charCodeAt(i - 1) === SPACE)) {
          throw UNSUPPORTED;
        }
        i++;
      }
      // `key : value` and long implicit keys (go-yaml stops at 1024 characters) go to the exact reader.
      if (s.charCodeAt(i - 1) === SPACE || i - p > MAX_KEY) throw UNSUPPORTED;
      key = s.slice(p, i);
      // Merge keys, and keys go-yaml types (`yes`, `1`, `~`) that become other JSON keys.
      if (key === "<<" || typeof resolvePlainScalar(key) !== "string") throw UNSUPPORTED;
      e = i;
    }
    if (e - p > MAX_KEY) throw UNSUPPORTED;
    if (s.charCodeAt(e) !== COLON || !this.blankAt(e + 1)) throw UNSUPPORTED;
    this.q = e + 1;
    return key;
  }

  /**
   * The value of an entry whose line ends after its indicator: a node on the following lines,
   * indented more than `ownerCol` (or a sequence at `ownerCol` when `sameIndentSeq`), else null.
   */
  private valueBelow(ownerCol: number, depth: number, sameIndentSeq: boolean): Json {
    this.advance();
    this.skipToContent();
    if (!this.eof) {
      const p = this.ls + this.ind;
      if (this.ind > ownerCol) return this.ownLineNode(p, this.ind, depth);
      if (sameIndentSeq && this.ind === ownerCol && this.s.charCodeAt(p) === DASH && this.blankAt(p + 1)) {
        return this.blockSeq(p, ownerCol, depth + 1);
      }
    }
    this.count();
    return null;
  }

  private blockSeq(p: number, col: number, depth: number): Json[] {
    if (depth > this.maxDepth) throw UNSUPPORTED;
    this.count();
    const s = this.s;
    const out: Json[] = [];
    const lines: number[] | null = this.positions ? [] : null;
    if (lines) this.positions?.set(out, lines);
    for (;;) {
      if (lines) lines.push(this.lineNo);
      let i = p + 1;
      while (s.charCodeAt(i) === SPACE) i++;
      if (i >= this.le || s.charCodeAt(i) === HASH) out.push(this.valueBelow(col, depth, false));
      else out.push(this.compactItem(i, col, depth));
      this.skipToContent();
      if (this.eof || this.ind < col) return out;
      if (this.ind > col) throw UNSUPPORTED;
      p = this.ls + col;
      if (s.charCodeAt(p) !== DASH || !this.blankAt(p + 1)) return out;
    }
  }

  /** A sequence item that starts on the `-` line at `i`: nested sequence, compact mapping or scalar. */
  private compactItem(i: number, seqCol: number, depth: number): Json {
    const c = this.s.charCodeAt(i);
    const col = i - this.ls;
    if (c === DASH && this.blankAt(i + 1)) return this.blockSeq(i, col, depth + 1);
    if (c === PIPE || c === GT) return this.blockScalar(i, seqCol);
    if (this.isKeyLine(i)) return this.blockMap(i, col, depth + 1);
    const value = this.singleLineValue(i, depth);
    this.advance();
    return value;
  }

  // ---- scalars

  /** A scalar or flow collection that must end on this line (the line is not consumed). */
  private singleLineValue(p: number, depth: number): Json {
    const s = this.s;
    const c = s.charCodeAt(p);
    let value: Json;
    if (c === DQUOTE || c === SQUOTE) {
      this.count();
      value = c === DQUOTE ? this.doubleQuoted(p) : this.singleQuoted(p);
    } else if (c === LBRACKET) {
      value = this.flowSeq(p, depth + 1);
    } else if (c === LBRACE) {
      value = this.flowMap(p, depth + 1);
    } else {
      if (!this.plainStartOk(p, false)) throw UNSUPPORTED;
      const le = this.le;
      let i = p;
      for (; i < le; i++) {
        const ch = s.charCodeAt(i);
        if (ch === COLON) {
          if (this.blankAt(i + 1)) throw UNSUPPORTED; // a mapping where a scalar belongs
        } else if (ch === HASH) {
          if (s.charCodeAt(i - 1) === SPACE) break;
        } else if (ch === TAB) {
          throw UNSUPPORTED;
        }
      }
      let e = i;
      while (s.charCodeAt(e - 1) === SPACE) e--;
      this.count();
      return plainValue(s.slice(p, e));
    }
    if (!this.endOfLineOk(this.q)) throw UNSUPPORTED;
    return value;
  }

  /**
   * Whether a plain scalar may start at `p` (YAML's ns-plain-first): no indicator, except `-`, `?`
   * and `:` followed by a safe character.
   */
  private plainStartOk(p: number, flow: boolean): boolean {
    const s = this.s;
    const c = s.charCodeAt(p);
    switch (c) {
      case 45: // -
      case 63: // ?
      case 58: {
        // :
        // go-yaml reads `?` and `:` in a flow collection as indicators, whatever follows them.
        if (flow && c !== 45) return false;
        if (p + 1 >= this.le) return false;
        const n = s.charCodeAt(p + 1);
        if (n === SPACE || n === TAB) return false;
        return !(flow && (n === COMMA || n === LBRACKET || n === RBRACKET || n === LBRACE || n === RBRACE));
      }
      case 44: // ,
      case 91: // [
      case 93: // ]
      case 123: // {
      case 125: // }
      case 35: // #
      case 38: // &
      case 42: // *
      case 33: // !
      case 124: // |
      case 62: // >
      case 39: // '
      case 34: // "
      case 37: // %
      case 64: // @
      case 96: // `
      case SPACE:
      case TAB:
        return false;
      default:
        return p < this.le;
    }
  }

  /** A double-quoted scalar on one line; sets `q` past the closing quote. */
  private doubleQuoted(p: number): string {
    const s = this.s;
    const le = this.le;
    let i = p + 1;
    for (;;) {
      if (i >= le) throw UNSUPPORTED; // continues on the next line
      const ch = s.charCodeAt(i);
      if (ch === DQUOTE) {
        this.q = i + 1;
        return s.slice(p + 1, i);
      }
      if (ch === BACKSLASH) break;
      i++;
    }
    let out = s.slice(p + 1, i);
    for (;;) {
      if (i >= le) throw UNSUPPORTED;
      const ch = s.charCodeAt(i);
      if (ch === DQUOTE) {
        this.q = i + 1;
        return out;
      }
      if (ch !== BACKSLASH) {
        let j = i + 1;
        while (j < le) {
          const cj = s.charCodeAt(j);
          if (cj === DQUOTE || cj === BACKSLASH) break;
          j++;
        }
        out += s.slice(i, j);
        i = j;
        continue;
      }
      if (i + 1 >= le) throw UNSUPPORTED; // escaped line break
      const e = s.charCodeAt(i + 1);
      const simple = simpleEscape(e);
      if (simple !== undefined) {
        out += simple;
        i += 2;
        continue;
      }
      const digits = e === 120 ? 2 : e === 117 ? 4 : e === 85 ? 8 : 0; // x u U
      if (digits === 0 || i + 2 + digits > le) throw UNSUPPORTED;
      let code = 0;
      for (let k = i + 2; k < i + 2 + digits; k++) {
        const h = hexValue(s.charCodeAt(k));
        if (h < 0) throw UNSUPPORTED;
        code = code * 16 + h;
      }
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw UNSUPPORTED;
      out += String.fromCodePoint(code);
      i += 2 + digits;
    }
  }

  /** A single-quoted scalar on one line; sets `q` past the closing quote. */
  private singleQuoted(p: number): string {
    const s = this.s;
    const le = this.le;
    let i = p + 1;
    let doubled = false;
    for (;;) {
      if (i >= le) throw UNSUPPORTED;
      if (s.charCodeAt(i) === SQUOTE) {
        if (s.charCodeAt(i + 1) !== SQUOTE || i + 1 >= le) break;
        doubled = true;
        i += 2;
      } else {
        i++;
      }
    }
    this.q = i + 1;
    const body = s.slice(p + 1, i);
    return doubled ? body.replaceAll("''", "'") : body;
  }

  /** A `|` or `>` block scalar whose header is at `h`; `parentIndent` is its owner's column. */
  private blockScalar(h: number, parentIndent: number): string {
    const s = this.s;
    const folded = s.charCodeAt(h) === GT;
    let chomp: Chomping = 0;
    let chompSet = false;
    let explicit = 0;
    let i = h + 1;
    for (let k = 0; k < 2; k++) {
      const c = s.charCodeAt(i);
      if ((c === DASH || c === 43) && !chompSet && i < this.le) {
        chomp = c === DASH ? -1 : 1;
        chompSet = true;
        i++;
      } else if (c >= 49 && c <= 57 && explicit === 0 && i < this.le) {
        explicit = c - 48;
        i++;
      } else {
        break;
      }
    }
    if (!this.endOfLineOk(i) || !this.hasBreak) throw UNSUPPORTED;
    this.count();
    let indent = explicit > 0 ? parentIndent + explicit : -1;
    const lines: string[] = [];
    let contentLines = 0; // lines up to and including the last non-empty one
    let longestLeadingEmpty = 0;
    this.advance();
    while (!this.eof) {
      const ls = this.ls;
      let j = ls;
      while (s.charCodeAt(j) === SPACE) j++;
      const spaces = j - ls;
      if (j >= this.le) {
        // An empty line; one with more spaces than the indentation would be content.
        if (indent >= 0 && spaces > indent) throw UNSUPPORTED;
        if (spaces > longestLeadingEmpty) longestLeadingEmpty = spaces;
        lines.push("");
      } else {
        if (s.charCodeAt(j) === TAB) throw UNSUPPORTED;
        if (indent < 0) {
          if (spaces <= parentIndent) break;
          if (longestLeadingEmpty > spaces) throw UNSUPPORTED;
          indent = spaces;
        }
        if (spaces < indent) break;
        lines.push(s.slice(ls + indent, this.le));
        contentLines = lines.length;
      }
      if (!this.hasBreak) throw UNSUPPORTED; // last line of the text without a line break
      this.advance();
    }
    return blockScalarValue(lines, contentLines, folded, chomp);
  }

  // ---- flow collections (on one line)

  private flowSeq(p: number, depth: number): Json[] {
    if (depth > this.maxDepth) throw UNSUPPORTED;
    this.count();
    const s = this.s;
    const out: Json[] = [];
    const lines: number[] | null = this.positions ? [] : null;
    if (lines) this.positions?.set(out, lines);
    let i = this.skipSpaces(p + 1);
    if (s.charCodeAt(i) === RBRACKET) {
      this.q = i + 1;
      return out;
    }
    for (;;) {
      if (i >= this.le) throw UNSUPPORTED;
      if (lines) lines.push(this.lineNo);
      out.push(this.flowNode(i, depth));
      i = this.flowSeparator(this.q, RBRACKET);
      if (i < 0) return out;
    }
  }

  /**
   * After a flow item: the start of the next item (past a `,`), or -1 when the collection closes
   * (a trailing `,` before the close is allowed), with `q` set past the closing bracket.
   */
  private flowSeparator(p: number, close: number): number {
    const s = this.s;
    let i = this.skipSpaces(p);
    const c = s.charCodeAt(i);
    if (c === COMMA) {
      i = this.skipSpaces(i + 1);
      const n = s.charCodeAt(i);
      if (n === COMMA) throw UNSUPPORTED;
      if (n !== close || i >= this.le) return i;
    } else if (c !== close || i >= this.le) {
      throw UNSUPPORTED;
    }
    this.q = i + 1;
    return -1;
  }

  private flowMap(p: number, depth: number): JsonObject {
    if (depth > this.maxDepth) throw UNSUPPORTED;
    this.count();
    const s = this.s;
    const out: JsonObject = {};
    const lines = this.positions ? new Map<string, number>() : null;
    if (lines) this.positions?.set(out, lines);
    let i = this.skipSpaces(p + 1);
    if (s.charCodeAt(i) === RBRACE) {
      this.q = i + 1;
      return out;
    }
    for (;;) {
      if (i >= this.le) throw UNSUPPORTED;
      const c = s.charCodeAt(i);
      let key: string;
      if (c === DQUOTE) key = this.doubleQuoted(i);
      else if (c === SQUOTE) key = this.singleQuoted(i);
      else {
        if (!this.plainStartOk(i, true)) throw UNSUPPORTED;
        const e = this.flowPlainEnd(i);
        key = s.slice(i, trimEnd(s, i, e));
        if (key === "<<" || typeof resolvePlainScalar(key) !== "string") throw UNSUPPORTED;
        this.q = e;
      }
      if (this.q - i > MAX_KEY) throw UNSUPPORTED;
      const colon = this.q;
      if (s.charCodeAt(colon) !== COLON || s.charCodeAt(colon + 1) !== SPACE) throw UNSUPPORTED;
      if (Object.hasOwn(out, key)) throw UNSUPPORTED;
      if (lines) lines.set(key, this.lineNo);
      i = this.skipSpaces(colon + 1);
      const v = s.charCodeAt(i);
      if (i >= this.le || v === COMMA || v === RBRACE || v === HASH) throw UNSUPPORTED;
      setKey(out, key, this.flowNode(i, depth));
      i = this.flowSeparator(this.q, RBRACE);
      if (i < 0) return out;
    }
  }

  /** A node inside a flow collection; sets `q` past it. */
  private flowNode(i: number, depth: number): Json {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (c === LBRACKET) return this.flowSeq(i, depth + 1);
    if (c === LBRACE) return this.flowMap(i, depth + 1);
    this.count();
    if (c === DQUOTE) return this.doubleQuoted(i);
    if (c === SQUOTE) return this.singleQuoted(i);
    if (!this.plainStartOk(i, true)) throw UNSUPPORTED;
    const e = this.flowPlainEnd(i);
    this.q = e;
    return plainValue(s.slice(i, trimEnd(s, i, e)));
  }

  /** End of a plain scalar inside a flow collection. */
  private flowPlainEnd(i: number): number {
    const s = this.s;
    const le = this.le;
    let j = i;
    for (; j < le; j++) {
      const ch = s.charCodeAt(j);
      if (ch === COMMA || ch === LBRACKET || ch === RBRACKET || ch === LBRACE || ch === RBRACE) break;
      // go-yaml ends a flow plain scalar at `?`: left to the exact reader.
      if (ch === TAB || ch === 63) throw UNSUPPORTED;
      if (ch === COLON) {
        const n = j + 1 < le ? s.charCodeAt(j + 1) : SPACE;
        if (n === SPACE || n === COMMA || n === LBRACKET || n === RBRACKET || n === LBRACE || n === RBRACE)
          break;
      } else if (ch === HASH && s.charCodeAt(j - 1) === SPACE) {
        break;
      }
    }
    return j;
  }

  private skipSpaces(i: number): number {
    const s = this.s;
    while (s.charCodeAt(i) === SPACE) i++;
    return i;
  }
}

function trimEnd(s: string, start: number, end: number): number {
  while (end > start && s.charCodeAt(end - 1) === SPACE) end--;
  return end;
}
