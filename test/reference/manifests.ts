// fast-check arbitraries for manifest files written in every way kubectl can read differently from a
// naive YAML reader: YAML 1.1 vs 1.2 scalars, tags, merge keys, anchors and aliases, quoting and
// escapes, flow collections, duplicate keys, block scalars, comments, document markers and
// separators, JSON streams; then mutated byte by byte (Unicode and CR line breaks, BOMs, tabs,
// control characters, invalid UTF-8, UTF-16). Each input is realistic at heart (a Service, a Pod,
// a Role, a ConfigMap), so that a misreading would change what a review sees.

import fc from "fast-check";
import { corpusInputs, readCorpusFile } from "./corpus.js";

// ---------------------------------------------------------------------------------------------
// Pieces of text

// Scalars as written. The RISKY ones often make go-yaml stop (or json.Marshal fail); they are drawn
// less often, so that most files still reach the API server and their values can be compared.
const PLAIN_SCALARS = [
  ...["web", "LoadBalancer", "ClusterIP", "NodePort", "busybox", "get", "list", "*", "a b", "-x", "x-"],
  ...["true", "false", "True", "FALSE", "yes", "no", "on", "off", "y", "n", "Y", "N", "Yes", "NO", "oN"],
  ...["~", "null", "Null", "NULL", "nUll", "0", "-0", "+1", "1", "80", "0777", "0o777", "0x1F", "0X1f"],
  ...["0b101", "1_000", "08", "09", "0_7", "1__0", "1e3", "1E3", ".5", "1.", "+.5", "1.0", "0.1", "-0.0"],
  ...["1.5e+3", "3.14159265358979", "685.230_15e+03", "190:20:30", "1:30", "2001-12-14", "nan", "inf"],
  ...["2001-12-14T21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "1e400", "9223372036854775807"],
  ...["9223372036854775808", "18446744073709551615", "-9223372036854775809", "9007199254740993"],
  ...["123456789012345678901234567890", "http://x", "a:b", "a#b", "<<", "=", "a&b", "a*b", "a!b"],
  ...["example.com/web:1.2@sha256:abc", "C:\\x", "a\\b", "x'", "\u00e9t\u00e9", "\u{1f680}"],
];
const RISKY_PLAIN_SCALARS = [
  ".nan",
  ".NaN",
  ".inf",
  "-.Inf",
  "+.inf",
  "a?b",
  "?x",
  "%x",
  "a,b",
  "a]b",
  "a #b",
];
const RISKY_PLAIN_SCALARS_2 = ["'x", '"x', "@x", "`x", "a: b", "- x", "{x", "[x", "|", ">"];

const QUOTED_SCALARS = [
  ...['""', "''", '"yes"', "'on'", '"1"', "'0777'", '"~"', '"null"', '"<<"', "'.nan'", "'it''s'", '"a\\"b"'],
  ...[
    '"\\x41"',
    '"\\xff"',
    '"\\\'"',
    '"\\N"',
    '"\\_"',
    '"\\L"',
    '"\\P"',
    '"\\u2028"',
    '"\\U0001F600"',
    '"\\t"',
  ],
  ...[
    '"\\e"',
    '"\\0"',
    '"\\a"',
    '"\\u0041"',
    '"\\ "',
    '"\\\t"',
    '"a\\\\b"',
    "'a\\b'",
    '"a#b"',
    '"a: b"',
    "'- x'",
  ],
  ...[
    '"\\u0070rivileged"',
    '"Load\\\n  Balancer"',
    '"Load\n  Balancer"',
    "'Load\n\n  Balancer'",
    '"tab\there"',
  ],
  ...["'x\ty'"],
];
const RISKY_QUOTED_SCALARS = [
  '"\\ud83d\\ude00"',
  '"\\/"',
  '"\\ud800"',
  '"\\uDFFF"',
  '"\\U00110000"',
  '"\\q"',
  "'it\\'s'",
];

const TAGS = [
  ...[
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!binary",
    "!!timestamp",
    "!!merge",
    "!!map",
    "!!seq",
  ],
  ...["!foo", "!!foo", "!", "!<tag:yaml.org,2002:str>", "!<!>", "!e!x"],
];

const TAGGED_SCALARS = [
  ...["!!str 1", '!!int "1"', "!!int 0x1F", "!!float 1", "!!bool yes", "!!bool true", "!!null ''", "!!str"],
  ...[
    "!!binary Kg==",
    "!!binary TG9hZEJhbGFuY2Vy",
    "!!binary /w==",
    "!!binary cHJpdmlsZWdlZA==",
    "!!binary x",
  ],
  ...[
    "!!timestamp 2001-12-14",
    "!!timestamp x",
    "!foo x",
    "!!foo x",
    "! x",
    "! 1",
    "!<tag:yaml.org,2002:str> 1",
  ],
  ...["!!int x", "!!float .nan", "!!str yes", "!!merge x", "!!map x"],
];

const PLAIN_KEYS = [
  ...["type", "privileged", "verbs", "resources", "name", "image", "hostNetwork", "replicas", "port"],
  ...["selector", "app", "data", "ports", "labels", "annotations", "runAsUser", "apiGroups", "x"],
];

const TRICKY_KEYS = [
  ...["yes", "on", "n", "Y", "true", "~", "null", "1", "1.0", "1.5", "0x1F", "0777", "2001-12-14", ".nan"],
  ...["18446744073709551615", "9223372036854775808", "-9223372036854775809", "3.14159265358979"],
  ...['"1"', '"true"', '"type"', "'type'", '"<<"', "<<", "!!merge <<", "! <<", "!!binary Kg==", "!!str 1"],
  ...["!!binary cHJpdmlsZWdlZA==", '"\\u0074ype"', "type ", "a b", "a#b", "a:b", "-", "? type", "?"],
  ...["*k", "&k type", "[a]", "{a: 1}", "k".repeat(1030), "\u00e9", '"\\/"'],
];

const COMMENTS = ["# c", "#c", "# {{ .Values.x }}", "# {{ x }}", "# type: LoadBalancer", "#", "# --- x"];

// Separators, preambles and trailers: the plain ones most of the time, a tricky one now and then.
const SEPARATORS = [
  ...["--- # next\n", "---#x\n", "--- \n", "---\t\n", "---  # c\n", "...\n---\n", "... # end\n---\n"],
  ...["----\n", "--- {a: 1}\n", "--- |\n", "--- x\n", "... x\n---\n", "...\n", "--- !!str\n", "--- &a\n"],
  ...["---\r\n", "--- \u00a0\n"],
];
const PREAMBLES = ["---\n", "# generated\n", "\n", "--- # first\n", "%YAML 1.1\n---\n", "...\n", "\ufeff"];
const TRAILERS = ["...\n", "---\n", "... text\n", "# end\n", "\n\n", "---", "\n---\n..."];

function mostly<T>(usual: T, rare: readonly T[], usualWeight = 4): fc.Arbitrary<T> {
  return fc.oneof({ weight: usualWeight, arbitrary: fc.constant(usual) }, fc.constantFrom(...rare));
}

const MUTATION_SNIPPETS = [
  ...["\u2028", "\u2029", "\u0085", "\r", "\r\n", "\n", "\t", "\ufeff", "\u00a0", "\u200b", "\uffff"],
  ...["\u0000", "\u0001", "\u001b", "\u007f", "\u009b", "\ud800", "\u{1f600}"],
  ...["#", " #", ": ", ":", "- ", "-\t", "? ", "{", "}", "[", "]", ",", "'", '"', "\\", "|", ">"],
  ...["&a ", "*a", "!!binary ", "<<: ", "! ", "!!str ", "%"],
  ...["---\n", "...\n", "--- ", "... ", "\n---\n", "\n...\n", "%YAML 1.1\n", "\n%TAG ! tag:x:\n"],
  ...[" ", "  ", "\t# c", " # c\u2028", "yes", "0x1F", "~", ".nan", "1e400", '"', "\\ud800", "\\/"],
  ...["\nprivileged: true", "\u2028privileged: true", "\rtype: LoadBalancer", "\u0085verbs: ['*']"],
];

// ---------------------------------------------------------------------------------------------
// A tree of YAML nodes, rendered with random (shrinkable) style

export type Node =
  | { t: "scalar"; text: string }
  | { t: "block"; header: string; lines: string[] }
  | { t: "alias"; name: string }
  | { t: "map"; flow: boolean; props: string; entries: Entry[] }
  | { t: "seq"; flow: boolean; props: string; items: Node[] };

export interface Entry {
  key: string;
  value: Node;
  /** Between ":" and the value. */
  space: string;
  comment: string;
  blank: boolean;
}

const anchorName = fc.constantFrom("a", "b", "k", "x");
const props = fc.oneof(
  { weight: 6, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: anchorName.map((name) => `&${name} `) },
  { weight: 1, arbitrary: fc.constantFrom(...TAGS).map((tag) => `${tag} `) },
);

const scalar: fc.Arbitrary<Node> = fc
  .oneof(
    { weight: 24, arbitrary: fc.constantFrom(...PLAIN_SCALARS) },
    { weight: 1, arbitrary: fc.constantFrom(...RISKY_PLAIN_SCALARS) },
    { weight: 1, arbitrary: fc.constantFrom(...RISKY_PLAIN_SCALARS_2) },
    { weight: 8, arbitrary: fc.constantFrom(...QUOTED_SCALARS) },
    { weight: 1, arbitrary: fc.constantFrom(...RISKY_QUOTED_SCALARS) },
    { weight: 4, arbitrary: fc.constantFrom(...TAGGED_SCALARS) },
    {
      weight: 1,
      arbitrary: fc.tuple(anchorName, fc.constantFrom(...PLAIN_SCALARS)).map(([a, s]) => `&${a} ${s}`),
    },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double({ noNaN: true }).map(String) },
    {
      weight: 1,
      arbitrary: fc
        .string({
          unit: fc.constantFrom("a", "b", " ", ":", "#", "-", "?", "'", '"', "\\", ",", "[", "{", "!"),
        })
        .map((s) => s || "x"),
    },
  )
  .map((text) => ({ t: "scalar", text }));

