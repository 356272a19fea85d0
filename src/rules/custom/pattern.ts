// The `matches` patterns of custom rules. They run on text from pull requests, and JavaScript's
// regular expressions backtrack: `.*a.*b` alone takes seconds on a few thousand characters. So
// patterns are compiled here into a Thompson automaton and matched by simulating every state at
// once, which takes time linear in the text whatever the pattern. The dialect is the common core
// of regular expressions, with JavaScript's meaning (no flags; `.` stops at line breaks):
//
//   literals and escapes (\. \* \n \t \/ …)   .   [abc] [a-z] [^…]   \d \w \s \D \W \S
//   ^ $   ( ) (?: )   |   * + ? {n} {n,} {n,m}
//
// Backreferences, lookaround and \b are refused with a clear message (they cannot run in linear
// time), and so are lazy quantifiers (`*?`), which never change whether a pattern matches.

export const MAX_PATTERN_LENGTH = 512;
/** Automaton states one pattern may compile to (counted repeats copy their body). */
const MAX_STATES = 2_000;
const MAX_COUNT = 100;

type CharTest = (code: number) => boolean;

type Node =
  | { type: "char"; test: CharTest }
  | { type: "start" }
  | { type: "end" }
  | { type: "alt"; options: Node[] }
  | { type: "seq"; items: Node[] }
  | { type: "repeat"; node: Node; min: number; max: number };

class PatternError extends Error {}

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
// JavaScript's \s: white space and line terminators.
const SPACES = new Set([
  9,
  10,
  11,
  12,
  13,
  32,
  160,
  5760,
  8232,
  8233,
  8239,
  8287,
  12288,
  65279,
  ...Array.from({ length: 11 }, (_, i) => 8192 + i),
]);
const isSpace: CharTest = (c) => SPACES.has(c);
const LINE_BREAKS = new Set([10, 13, 8232, 8233]);
const not =
  (test: CharTest): CharTest =>
  (c) =>
    !test(c);

const CLASS_ESCAPES: Record<string, CharTest> = {
  d: isDigit,
  D: not(isDigit),
  w: isWord,
  W: not(isWord),
  s: isSpace,
  S: not(isSpace),
};
const CONTROL_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, "0": 0 };

/** Recursive descent over the pattern; `at` is the next character to read. */
class Parser {
  at = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.at < this.source.length) throw new PatternError(`unmatched ")" at position ${this.at + 1}`);
    return node;
  }

  private peek(): string | undefined {
    return this.source[this.at];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === "|") {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { type: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.source.length && this.peek() !== "|" && this.peek() !== ")") {
      items.push(this.quantified(this.atom()));
    }
    return { type: "seq", items };
  }

  private quantified(node: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.at++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(this.source.slice(this.at))) {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at)) as RegExpExecArray;
      this.at += match[0].length;
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
      if (max < min) throw new PatternError(`numbers out of order in ${match[0]}`);
      if (min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT))
        throw new PatternError(`a count over ${MAX_COUNT} in ${match[0]}`);
    } else {
      return node;
    }
    if (node.type === "start" || node.type === "end") throw new PatternError("nothing to repeat");
    if (this.peek() === "?")
      throw new PatternError(
        "lazy quantifiers (*?, +?) are not supported: they never change whether a pattern matches; drop the ?",
      );
    const after = this.source.slice(this.at);
    if (after.startsWith("*") || after.startsWith("+") || /^\{\d+(,\d*)?\}/.test(after))
      throw new PatternError(`nothing to repeat at position ${this.at + 1}`);
    return { type: "repeat", node, min, max };
  }

  private atom(): Node {
    const c = this.source[this.at++];
    switch (c) {
      case "^":
        return { type: "start" };
      case "$":
        return { type: "end" };
      case ".":
        return { type: "char", test: not((code) => LINE_BREAKS.has(code)) };
      case "[":
        return { type: "char", test: this.charClass() };
      case "(":
        return this.group();
      case "\\":
        return { type: "char", test: this.escape(false) };
      case "*":
      case "+":
      case "?":
        throw new PatternError(`nothing to repeat at position ${this.at}`);
      default:
        // Everything else, `{`, `}` and `]` that start nothing included, is itself (as in JavaScript).
        return literal(c.charCodeAt(0));
    }
  }

  private group(): Node {
    if (this.peek() === "?") {
      if (this.source[this.at + 1] !== ":")
        throw new PatternError("lookaround and named groups are not supported; use (…) or (?:…)");
      this.at += 2;
    }
    const node = this.alternation();
    if (this.peek() !== ")") throw new PatternError("unterminated group");
    this.at++;
    return node;
  }

  /** After a backslash: a class escape, a control escape, or the character itself. */
  private escape(inClass: boolean): CharTest {
    const c = this.source[this.at++];
    if (c === undefined) throw new PatternError("\\ at end of pattern");
    if (Object.hasOwn(CLASS_ESCAPES, c)) return CLASS_ESCAPES[c];
    if (Object.hasOwn(CONTROL_ESCAPES, c)) return equals(CONTROL_ESCAPES[c]);
    if (c === "b" && inClass) return equals(8);
    if (/[1-9bBkpPcux]/.test(c))
      throw new PatternError(`\\${c} is not supported (backreferences, \\b, \\p, \\c, \\u and \\x are not)`);
    if (/[A-Za-z]/.test(c)) throw new PatternError(`unknown escape \\${c}`);
    return equals(c.charCodeAt(0));
  }

  /** `[…]` after the `[`: a set of characters, ranges and class escapes, maybe negated. */
  private charClass(): CharTest {
    const negated = this.peek() === "^";
    if (negated) this.at++;
    const tests: CharTest[] = [];
    const single = (): { code?: number; test: CharTest } => {
      const c = this.source[this.at++];
      if (c === "\\") {
        const escaped = this.source[this.at];
        const test = this.escape(true);
        const code = Object.hasOwn(CLASS_ESCAPES, escaped) ? undefined : codeOfEscape(escaped);
        return { code, test };
      }
      return { code: c.charCodeAt(0), test: equals(c.charCodeAt(0)) };
    };
    while (this.peek() !== "]") {
      if (this.at >= this.source.length) throw new PatternError("unterminated character class");
      const from = single();
      if (this.peek() === "-" && this.source[this.at + 1] !== "]" && this.at + 1 < this.source.length) {
        this.at++;
        const to = single();
        if (from.code === undefined || to.code === undefined)
          throw new PatternError("a range of a class escape");
        if (to.code < from.code) throw new PatternError("range out of order in character class");
        const [low, high] = [from.code, to.code];
        tests.push((code) => code >= low && code <= high);
      } else {
        tests.push(from.test);
      }
    }
    this.at++;
    const inClass: CharTest = (code) => tests.some((test) => test(code));
    return negated ? not(inClass) : inClass;
  }
}

