// The tokenizer of the exact reader. It follows the scanning rules of go-yaml v2 (a port of
// libyaml 0.1), the YAML reader Kubernetes uses, because that is where readers disagree: which
// characters break a line (CR, NEL, LS and PS too), where tabs may stand, when a key may start,
// which escapes exist, how plain, quoted and block scalars fold. Written from the behaviour of that
// reader and checked against it by the differential tests (test/yaml/kubernetes-*.test.ts).

import { hexValue, simpleEscape } from "../escapes.js";

export type TokenType =
  | "stream-start"
  | "stream-end"
  | "document-start"
  | "document-end"
  | "block-sequence-start"
  | "block-mapping-start"
  | "block-end"
  | "flow-sequence-start"
  | "flow-sequence-end"
  | "flow-mapping-start"
  | "flow-mapping-end"
  | "block-entry"
  | "flow-entry"
  | "key"
  | "value"
  | "alias"
  | "anchor"
  | "tag"
  | "scalar"
  | "version-directive"
  | "tag-directive";

export type ScalarStyle = "plain" | "single" | "double" | "literal" | "folded";

export interface Token {
  type: TokenType;
  /** Offset of the token's first character in the text. */
  start: number;
  /** Scalar text, anchor or alias name. */
  value?: string;
  style?: ScalarStyle;
  /** Tag handle (`!`, `!!`, `!name!`, or "" for a verbatim or non-specific tag) and suffix. */
  handle?: string;
  suffix?: string;
  /** `%YAML major.minor`. */
  version?: [number, number];
}