const blockScalar: fc.Arbitrary<Node> = fc.record({
  t: fc.constant("block" as const),
  header: fc.constantFrom("|", ">", "|-", "|+", ">-", "|2", "| # c", ">+", "|1-"),
  lines: fc.array(
    fc.constantFrom("echo a", "  indented", "", "---", "...", "# not a comment", "a: b", "\tx"),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
});

const alias: fc.Arbitrary<Node> = anchorName.map((name) => ({ t: "alias", name }));

const key = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom(...PLAIN_KEYS) },
  fc.constantFrom(...TRICKY_KEYS),
);
const space = fc.constantFrom(" ", " ", " ", " ", "  ", "\t", " \t");
const comment = fc.oneof({ weight: 6, arbitrary: fc.constant("") }, fc.constantFrom(...COMMENTS));

// Block collections twice as often as flow ones.
const flow = fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, fc.constant(true));

const tree = fc.letrec<{ node: Node; map: Node; seq: Node }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: "tree" },
    { weight: 12, arbitrary: scalar },
    { weight: 2, arbitrary: blockScalar },
    { weight: 1, arbitrary: alias },
    { weight: 4, arbitrary: tie("map") },
    { weight: 4, arbitrary: tie("seq") },
  ),
  map: fc.record({
    t: fc.constant("map" as const),
    flow,
    props,
    // Distinct keys as written (keys that only become equal in JSON, like 1 and "1", still meet);
    // plain duplicates come from the duplicateLine mutation, now and then.
    entries: fc.uniqueArray(
      fc.record({
        key,
        value: tie("node"),
        space,
        comment,
        blank: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true)),
      }),
      { maxLength: 4, depthIdentifier: "tree", selector: (entry) => entry.key },
    ),
  }),
  seq: fc.record({
    t: fc.constant("seq" as const),
    flow,
    props,
    items: fc.array(tie("node"), { maxLength: 4, depthIdentifier: "tree" }),
  }),
}));

