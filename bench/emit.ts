// A minimal YAML emitter for the corpus. Hand-written (not yaml.stringify) so the bench output
// looks like manifests people write: flow lists for RBAC verbs, quoted annotation values, block
// scalars for embedded config files, and two sequence indentation styles.

export type YamlValue = string | number | boolean | null | YamlValue[] | YamlMap;
export type YamlMap = { [key: string]: YamlValue };

export interface EmitStyle {
  /** `key:\n  - item` (true) or kubectl's `key:\n- item` (false). */
  indentSequences: boolean;
  /** Alphabetical keys: what a reformatting tool does to a file. */
  sortKeys: boolean;
}

/** Lists of short strings that people write inline: `verbs: ["get", "list"]`. */
const FLOW_KEYS = new Set([
  "verbs",
  "apiGroups",
  "resources",
  "resourceNames",
  "args",
  "command",
  "policyTypes",
  "accessModes",
  "hosts",
  "drop",
]);

/** Values people quote even when YAML would not need it. */
const QUOTED_KEYS = new Set(["value", "schedule", "description"]);

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const NUMBER_LIKE =
  /^[-+]?(?:[0-9][0-9._:]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$/i;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function needsQuotes(text: string): boolean {
  return (
    text === "" ||
    text !== text.trim() ||
    /^[-?:,[\]{}#&*!|>'"%@`]/.test(text) ||
    /: | #|:$/.test(text) ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters force quoting
    /[\u0000-\u001f\u007f]/.test(text) ||
    RESERVED.test(text) ||
    NUMBER_LIKE.test(text)
  );
}

function scalar(value: string | number | boolean | null, quote: boolean): string {
  if (value === null) return "null";
  if (typeof value !== "string") return String(value);
  return quote || needsQuotes(value) ? JSON.stringify(value) : value;
}

function emitKey(key: string): string {
  return PLAIN_KEY.test(key) && !RESERVED.test(key) ? key : JSON.stringify(key);
}

function isMap(value: YamlValue): value is YamlMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function keysOf(map: YamlMap, style: EmitStyle): string[] {
  const keys = Object.keys(map);
  return style.sortKeys ? keys.sort() : keys;
}

/** One `key: value` or `- value` entry; `head` is everything before the value. */
function emitEntry(
  head: string,
  key: string | undefined,
  value: YamlValue,
  indent: number,
  style: EmitStyle,
  out: string[],
  forceQuote: boolean,
): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${head} []`);
    else if (key !== undefined && FLOW_KEYS.has(key) && value.every((v) => typeof v === "string")) {
      out.push(`${head} [${value.map((v) => JSON.stringify(v)).join(", ")}]`);
    } else {
      out.push(head);
      emitSequence(value, style.indentSequences ? indent + 2 : indent, style, out);
    }
  } else if (isMap(value)) {
    if (Object.keys(value).length === 0) out.push(`${head} {}`);
    else {
      out.push(head);
      emitMapping(value, indent + 2, style, out, key);
    }
  } else if (typeof value === "string" && value.includes("\n")) {
    // The generator never ends a block scalar with blank lines, so `|` / `|-` round-trip.
    const body = value.endsWith("\n") ? value.slice(0, -1) : value;
    out.push(`${head} ${value.endsWith("\n") ? "|" : "|-"}`);
    const pad = " ".repeat(indent + 2);
    for (const line of body.split("\n")) out.push(line === "" ? "" : pad + line);
  } else {
    out.push(`${head} ${scalar(value, forceQuote || (key !== undefined && QUOTED_KEYS.has(key)))}`);
  }
}

function emitMapping(
  map: YamlMap,
  indent: number,
  style: EmitStyle,
  out: string[],
  parentKey?: string,
): void {
  const pad = " ".repeat(indent);
  const quoteAll = parentKey === "annotations";
  for (const key of keysOf(map, style)) {
    emitEntry(`${pad}${emitKey(key)}:`, key, map[key], indent, style, out, quoteAll);
  }
}

function emitSequence(items: YamlValue[], indent: number, style: EmitStyle, out: string[]): void {
  const pad = " ".repeat(indent);
  for (const item of items) {
    if (isMap(item) && Object.keys(item).length > 0) {
      // A mapping item starts on the dash line: `- name: app`.
      const first = out.length;
      emitMapping(item, indent + 2, style, out);
      out[first] = `${pad}- ${out[first].slice(indent + 2)}`;
    } else {
      emitEntry(`${pad}-`, undefined, item, indent, style, out, false);
    }
  }
}

/** A multi-document file: optional leading comment, documents separated by `---`. */
export function emitFile(documents: readonly YamlMap[], style: EmitStyle, comment?: string): string {
  const out: string[] = [];
  if (comment) out.push(`# ${comment}`);
  documents.forEach((document, index) => {
    if (index > 0 || comment) out.push("---");
    emitMapping(document, 0, style, out);
  });
  out.push("");
  return out.join("\n");
}