/** A syntax error at an offset of the text. */
export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface Mark {
  index: number;
  line: number;
  column: number;
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const NEL = 0x85;
const LS = 0x2028;
const PS = 0x2029;

/** Longest simple key, in characters, as go-yaml counts it. */
const MAX_SIMPLE_KEY = 1024;

export class Scanner {
  private i = 0;
  private line = 0;
  private column = 0;
  private flowLevel = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private simpleKeyAllowed = false;
  private readonly simpleKeys: SimpleKey[] = [];
  private tokens: Token[] = [];
  private head = 0;
  private tokensParsed = 0;
  private started = false;
  private ended = false;

  constructor(
    private readonly s: string,
    begin = 0,
  ) {
    this.i = begin;
  }

  /** The next token, without consuming it. */
  peek(): Token {
    this.fetchMore();
    return this.tokens[this.head];
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const token = this.peek();
    this.head++;
    this.tokensParsed++;
    if (this.head === this.tokens.length) {
      this.tokens = [];
      this.head = 0;
    }
    return token;
  }

  // ---- characters

  private code(at: number): number {
    return at < this.s.length ? this.s.charCodeAt(at) : -1;
  }

  private isBreakAt(at: number): boolean {
    const c = this.code(at);
    return c === LF || c === CR || c === NEL || c === LS || c === PS;
  }

  private isBlankAt(at: number): boolean {
    const c = this.code(at);
    return c === SPACE || c === TAB;
  }

  private isBreakZAt(at: number): boolean {
    return at >= this.s.length || this.isBreakAt(at);
  }

  private isBlankZAt(at: number): boolean {
    return this.isBlankAt(at) || this.isBreakZAt(at);
  }

  private mark(): Mark {
    return { index: this.i, line: this.line, column: this.column };
  }

  /** Moves past one character (a surrogate pair is one character). */
  private skip(): void {
    const c = this.s.charCodeAt(this.i);
    const pair = c >= 0xd800 && c <= 0xdbff && (this.s.charCodeAt(this.i + 1) & 0xfc00) === 0xdc00;
    this.i += pair ? 2 : 1;
    this.column++;
  }

  /** The current character as text, consumed. */
  private read(): string {
    const from = this.i;
    this.skip();
    return this.s.slice(from, this.i);
  }

  /** Moves past a line break (CR LF counts as one). */
  private skipLine(): void {
    const c = this.code(this.i);
    if (c === CR && this.code(this.i + 1) === LF) this.i += 2;
    else this.i++;
    this.line++;
    this.column = 0;
  }

  /** Consumes a line break: CR LF, CR, LF and NEL read as "\n", LS and PS as themselves. */
  private readLine(): string {
    const c = this.code(this.i);
    this.skipLine();
    return c === LS || c === PS ? String.fromCharCode(c) : "\n";
  }

  private fail(message: string, at: number = this.i): never {
    throw new YamlSyntaxError(message, at);
  }

  // ---- the token queue

  private fetchMore(): void {
    for (;;) {
      let needMore = this.head === this.tokens.length;
      if (!needMore) {
        this.staleSimpleKeys();
        for (const key of this.simpleKeys) {
          if (key.possible && key.tokenNumber === this.tokensParsed) {
            needMore = true;
            break;
          }
        }
      }
      if (!needMore) return;
      this.fetchNext();
    }
  }

  private push(type: TokenType, start: number, extra?: Partial<Token>): void {
    this.tokens.push({ type, start, ...extra });
  }

  /** Inserts a token `number - tokensParsed` places after the head of the queue. */
  private insert(number: number, token: Token): void {
    this.tokens.splice(this.head + number - this.tokensParsed, 0, token);
  }

  private fetchNext(): void {
    if (this.ended) this.fail("did not expect anything after the end of the stream");
    if (!this.started) {
      this.started = true;
      this.indent = -1;
      this.simpleKeyAllowed = true;
      this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.mark() });
      this.push("stream-start", 0);
      return;
    }
    this.scanToNextToken();
    this.staleSimpleKeys();
    this.unrollIndent(this.column);
    if (this.i >= this.s.length) {
      this.fetchStreamEnd();
      return;
    }
    const c = this.s.charCodeAt(this.i);
    if (this.column === 0) {
      if (c === 37) {
        this.fetchDirective();
        return;
      } // %
      if (this.isDocumentIndicator(45)) {
        this.fetchDocumentIndicator("document-start");
        return;
      }
      if (this.isDocumentIndicator(46)) {
        this.fetchDocumentIndicator("document-end");
        return;
      }
    }
    const flow = this.flowLevel > 0;
    switch (c) {
      case 91: // [
        {
          this.fetchFlowCollectionStart("flow-sequence-start");
          return;
        }
      case 123: // {
        {
          this.fetchFlowCollectionStart("flow-mapping-start");
          return;
        }
      case 93: // ]
        {
          this.fetchFlowCollectionEnd("flow-sequence-end");
          return;
        }
      case 125: // }
        {
          this.fetchFlowCollectionEnd("flow-mapping-end");
          return;
        }
      case 44: // ,
        {
          this.fetchFlowEntry();
          return;
        }
      case 45: // -
        if (this.isBlankZAt(this.i + 1)) {
          this.fetchBlockEntry();
          return;
        }
        break;
      case 63: // ?
        if (flow || this.isBlankZAt(this.i + 1)) {
          this.fetchKey();
          return;
        }
        break;
      case 58: // :
        if (flow || this.isBlankZAt(this.i + 1)) {
          this.fetchValue();
          return;
        }
        break;
      case 42: // *
        {
          this.fetchAnchor("alias");
          return;
        }
      case 38: // &
        {
          this.fetchAnchor("anchor");
          return;
        }
      case 33: // !
        {
          this.fetchTag();
          return;
        }
      case 124: // |
        if (!flow) {
          this.fetchBlockScalar(true);
          return;
        }
        break;
      case 62: // >
        if (!flow) {
          this.fetchBlockScalar(false);
          return;
        }
        break;
      case 39: // '
        {
          this.fetchFlowScalar(true);
          return;
        }
      case 34: // "
        {
          this.fetchFlowScalar(false);
          return;
        }
    }
    if (this.canStartPlain(c)) {
      this.fetchPlainScalar();
      return;
    }
    this.fail("found character that cannot start any token");
  }

  private canStartPlain(c: number): boolean {
    if (this.isBlankZAt(this.i)) return false;
    switch (c) {
      case 45: // -
        return !this.isBlankAt(this.i + 1);
      case 63: // ?
      case 58: // :
        return this.flowLevel === 0 && !this.isBlankZAt(this.i + 1);
      case 44:
      case 91:
      case 93:
      case 123:
      case 125:
      case 35: // #
      case 38:
      case 42:
      case 33:
      case 124:
      case 62:
      case 39:
      case 34:
      case 37: // %
      case 64: // @
      case 96: // `
        return false;
      default:
        return true;
    }
  }

  /** `---` or `...` at the current position, followed by a blank, a break or the end. */
  private isDocumentIndicator(c: number): boolean {
    const s = this.s;
    return (
      s.charCodeAt(this.i) === c &&
      s.charCodeAt(this.i + 1) === c &&
      s.charCodeAt(this.i + 2) === c &&
      this.isBlankZAt(this.i + 3)
    );
  }

  private scanToNextToken(): void {
    for (;;) {
      // Tabs separate tokens only in flow context or where no simple key may start.
      for (;;) {
        const c = this.code(this.i);
        if (c === SPACE || (c === TAB && (this.flowLevel > 0 || !this.simpleKeyAllowed))) this.skip();
        else break;
      }
      if (this.code(this.i) === 35) {
        while (!this.isBreakZAt(this.i)) this.skip();
      }
      if (!this.isBreakAt(this.i)) return;
      this.skipLine();
      if (this.flowLevel === 0) this.simpleKeyAllowed = true;
    }
  }

  // ---- simple keys and indentation

  private staleSimpleKeys(): void {
    for (const key of this.simpleKeys) {
      if (key.possible && (key.mark.line < this.line || this.longerThanSimpleKey(key.mark.index))) {
        if (key.required) this.fail("could not find expected ':'", key.mark.index);
        key.possible = false;
      }
    }
  }

  /** More than MAX_SIMPLE_KEY characters (code points, as go-yaml counts) since `from`. */
  private longerThanSimpleKey(from: number): boolean {
    if (this.i - from <= MAX_SIMPLE_KEY) return false;
    let characters = 0;
    for (const _ of this.s.slice(from, this.i)) characters++;
    return characters > MAX_SIMPLE_KEY;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.column;
    if (!this.simpleKeyAllowed) return;
    this.removeSimpleKey();
    this.simpleKeys[this.simpleKeys.length - 1] = {
      possible: true,
      required,
      tokenNumber: this.tokensParsed + this.tokens.length - this.head,
      mark: this.mark(),
    };
  }

  private removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (key.possible && key.required) this.fail("could not find expected ':'", key.mark.index);
    key.possible = false;
  }

  private rollIndent(column: number, number: number, type: TokenType, start: number): void {
    if (this.flowLevel > 0 || this.indent >= column) return;
    this.indents.push(this.indent);
    this.indent = column;
    const token: Token = { type, start };
    if (number === -1) this.tokens.push(token);
    else this.insert(number, token);
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.push("block-end", this.i);
      this.indent = this.indents.pop() ?? -1;
    }
  }

  // ---- indicators

  private fetchStreamEnd(): void {
    if (this.column !== 0) {
      this.column = 0;
      this.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.ended = true;
    this.push("stream-end", this.i);
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.i;
    this.skip();
    const nameStart = this.i;
    while (this.isAlphaAt(this.i)) this.skip();
    const name = this.s.slice(nameStart, this.i);
    if (name === "") this.fail("while scanning a directive: could not find expected directive name", start);
    if (!this.isBlankZAt(this.i)) {
      this.fail("while scanning a directive: found unexpected non-alphabetical character", start);
    }
    let token: Token;
    if (name === "YAML") {
      this.skipBlanks();
      const major = this.scanVersionNumber(start);
      if (this.code(this.i) !== 46) {
        this.fail("while scanning a %YAML directive: did not find expected digit or '.' character", start);
      }
      this.skip();
      const minor = this.scanVersionNumber(start);
      token = { type: "version-directive", start, version: [major, minor] };
    } else if (name === "TAG") {
      this.skipBlanks();
      const handle = this.scanTagHandle(start);
      if (handle !== "!" && !(handle.length > 1 && handle.endsWith("!"))) {
        this.fail("while scanning a %TAG directive: did not find expected '!'", start);
      }
      if (!this.isBlankAt(this.i))
        this.fail("while scanning a %TAG directive: did not find expected whitespace", start);
      this.skipBlanks();
      const prefix = this.scanTagUri("", start);
      if (!this.isBlankZAt(this.i)) {
        this.fail("while scanning a %TAG directive: did not find expected whitespace or line break", start);
      }
      token = { type: "tag-directive", start, handle, suffix: prefix };
    } else {
      this.fail("while scanning a directive: found unknown directive name", start);
    }
    this.skipBlanks();
    if (this.code(this.i) === 35) {
      while (!this.isBreakZAt(this.i)) this.skip();
    }
    if (!this.isBreakZAt(this.i))
      this.fail("while scanning a directive: did not find expected comment or line break", start);
    if (this.isBreakAt(this.i)) this.skipLine();
    this.tokens.push(token);
  }

  private skipBlanks(): void {
    while (this.isBlankAt(this.i)) this.skip();
  }

  private scanVersionNumber(start: number): number {
    const from = this.i;
    while (this.code(this.i) >= 48 && this.code(this.i) <= 57) {
      if (this.i - from >= 9)
        this.fail("while scanning a %YAML directive: found extremely long version number", start);
      this.skip();
    }
    if (this.i === from)
      this.fail("while scanning a %YAML directive: did not find expected version number", start);
    return Number(this.s.slice(from, this.i));
  }

  private fetchDocumentIndicator(type: "document-start" | "document-end"): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.i;
    this.skip();
    this.skip();
    this.skip();
    this.push(type, start);
  }

  private fetchFlowCollectionStart(type: "flow-sequence-start" | "flow-mapping-start"): void {
    this.saveSimpleKey();
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.mark() });
    this.flowLevel++;
    this.simpleKeyAllowed = true;
    this.indicator(type);
  }

  private fetchFlowCollectionEnd(type: "flow-sequence-end" | "flow-mapping-end"): void {
    this.removeSimpleKey();
    if (this.flowLevel > 0) {
      this.flowLevel--;
      this.simpleKeys.pop();
    }
    this.simpleKeyAllowed = false;
    this.indicator(type);
  }

  /** Consumes a one-character indicator and queues its token. */
  private indicator(type: TokenType): void {
    const start = this.i;
    this.skip();
    this.push(type, start);
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.indicator("flow-entry");
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail("block sequence entries are not allowed in this context");
      this.rollIndent(this.column, -1, "block-sequence-start", this.i);
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.indicator("block-entry");
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.fail("mapping keys are not allowed in this context");
      this.rollIndent(this.column, -1, "block-mapping-start", this.i);
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    this.indicator("key");
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (key.possible) {
      this.insert(key.tokenNumber, { type: "key", start: key.mark.index });
      this.rollIndent(key.mark.column, key.tokenNumber, "block-mapping-start", key.mark.index);
      key.possible = false;
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.fail("mapping values are not allowed in this context");
        this.rollIndent(this.column, -1, "block-mapping-start", this.i);
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    this.indicator("value");
  }

  // ---- anchors, aliases, tags

  private isAlphaAt(at: number): boolean {
    const c = this.code(at);
    return (
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 // _ -
    );
  }

  private fetchAnchor(type: "anchor" | "alias"): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.i;
    this.skip();
    const from = this.i;
    while (this.isAlphaAt(this.i)) this.skip();
    const name = this.s.slice(from, this.i);
    const c = this.code(this.i);
    const ends =
      this.isBlankZAt(this.i) ||
      c === 63 || // ?
      c === 58 || // :
      c === 44 || // ,
      c === 93 || // ]
      c === 125 || // }
      c === 37 || // %
      c === 64 || // @
      c === 96; // `
    if (name === "" || !ends) {
      this.fail(
        `while scanning an ${type === "anchor" ? "anchor" : "alias"}: did not find expected alphabetic or numeric character`,
        start,
      );
    }
    this.push(type, start, { value: name });
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.i;
    let handle: string;
    let suffix: string;
    if (this.code(this.i + 1) === 60) {
      // !<verbatim>
      this.skip();
      this.skip();
      handle = "";
      suffix = this.scanTagUri("", start);
      if (this.code(this.i) !== 62) this.fail("while scanning a tag: did not find the expected '>'", start);
      this.skip();
    } else {
      handle = this.scanTagHandle(start);
      if (handle.length > 1 && handle.endsWith("!")) {
        suffix = this.scanTagUri("", start);
      } else {
        // Not a handle after all: `!suffix`, or the lone non-specific tag `!`.
        suffix = this.scanTagUri(handle, start);
        handle = "!";
        if (suffix === "") {
          handle = "";
          suffix = "!";
        }
      }
    }
    const c = this.code(this.i);
    if (!this.isBlankZAt(this.i) && !(this.flowLevel > 0 && c === 44)) {
      this.fail("while scanning a tag: did not find expected whitespace or line break", start);
    }
    this.push("tag", start, { handle, suffix });
  }

  private scanTagHandle(start: number): string {
    if (this.code(this.i) !== 33) this.fail("while scanning a tag: did not find expected '!'", start);
    const from = this.i;
    this.skip();
    while (this.isAlphaAt(this.i)) this.skip();
    if (this.code(this.i) === 33) this.skip();
    return this.s.slice(from, this.i);
  }

  /** URI characters (percent escapes decoded); `head` (without its leading `!`) comes first. */
  private scanTagUri(head: string, start: number): string {
    let out = head.length > 1 ? head.slice(1) : "";
    let length = head.length;
    for (;;) {
      const c = this.code(this.i);
      if (c === 37) {
        out += this.scanUriEscapes(start);
        length++;
        continue;
      }
      if (!this.isAlphaAt(this.i) && !isUriPunctuation(c)) break;
      out += this.read();
      length++;
    }
    if (length === 0) this.fail("while parsing a tag: did not find expected tag URI", start);
    return out;
  }

  /** `%XX` escapes forming one UTF-8 character. */
  private scanUriEscapes(start: number): string {
    const bytes: number[] = [];
    let width = 0;
    do {
      const high = hexValue(this.code(this.i + 1));
      const low = hexValue(this.code(this.i + 2));
      if (this.code(this.i) !== 37 || high < 0 || low < 0) {
        this.fail("while parsing a tag: did not find URI escaped octet", start);
      }
      const octet = high * 16 + low;
      if (width === 0) {
        width = (octet & 0x80) === 0 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : 4;
        if ((octet & 0xf8) === 0xf8 || ((octet & 0xc0) === 0x80 && width === 4 && octet < 0xf0)) {
          this.fail("while parsing a tag: found an incorrect leading UTF-8 octet", start);
        }
      } else if ((octet & 0xc0) !== 0x80) {
        this.fail("while parsing a tag: found an incorrect trailing UTF-8 octet", start);
      }
      bytes.push(octet);
      this.skip();
      this.skip();
      this.skip();
    } while (bytes.length < width);
    return Buffer.from(bytes).toString("utf8");
  }

  // ---- scalars

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.i;
    const value = this.scanBlockScalar(literal, start);
    this.push("scalar", start, { value, style: literal ? "literal" : "folded" });
  }

  private scanBlockScalar(literal: boolean, start: number): string {
    this.skip();
    let chomping = 0;
    let increment = 0;
    const isDigit = (c: number) => c >= 48 && c <= 57;
    let c = this.code(this.i);
    if (c === 43 || c === 45) {
      chomping = c === 43 ? 1 : -1;
      this.skip();
      c = this.code(this.i);
      if (isDigit(c)) {
        if (c === 48)
          this.fail("while scanning a block scalar: found an indentation indicator equal to 0", start);
        increment = c - 48;
        this.skip();
      }
    } else if (isDigit(c)) {
      if (c === 48)
        this.fail("while scanning a block scalar: found an indentation indicator equal to 0", start);
      increment = c - 48;
      this.skip();
      c = this.code(this.i);
      if (c === 43 || c === 45) {
        chomping = c === 43 ? 1 : -1;
        this.skip();
      }
    }
    while (this.isBlankAt(this.i)) this.skip();
    if (this.code(this.i) === 35) {
      while (!this.isBreakZAt(this.i)) this.skip();
    }
    if (!this.isBreakZAt(this.i)) {
      this.fail("while scanning a block scalar: did not find expected comment or line break", start);
    }
    if (this.isBreakAt(this.i)) this.skipLine();
    let indent = 0;
    if (increment) indent = this.indent >= 0 ? this.indent + increment : increment;
    let out = "";
    let leadingBreak = "";
    let trailingBreaks = "";
    const scanned = this.scanBlockScalarBreaks(indent, start);
    indent = scanned.indent;
    trailingBreaks = scanned.breaks;
    let leadingBlank = false;
    while (this.column === indent && this.i < this.s.length) {
      const trailingBlank = this.isBlankAt(this.i);
      if (!literal && leadingBreak.startsWith("\n") && !leadingBlank && !trailingBlank) {
        if (trailingBreaks === "") out += " ";
        leadingBreak = "";
      } else {
        out += leadingBreak;
        leadingBreak = "";
      }
      out += trailingBreaks;
      trailingBreaks = "";
      leadingBlank = this.isBlankAt(this.i);
      const from = this.i;
      while (!this.isBreakZAt(this.i)) this.skip();
      out += this.s.slice(from, this.i);
      if (this.i >= this.s.length) break;
      leadingBreak = this.readLine();
      trailingBreaks = this.scanBlockScalarBreaks(indent, start).breaks;
    }
    if (chomping !== -1) out += leadingBreak;
    if (chomping === 1) out += trailingBreaks;
    return out;
  }

  /** Empty lines before content; fixes the indentation from the first content line when not given. */
  private scanBlockScalarBreaks(given: number, start: number): { indent: number; breaks: string } {
    let indent = given;
    let maxIndent = 0;
    let breaks = "";
    for (;;) {
      while ((indent === 0 || this.column < indent) && this.code(this.i) === SPACE) this.skip();
      if (this.column > maxIndent) maxIndent = this.column;
      if ((indent === 0 || this.column < indent) && this.code(this.i) === TAB) {
        this.fail(
          "while scanning a block scalar: found a tab character where an indentation space is expected",
          start,
        );
      }
      if (!this.isBreakAt(this.i)) break;
      breaks += this.readLine();
    }
    if (indent === 0) {
      indent = Math.max(maxIndent, this.indent + 1, 1);
    }
    return { indent, breaks };
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.i;
    const value = this.scanFlowScalar(single, start);
    this.push("scalar", start, { value, style: single ? "single" : "double" });
  }

  private scanFlowScalar(single: boolean, start: number): string {
    const quote = single ? 39 : 34;
    this.skip();
    let out = "";
    for (;;) {
      if (this.column === 0 && (this.isDocumentIndicator(45) || this.isDocumentIndicator(46))) {
        this.fail("while scanning a quoted scalar: found unexpected document indicator", start);
      }
      if (this.i >= this.s.length)
        this.fail("while scanning a quoted scalar: found unexpected end of stream", start);
      let leadingBlanks = false;
      while (!this.isBlankZAt(this.i)) {
        const c = this.s.charCodeAt(this.i);
        if (single && c === 39 && this.code(this.i + 1) === 39) {
          out += "'";
          this.i += 2;
          this.column += 2;
        } else if (c === quote) {
          break;
        } else if (!single && c === 92 && this.isBreakAt(this.i + 1)) {
          this.skip();
          this.skipLine();
          leadingBlanks = true;
          break;
        } else if (!single && c === 92) {
          out += this.scanEscape(start);
        } else {
          out += this.read();
        }
      }
      if (this.code(this.i) === quote) break;
      let whitespaces = "";
      let leadingBreak = "";
      let trailingBreaks = "";
      while (this.isBlankAt(this.i) || this.isBreakAt(this.i)) {
        if (this.isBlankAt(this.i)) {
          if (!leadingBlanks) whitespaces += this.read();
          else this.skip();
        } else if (!leadingBlanks) {
          whitespaces = "";
          leadingBreak = this.readLine();
          leadingBlanks = true;
        } else {
          trailingBreaks += this.readLine();
        }
      }
      if (leadingBlanks) {
        if (leadingBreak.startsWith("\n")) out += trailingBreaks === "" ? " " : trailingBreaks;
        else out += leadingBreak + trailingBreaks;
      } else {
        out += whitespaces;
      }
    }
    this.skip();
    return out;
  }

  private scanEscape(start: number): string {
    const e = this.code(this.i + 1);
    const simple = simpleEscape(e);
    if (simple !== undefined) {
      this.skip();
      this.skip();
      return simple;
    }
    const digits = e === 120 ? 2 : e === 117 ? 4 : e === 85 ? 8 : 0; // x u U
    if (digits === 0) this.fail("while parsing a quoted scalar: found unknown escape character", this.i);
    this.skip();
    this.skip();
    let code = 0;
    for (let k = 0; k < digits; k++) {
      const h = hexValue(this.code(this.i + k));
      if (h < 0) this.fail("while parsing a quoted scalar: did not find expected hexdecimal number", start);
      code = code * 16 + h;
    }
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
      this.fail("while parsing a quoted scalar: found invalid Unicode character escape code", start);
    }
    for (let k = 0; k < digits; k++) this.skip();
    return String.fromCodePoint(code);
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.i;
    const value = this.scanPlainScalar();
    this.push("scalar", start, { value, style: "plain" });
  }

  private scanPlainScalar(): string {
    const indent = this.indent + 1;
    const flow = this.flowLevel > 0;
    let out = "";
    let leadingBlanks = false;
    let whitespaces = "";
    let leadingBreak = "";
    let trailingBreaks = "";
    for (;;) {
      if (this.column === 0 && (this.isDocumentIndicator(45) || this.isDocumentIndicator(46))) break;
      if (this.code(this.i) === 35) break;
      while (!this.isBlankZAt(this.i)) {
        const c = this.s.charCodeAt(this.i);
        if (c === 58 && this.isBlankZAt(this.i + 1)) break;
        if (flow && (c === 44 || c === 63 || c === 91 || c === 93 || c === 123 || c === 125)) break;
        if (leadingBlanks || whitespaces !== "") {
          if (leadingBlanks) {
            if (leadingBreak.startsWith("\n")) out += trailingBreaks === "" ? " " : trailingBreaks;
            else out += leadingBreak + trailingBreaks;
            leadingBreak = "";
            trailingBreaks = "";
            leadingBlanks = false;
          } else {
            out += whitespaces;
            whitespaces = "";
          }
        }
        out += this.read();
      }
      if (!this.isBlankAt(this.i) && !this.isBreakAt(this.i)) break;
      while (this.isBlankAt(this.i) || this.isBreakAt(this.i)) {
        if (this.isBlankAt(this.i)) {
          if (leadingBlanks && this.column < indent && this.code(this.i) === TAB) {
            this.fail("while scanning a plain scalar: found a tab character that violates indentation");
          }
          if (!leadingBlanks) whitespaces += this.read();
          else this.skip();
        } else if (!leadingBlanks) {
          whitespaces = "";
          leadingBreak = this.readLine();
          leadingBlanks = true;
        } else {
          trailingBreaks += this.readLine();
        }
      }
      if (!flow && this.column < indent) break;
    }
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return out;
  }
}

/** URI punctuation allowed in tags besides alphanumerics, `-` and `_`. */
function isUriPunctuation(c: number): boolean {
  switch (c) {
    case 59: // ;
    case 47: // /
    case 63: // ?
    case 58: // :
    case 64: // @
    case 38: // &
    case 61: // =
    case 43: // +
    case 36: // $
    case 44: // ,
    case 46: // .
    case 33: // !
    case 126: // ~
    case 42: // *
    case 39: // '
    case 40: // (
    case 41: // )
    case 91: // [
    case 93: // ]
      return true;
    default:
      return false;
  }
}