/** A node in flow context: no block scalars or block collections can appear there. */
function flowText(node: Node): string {
  switch (node.t) {
    case "scalar":
      return node.text;
    case "block":
      return JSON.stringify(node.lines.join("\n"));
    case "alias":
      return `*${node.name}`;
    case "map":
      return `${node.props}{${node.entries.map((e) => `${e.key}:${e.space}${flowText(e.value)}`).join(", ")}}`;
    case "seq":
      return `${node.props}[${node.items.map(flowText).join(", ")}]`;
  }
}

const isBlockCollection = (node: Node) =>
  (node.t === "map" || node.t === "seq") && !node.flow && !isEmpty(node);
const isEmpty = (node: Node) =>
  (node.t === "map" && node.entries.length === 0) || (node.t === "seq" && node.items.length === 0);

/**
 * The text after "key:" or "- " for a node whose parent is indented by `indent`: inline, or a line
 * break and lines indented by `indent + step`.
 */
function valueText(node: Node, indent: number, step: number, sequenceItem: boolean): string {
  if (node.t === "block") {
    const pad = " ".repeat(indent + step);
    return `${node.header}\n${node.lines.map((line) => (line ? pad + line : "")).join("\n")}`;
  }
  if (!isBlockCollection(node)) return flowText(node);
  const collection = node as Extract<Node, { t: "map" | "seq" }>;
  const head = collection.props.trimEnd();
  // A mapping can start on the "- " line itself (compact form), its keys two columns in.
  if (sequenceItem && node.t === "map" && head === "") return blockText(node, indent + 2, step, true);
  return `${head}\n${blockText(node, indent + step, step, false)}`;
}

