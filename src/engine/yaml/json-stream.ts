// Files whose first non-space character is `{` are not YAML to Kubernetes: apimachinery's
// YAMLOrJSONDecoder reads them as a stream of JSON values with Go's encoding/json (no comments,
// no unquoted keys, no YAML at all), stopping at the first syntax error. JSON.parse gives no
// positions, so this small reader records where every key and item starts; the grammar is JSON's.

import type { Json, JsonObject } from "../types.js";
import type { OffsetPositions } from "./exact/decode.js";
import { LineIndex, OffsetDocument } from "./exact/document.js";
import { setKey } from "./set-key.js";
import type { ParsedDocument, ParseLimits, ParseOutcome } from "./types.js";

/** How far apimachinery looks for the opening brace (bytes of the decoded text). */
const SNIFF_BYTES = 4096;

/** Whether Kubernetes reads `text` as a JSON stream: `{` after only Unicode spaces, within 4096 bytes. */
export function isJsonStream(text: string): boolean {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes < SNIFF_BYTES; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) return true; // {
    if (!isGoSpace(c)) return false;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return false;
}

/** Go's unicode.IsSpace. */
export function isGoSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonStream(text: string, limits: ParseLimits): ParseOutcome {
  const lines = new LineIndex(text, 1);
  const documents: ParsedDocument[] = [];
  const reader = new JsonReader(text, limits);
  let count = 0;
  for (;;) {
    reader.skipSpace();
    if (reader.atEnd()) return { documents, errors: [] };
    const start = reader.offset;
    if (++count > limits.maxDocuments) {
      return {
        documents,
        errors: [
          {
            line: lines.lineOf(start),
            message: `too many documents: more than ${limits.maxDocuments} in one file`,
          },
        ],
      };
    }
    try {
      const value = reader.value(0);
      if (value !== null)
        documents.push(new OffsetDocument(value, lines.lineOf(start), reader.positions, lines));
    } catch (error) {
      if (!(error instanceof JsonSyntax)) throw error;
      const line = lines.lineOf(error.offset);
      return { documents, errors: [{ line, message: `invalid JSON at line ${line}: ${error.message}` }] };
    }
  }
}

class JsonReader {
  offset = 0;
  readonly positions: OffsetPositions = new Map();
  private nodes = 0;

  constructor(
    private readonly s: string,
    private readonly limits: ParseLimits,
  ) {}

  atEnd(): boolean {
    return this.offset >= this.s.length;
  }

  skipSpace(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.offset);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.offset++;
      else return;
    }
  }

  private fail(message: string): never {
    throw new JsonSyntax(message, this.offset);
  }

  private describe(): string {
    if (this.atEnd()) return "unexpected end of JSON input";
    return `invalid character ${JSON.stringify(String.fromCodePoint(this.s.codePointAt(this.offset) ?? 0))}`;
  }

  value(depth: number): Json {
    if (++this.nodes > this.limits.maxNodes) this.fail(`more than ${this.limits.maxNodes} values`);
    this.skipSpace();
    const c = this.s.charCodeAt(this.offset);
    if (c === 123) return this.object(depth + 1);
    if (c === 91) return this.array(depth + 1);
    if (c === 34) return this.string();
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.s.startsWith(word, this.offset)) {
        this.offset += word.length;
        return value;
      }
    }
    this.fail(`${this.describe()} looking for beginning of value`);
  }

  private enter(depth: number): void {
    if (depth > this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth} levels`);
    this.offset++;
    this.skipSpace();
  }

  private object(depth: number): JsonObject {
    this.enter(depth);
    const out: JsonObject = {};
    const starts = new Map<string, number>();
    this.positions.set(out, starts);
    if (this.s.charCodeAt(this.offset) === 125) {
      this.offset++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.offset;
      if (this.s.charCodeAt(this.offset) !== 34)
        this.fail(`${this.describe()} looking for beginning of object key string`);
      const key = this.string();
      // The API server's strict field validation (kubectl's default) rejects duplicate fields.
      if (starts.has(key)) throw new JsonSyntax(`duplicate field "${key}"`, keyStart);
      this.skipSpace();
      if (this.s.charCodeAt(this.offset) !== 58) this.fail(`${this.describe()} after object key`);
      this.offset++;
      setKey(out, key, this.value(depth));
      starts.set(key, keyStart);
      this.skipSpace();
      const c = this.s.charCodeAt(this.offset);
      this.offset++;
      if (c === 125) return out;
      if (c !== 44) {
        this.offset--;
        this.fail(`${this.describe()} after object key:value pair`);
      }
    }
  }

  private array(depth: number): Json[] {
    this.enter(depth);
    const out: Json[] = [];
    const starts: number[] = [];
    this.positions.set(out, starts);
    if (this.s.charCodeAt(this.offset) === 93) {
      this.offset++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      starts.push(this.offset);
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.s.charCodeAt(this.offset);
      this.offset++;
      if (c === 93) return out;
      if (c !== 44) {
        this.offset--;
        this.fail(`${this.describe()} after array element`);
      }
    }
  }

  private string(): string {
    const start = this.offset;
    let end = start + 1;
    for (;;) {
      if (end >= this.s.length) {
        this.offset = end;
        this.fail("unexpected end of JSON input");
      }
      const c = this.s.charCodeAt(end);
      if (c === 34) break;
      if (c < 0x20) {
        this.offset = end;
        this.fail(`${this.describe()} in string literal`);
      }
      end += c === 92 ? 2 : 1;
    }
    const literal = this.s.slice(start, end + 1);
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      this.fail("invalid escape in string literal");
    }
    this.offset = end + 1;
    // Go turns each unpaired surrogate escape into U+FFFD, where JavaScript keeps it.
    return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  }

  private number(): number {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(
      this.s.slice(this.offset, this.offset + 400),
    );
    if (!match) {
      this.offset++;
      this.fail(`${this.describe()} in numeric literal`);
    }
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail(`number ${match[0]} is out of range`);
    this.offset += match[0].length;
    return value;
  }
}
