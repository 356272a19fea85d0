// Writes a value back as YAML that Kubernetes' reader (go-yaml v2, YAML 1.1) reads as exactly that
// value: the point of `kubedelta read` is to show what a manifest means, so a string that YAML 1.1
// would read as something else (`yes`, `on`, `0777`, `1e3`, `~`, a date) is always quoted. Strings
// are written plain only when they cannot be anything but strings; everything else is
// double-quoted with escapes, which also keeps control, line-breaking and bidirectional
// characters inert on a terminal.

import type { Json } from "../engine/types.js";

// YAML 1.1 booleans and nulls spelled with letters (go-yaml knows some casings; quoting the others too costs nothing).
const RESERVED_WORDS = new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null"]);

// Starts with a letter (so never a number, date, indicator or `.inf`), then only characters that
// never start a comment, a flow collection or a mapping value.
const PLAIN = /^[A-Za-z][A-Za-z0-9_./@ -]*(?::[A-Za-z0-9_./@-]+)*$/;

// What a double-quoted scalar must escape beyond what JSON escapes: DEL and C1 controls (go-yaml
// refuses them raw), YAML 1.1 line breaks (NEL, LS, PS: a raw one would fold the string), the BOM,
// non-characters, and the bidirectional controls that reorder what a terminal shows.
const EXTRA = "[\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff\\ufffe\\uffff]";
const EXTRA_ESCAPES = new RegExp(EXTRA, "g");
// A literal block can hold neither those nor any C0 control but the line feed (tabs included:
// they are too easily taken for indentation).
const HAS_EXTRA = new RegExp(EXTRA);
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const C0_BUT_LINE_FEED = /[\x00-\x09\x0b-\x1f]/;

// go-yaml refuses implicit keys longer than 1024 characters; longer ones are written explicitly.
const MAX_IMPLICIT_KEY = 1000;

function quoted(text: string): string {
  return JSON.stringify(text).replace(
    EXTRA_ESCAPES,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function isPlain(text: string): boolean {
  return PLAIN.test(text) && !text.endsWith(" ") && !RESERVED_WORDS.has(text.toLowerCase());
}

/**
 * A multi-line string as a literal block (`|` or `|-`), when that is unambiguous: no character
 * that needs escaping, at most one final line break (no chomping subtleties), a first line that
 * does not start with a space (it fixes the indentation), and no line of spaces only.
 */
function literalLines(text: string): string[] | undefined {
  if (!text.includes("\n") || text.endsWith("\n\n")) return undefined;
  if (C0_BUT_LINE_FEED.test(text) || HAS_EXTRA.test(text)) return undefined;
  const keep = text.endsWith("\n");
  const lines = (keep ? text.slice(0, -1) : text).split("\n");
  if (lines[0] === "" || lines[0].startsWith(" ")) return undefined;
  if (lines.some((line) => line !== "" && line.trim() === "")) return undefined;
  return [keep ? "|" : "|-", ...lines];
}

function scalar(value: Exclude<Json, object>): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  return isPlain(value) ? value : quoted(value);
}

function isCollection(value: Json): value is Json[] | { [key: string]: Json } {
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}

/** `prefix` followed by the value: on the same line when it is one, below it (indented) when not. */
function node(prefix: string, value: Json, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (isCollection(value)) {
    const lines = block(value, indent);
    // A sequence item starts its mapping or sequence on its own line ("- a: 1"); a key does not.
    if (prefix.endsWith("-")) return [`${prefix} ${lines[0].slice(indent)}`, ...lines.slice(1)];
    return [prefix, ...lines];
  }
  if (typeof value === "string") {
    const literal = literalLines(value);
    if (literal) return [`${prefix} ${literal[0]}`, ...literal.slice(1).map((l) => (l ? pad + l : ""))];
  }
  if (Array.isArray(value)) return [`${prefix} []`];
  if (typeof value === "object" && value !== null) return [`${prefix} {}`];
  return [`${prefix} ${scalar(value)}`];
}

/** A non-empty mapping or sequence in block style, every line indented by `indent`. */
function block(value: Json[] | { [key: string]: Json }, indent: number): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) lines.push(...node(`${pad}-`, item, indent + 2));
    return lines;
  }
  for (const [key, item] of Object.entries(value)) {
    const written = scalar(key);
    if (written.length <= MAX_IMPLICIT_KEY) {
      lines.push(...node(`${pad}${written}:`, item, indent + 2));
    } else {
      lines.push(`${pad}? ${written}`, ...node(`${pad}:`, item, indent + 2));
    }
  }
  return lines;
}

/** YAML text (lines ending in "\n") for one document's value. */
export function toYamlText(value: Json): string {
  const lines = isCollection(value)
    ? block(value, 0)
    : node("", value, 2).map((l, i) => (i === 0 ? l.slice(1) : l));
  return `${lines.join("\n")}\n`;
}