/** Lines of a block collection at `indent`; `compact`: the first line continues a "- " line. */
function blockText(node: Node, indent: number, step: number, compact: boolean): string {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  if (node.t === "map") {
    node.entries.forEach((entry, i) => {
      const value = valueText(entry.value, indent, step, false);
      const first = compact && i === 0 ? "" : pad;
      const separator = value.startsWith("\n") || value === "" ? "" : entry.space;
      const trailing = entry.comment && !value.includes("\n") ? ` ${entry.comment}` : "";
      if (entry.blank && i > 0) lines.push("");
      lines.push(`${first}${entry.key}:${separator}${value}${trailing}`);
    });
  } else if (node.t === "seq") {
    node.items.forEach((item, i) => {
      const value = valueText(item, indent, step, true);
      const first = compact && i === 0 ? "" : pad;
      lines.push(`${first}-${value.startsWith("\n") || value === "" ? "" : " "}${value}`);
    });
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Documents and streams

const KINDS = [
  { head: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", body: "spec" },
  { head: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n", body: "spec" },
  { head: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n", body: "rules" },
  { head: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", body: "data" },
  { head: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n", body: "spec" },
];

const FIXED_BODIES = [
  "spec:\n  type: LoadBalancer\n  selector:\n    app: web\n",
  "spec:\n  containers:\n    - name: shell\n      image: busybox\n      securityContext:\n        privileged: true\n",
  'rules:\n  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["get", "*"]\n',
  "data:\n  enabled: yes\n  mode: 0644\n",
];

const yamlDocument: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        kind: fc.constantFrom(...KINDS),
        body: tree.map,
        step: fc.constantFrom(2, 2, 2, 4, 1, 3),
        extra: fc.uniqueArray(fc.record({ key, value: tree.node }), {
          maxLength: 2,
          selector: (entry) => entry.key,
        }),
        anchors: fc.boolean(),
      })
      .map(({ kind, body, step, extra, anchors }) => {
        const entries: Entry[] = [
          { key: kind.body, value: body, space: " ", comment: "", blank: false },
          ...extra.map((e) => ({ ...e, space: " ", comment: "", blank: false })),
        ];
        const rest = blockText({ t: "map", flow: false, props: "", entries }, 0, step, false);
        // Anchors the generated aliases can refer to.
        const head = anchors
          ? kind.head.replace(/ {2}name: (.*)\n/, "  name: &a $1\n  labels: &b {app: &k web, x: &x 1}\n")
          : kind.head;
        return `${head}${rest}\n`;
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...KINDS), fc.constantFrom(...FIXED_BODIES))
      .map(([k, b]) => k.head + b),
  },
  { weight: 1, arbitrary: tree.node.map((node) => `${valueText(node, -2, 2, false).replace(/^\n/, "")}\n`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", "# only a comment\n", "null\n", "~\n", "\n", "LoadBalancer\n"),
  },
);

/** JSON.stringify's output with every other character than printable ASCII written as a \\u escape. */
function escapeNonAscii(text: string): string {
  let out = "";
  for (const c of text) {
    // Line breaks and tabs outside strings are white space; inside strings JSON.stringify escaped them.
    if ((c.length === 1 && c >= " " && c <= "~") || c === "\n" || c === "\t") out += c;
    else for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  }
  return out;
}

const jsonText: fc.Arbitrary<string> = fc
  .record({
    kind: fc.constantFrom("Service", "ConfigMap", "Role"),
    data: fc.jsonValue({ maxDepth: 3 }),
    indent: fc.constantFrom(0, 2, "\t"),
    escapeSlashes: fc.boolean(),
    escapeUnicode: fc.boolean(),
    duplicate: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, fc.constant(true)),
  })
  .map(({ kind, data, indent, escapeSlashes, escapeUnicode, duplicate }) => {
    let text = JSON.stringify({ apiVersion: "v1", kind, metadata: { name: "j" }, data }, null, indent);
    if (escapeSlashes) text = text.replaceAll("/", "\\/");
    if (escapeUnicode) text = escapeNonAscii(text);
    if (duplicate) text = text.replace(/^\{/, '{"kind": "Secret",');
    return text;
  });

const jsonStream: fc.Arbitrary<string> = fc
  .record({
    lead: mostly("", ["\n", "  ", "\t\n ", " ".repeat(4100)], 2),
    values: fc.array(jsonText, { minLength: 1, maxLength: 3 }),
    between: mostly("\n", ["", " ", "\n\n", "\nnull\n", "\n---\n", "\n[]\n"]),
    tail: mostly("\n", ["", "\n// end\n", "\nkind: x\n", " {"]),
  })
  .map(({ lead, values, between, tail }) => lead + values.join(between) + tail);

const yamlStream: fc.Arbitrary<string> = fc
  .record({
    preamble: mostly("", PREAMBLES),
    documents: fc.array(
      fc.oneof(
        { weight: 15, arbitrary: yamlDocument },
        jsonText.map((j) => `${j}\n`),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    separators: fc.array(mostly("---\n", SEPARATORS), { minLength: 2, maxLength: 2 }),
    trailer: mostly("", TRAILERS),
  })
  .map(({ preamble, documents, separators, trailer }) => {
    let text = preamble;
    documents.forEach((doc, i) => {
      if (i > 0) text += separators[(i - 1) % separators.length];
      text += doc;
    });
    return text + trailer;
  });

// ---------------------------------------------------------------------------------------------
// Mutations and encodings

export type Mutation =
  | { op: "insert"; at: number; text: string }
  | { op: "lineStart"; line: number; text: string }
  | { op: "delete"; at: number; length: number }
  | { op: "duplicateLine"; line: number }
  | { op: "tabIndent"; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("insert" as const),
      at: fc.nat(),
      text: fc.constantFrom(...MUTATION_SNIPPETS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("lineStart" as const),
      line: fc.nat(),
      text: fc.constantFrom(...MUTATION_SNIPPETS),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("duplicateLine" as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("tabIndent" as const), line: fc.nat() }) },
);

export function mutate(text: string, m: Mutation): string {
  const lines = text.split("\n");
  switch (m.op) {
    case "insert": {
      const at = text.length === 0 ? 0 : m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "delete": {
      if (text.length === 0) return text;
      const at = m.at % text.length;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case "lineStart": {
      const i = m.line % lines.length;
      lines[i] = m.text + lines[i];
      return lines.join("\n");
    }
    case "duplicateLine": {
      const i = m.line % lines.length;
      lines.splice(i, 0, lines[i]);
      return lines.join("\n");
    }
    case "tabIndent": {
      const i = m.line % lines.length;
      lines[i] = lines[i].replace(/^ {1,4}/, "\t");
      return lines.join("\n");
    }
  }
}

export interface Encoding {
  lineBreaks: "lf" | "crlf" | "cr";
  bom: boolean;
  charset: "utf-8" | "utf-16le" | "utf-16be";
  /** A raw byte written over the byte at this position (invalid UTF-8). */
  badByte?: { at: number; byte: number };
}

const encoding: fc.Arbitrary<Encoding> = fc.record(
  {
    lineBreaks: fc.oneof(
      { weight: 18, arbitrary: fc.constant("lf" as const) },
      fc.constant("crlf" as const),
      fc.constant("cr" as const),
    ),
    bom: fc.boolean(),
    charset: fc.oneof(
      { weight: 18, arbitrary: fc.constant("utf-8" as const) },
      fc.constant("utf-16le" as const),
      fc.constant("utf-16be" as const),
    ),
    badByte: fc.record({ at: fc.nat(), byte: fc.constantFrom(0xff, 0xfe, 0xc3, 0x80, 0xed, 0xe2) }),
  },
  { requiredKeys: ["lineBreaks", "bom", "charset"] },
);

export function encode(text: string, e: Encoding): Uint8Array {
  let body = text;
  if (e.lineBreaks === "crlf") body = body.replace(/\r?\n/g, "\r\n");
  if (e.lineBreaks === "cr") body = body.replace(/\r?\n/g, "\r");
  if (e.bom) body = `\ufeff${body}`;
  if (e.charset === "utf-8") {
    const bytes = new TextEncoder().encode(body);
    if (e.badByte && bytes.length > 0) bytes[e.badByte.at % bytes.length] = e.badByte.byte;
    return bytes;
  }
  // Without a BOM kubectl reads UTF-16 as UTF-8 (and stops at its NULs): that is worth testing too.
  const units = body;
  const out = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const unit = units.charCodeAt(i);
    out[2 * i + (e.charset === "utf-16le" ? 0 : 1)] = unit & 0xff;
    out[2 * i + (e.charset === "utf-16le" ? 1 : 0)] = unit >> 8;
  }
  return out;
}

export interface GeneratedInput {
  /** The text before encoding (for messages). */
  text: string;
  encoding: Encoding;
  bytes: Uint8Array;
}

// The golden corpus' text files (test/yaml/corpus/) seed the generator too: mutating a crafted trick
// finds what generating from scratch rarely reaches.
const CORPUS_TEXTS = corpusInputs().flatMap((name) => {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(readCorpusFile(name));
    return text.length < 20_000 ? [text] : [];
  } catch {
    return [];
  }
});

/** Manifest files: mostly YAML streams, some JSON streams; a third of them mutated, a few re-encoded. */
export const manifestFile: fc.Arbitrary<GeneratedInput> = fc
  .record({
    stream: fc.oneof(
      { weight: 6, arbitrary: yamlStream },
      { weight: 1, arbitrary: jsonStream },
      { weight: 2, arbitrary: fc.constantFrom(...CORPUS_TEXTS) },
    ),
    mutations: fc.oneof(
      { weight: 2, arbitrary: fc.constant([] as Mutation[]) },
      { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
    ),
    encoding: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Encoding>({ lineBreaks: "lf", bom: false, charset: "utf-8" }) },
      { weight: 1, arbitrary: encoding },
    ),
  })
  .map(({ stream, mutations, encoding }) => {
    const text = mutations.reduce(mutate, stream);
    return { text, encoding, bytes: encode(text, encoding) };
  });

/** A short, unambiguous rendering of an input for failure messages. */
export function describeInput(input: GeneratedInput, max = 600): string {
  const e = input.encoding;
  const notes = [
    e.charset !== "utf-8" ? e.charset : "",
    e.bom ? "BOM" : "",
    e.lineBreaks !== "lf" ? e.lineBreaks.toUpperCase() : "",
    e.badByte
      ? `byte 0x${e.badByte.byte.toString(16)} at ${e.badByte.at % Math.max(1, input.bytes.length)}`
      : "",
  ].filter(Boolean);
  const text = JSON.stringify(input.text);
  return `${text.length > max ? `${text.slice(0, max)}…"` : text}${notes.length ? ` [${notes.join(", ")}]` : ""}`;
}