function codeOfEscape(c: string): number {
  return Object.hasOwn(CONTROL_ESCAPES, c) ? CONTROL_ESCAPES[c] : c === "b" ? 8 : c.charCodeAt(0);
}

function equals(code: number): CharTest {
  return (c) => c === code;
}

function literal(code: number): Node {
  return { type: "char", test: equals(code) };
}

// ---- the automaton ----------------------------------------------------------------------

type State =
  | { type: "char"; test: CharTest; next: number }
  | { type: "split"; next: number; other: number }
  | { type: "start"; next: number }
  | { type: "end"; next: number }
  | { type: "match" };

/** Thompson construction: each node becomes states whose dangling exits are patched later. */
class Builder {
  readonly states: State[] = [];

  private add(state: State): number {
    if (this.states.length >= MAX_STATES)
      throw new PatternError("the pattern repeats too much to match safely");
    this.states.push(state);
    return this.states.length - 1;
  }

  /** Compiles `node` so that it continues at `next`; returns its entry state. */
  compile(node: Node, next: number): number {
    switch (node.type) {
      case "char":
        return this.add({ type: "char", test: node.test, next });
      case "start":
      case "end":
        return this.add({ type: node.type, next });
      case "seq":
        return node.items.reduceRight((after, item) => this.compile(item, after), next);
      case "alt":
        return node.options
          .map((option) => this.compile(option, next))
          .reduceRight((other, entry) => this.add({ type: "split", next: entry, other }));
      case "repeat":
        return this.repeat(node.node, node.min, node.max, next);
    }
  }

  private repeat(node: Node, min: number, max: number, next: number): number {
    let exit = next;
    if (max === Infinity) {
      // A loop: a split that either enters the body (which comes back to it) or leaves.
      const loop = this.add({ type: "split", next: -1, other: exit });
      const body = this.compile(node, loop);
      (this.states[loop] as { next: number }).next = body;
      exit = loop;
    } else {
      for (let i = min; i < max; i++) {
        const body = this.compile(node, exit);
        exit = this.add({ type: "split", next: body, other: next });
      }
    }
    for (let i = 0; i < min; i++) exit = this.compile(node, exit);
    return exit;
  }
}

/** A compiled pattern: `test` says whether it matches anywhere in the text, in linear time. */
export interface Pattern {
  source: string;
  test(text: string): boolean;
}

function simulate(states: readonly State[], entry: number, text: string): boolean {
  let current: number[] = [];
  let seen = new Uint32Array(states.length);
  let generation = 0;
  // Adds a state and what it leads to without reading a character; true when it reaches a match.
  const close = (list: number[], index: number, at: number): boolean => {
    const stack = [index];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      if (seen[i] === generation) continue;
      seen[i] = generation;
      const state = states[i];
      switch (state.type) {
        case "match":
          return true;
        case "char":
          list.push(i);
          break;
        case "split":
          stack.push(state.other, state.next);
          break;
        case "start":
          if (at === 0) stack.push(state.next);
          break;
        case "end":
          if (at === text.length) stack.push(state.next);
          break;
      }
    }
    return false;
  };
  for (let at = 0; ; at++) {
    generation++;
    if (generation === 0xffffffff) {
      seen = new Uint32Array(states.length);
      generation = 1;
    }
    const next: number[] = [];
    for (const i of current) {
      const state = states[i] as { type: "char"; test: CharTest; next: number };
      if (close(next, state.next, at)) return true;
    }
    // Unanchored: a match may start at any position.
    if (close(next, entry, at)) return true;
    if (at >= text.length) return false;
    const code = text.charCodeAt(at);
    current = next.filter((i) => (states[i] as { test: CharTest }).test(code));
  }
}

/** The compiled pattern, or why it cannot be used. */
export function compilePattern(source: string): Pattern | string {
  if (source.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    const tree = new Parser(source).parse();
    const builder = new Builder();
    const match = builder.states.push({ type: "match" }) - 1;
    const entry = builder.compile(tree, match);
    const { states } = builder;
    return { source, test: (text) => simulate(states, entry, text) };
  } catch (error) {
    if (error instanceof PatternError) return error.message;
    throw error;
  }
}
