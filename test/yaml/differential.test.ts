// Differential tests: the fast path must either give up or agree exactly with the fallback, on
// values, lines and errors, for everything serialisers emit and for mangled manifests.

import fc from "fast-check";
import { dump } from "js-yaml";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Json } from "../../src/engine/types.js";
import { parseYamlStream } from "../../src/engine/yaml/index.js";
import { resolvePlainScalar } from "../../src/engine/yaml/scalars.js";
import { LIMITS, parseBoth } from "./helpers.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
// Generous, so that large FUZZ_RUNS values run to the end.
const TIMEOUT = 30_000 + RUNS * 100;

const TRICKY = [
  ...[
    "",
    " ",
    "  a",
    "a  ",
    " a ",
    "a b",
    "x: y",
    "x:",
    ":x",
    "a #b",
    "a#b",
    "#",
    "# c",
    "'",
    '"',
    "''",
    "a'b",
    'a"b',
  ],
  ...[
    "- x",
    "-",
    "--",
    "---",
    "...",
    "? x",
    "?",
    "[a]",
    "{a: b}",
    "a, b",
    "&a",
    "*a",
    "!x",
    "!!str",
    "%x",
    "@x",
    "`x",
  ],
  ...[
    "|",
    ">",
    "|-",
    "a\nb",
    "a\n\nb\n",
    "a\n",
    "\n",
    "\na",
    "  lead\nline",
    "x\n  more\ny",
    "tab\there",
    "\t",
  ],
  ...[
    "1",
    "-1",
    "+1",
    "1.5",
    "1e3",
    "0x1F",
    "0o17",
    "017",
    "08",
    "1_000",
    ".5",
    ".inf",
    "-.Inf",
    ".nan",
    "1:20",
  ],
  ...[
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "NULL",
    "2001-12-14",
    "<<",
  ],
  ...[
    "é",
    "日本",
    "😀",
    "\u0085",
    "\u2028",
    "\u00a0",
    "\\",
    "\\n",
    "a\\tb",
    "100m",
    "128Mi",
    "nginx:1.25",
    "a/b",
  ],
];

const tricky = fc.constantFrom(...TRICKY);
const word = fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,12}$/);
const text = fc.oneof(
  { weight: 4, arbitrary: tricky },
  { weight: 3, arbitrary: word },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(tricky, word), { maxLength: 4 }).map((a) => a.join(" ")) },
  { weight: 1, arbitrary: fc.array(fc.oneof(tricky, word), { maxLength: 4 }).map((a) => a.join("\n")) },
);
const key = fc.oneof({ weight: 3, arbitrary: word }, { weight: 1, arbitrary: text });
const scalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 2, arbitrary: fc.integer() },
  {
    weight: 1,
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
  },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const { tree } = fc.letrec<{ tree: Json }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(key, tie("tree"), { maxKeys: 5 }),
  ),
}));
const manifest = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 6 });

type Serialiser = (value: Json) => string;

const SERIALISERS: Record<string, Serialiser> = {
  "yaml default": (v) => stringify(v),
  "yaml indent 4": (v) => stringify(v, { indent: 4 }),
  "yaml indentSeq false": (v) => stringify(v, { indentSeq: false }),
  "yaml 1.1": (v) => stringify(v, { version: "1.1" }),
  "yaml flow": (v) => stringify(v, { collectionStyle: "flow", lineWidth: 0 }),
  "yaml double quotes": (v) => stringify(v, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }),
  "yaml single quotes": (v) => stringify(v, { singleQuote: true }),
  "yaml folded blocks": (v) => stringify(v, { blockQuote: "folded", lineWidth: 20, minContentWidth: 0 }),
  "yaml literal blocks": (v) => stringify(v, { blockQuote: "literal" }),
  "yaml narrow": (v) => stringify(v, { lineWidth: 20, minContentWidth: 0 }),
  "js-yaml default": (v) => dump(v),
  "js-yaml flowLevel 2": (v) => dump(v, { flowLevel: 2, lineWidth: -1 }),
  "js-yaml noArrayIndent": (v) => dump(v, { noArrayIndent: true, indent: 3 }),
  "js-yaml double quotes": (v) => dump(v, { quotingType: '"', forceQuotes: true }),
  "js-yaml condensed flow": (v) => dump(v, { flowLevel: 1, condenseFlow: true }),
  "js-yaml narrow": (v) => dump(v, { lineWidth: 20 }),
};

/** Strings whose plain form every schema involved reads as that same string. */
function unambiguous(value: Json): boolean {
  if (typeof value === "string") {
    if (resolvePlainScalar(value) !== value) return false;
    // yaml's stringify writes a wrong indentation indicator for such block scalars when indent is not 2.
    if (/^[ \t]/.test(value) && value.includes("\n")) return false;
    // ...and its flow style writes `x:` followed by a line break unquoted.
    if (/:(\s|$)/.test(value)) return false;
    // NEL, LS, PS and CR break lines for go-yaml (YAML 1.1), not for the YAML 1.2 serialisers.
    if (/[\u0085\u2028\u2029\r]/.test(value)) return false;
    return !/^[-+.0-9]/.test(value) && !/^(true|false|null|~|y|n|<<)$/i.test(value);
  }
  if (Array.isArray(value)) return value.every(unambiguous);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([k, v]) => unambiguous(k) && unambiguous(v));
  }
  return true;
}

describe("fast path against the fallback, on serialised values", () => {
  for (const [name, serialise] of Object.entries(SERIALISERS)) {
    it(
      name,
      () => {
        let fast = 0;
        let total = 0;
        fc.assert(
          fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), (values) => {
            // Starts with `---`: a stream whose first character is `{` is JSON to Kubernetes.
            const yaml = `---\n${values.map((v) => serialise(v)).join("---\n")}`;
            const out = parseBoth(yaml);
            fast += out.stats.fast;
            total += out.stats.documents;
            // js-yaml's condenseFlow quotes already-quoted keys a second time.
            // Serialisers write YAML 1.2, which go-yaml sometimes refuses (`{ :x: 1 }`): whether a
            // text is valid is the Kubernetes reader's call (kubernetes-*.test.ts); here, whatever
            // both paths read must be the values written.
            if (values.every(unambiguous) && name !== "js-yaml condensed flow" && out.errors.length === 0) {
              expect(out.documents.map((d) => d.value)).toEqual(values.filter((v) => v !== null));
            }
          }),
          { numRuns: Math.ceil(RUNS / 5) },
        );
        // The fast path must carry most of what ordinary serialisers emit.
        if (!name.includes("flow") && !name.includes("narrow") && !name.includes("folded")) {
          expect(fast / total).toBeGreaterThan(0.3);
        }
      },
      TIMEOUT,
    );
  }
});

const MANIFESTS = [
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: "front"}
  annotations:
    note: |
      line one
      line two
    folded: >-
      a b
      c
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: "nginx:1.25"  # pinned
        args: ["--x=1", '--y']
        ports:
        - containerPort: 80
          protocol: TCP
        resources:
          limits: {cpu: 500m, memory: 128Mi}
      - name: side
        env:
        - {name: A, value: "1"}
`,
  `# a service
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  ports:
  - port: 80
    targetPort: 8080
  selector:
    app: web
---
kind: Role
rules:
- apiGroups: [""]
  verbs:
  - get
  - - nested
    - list
`,
];

const mutation = fc.record({
  kind: fc.constantFrom("delete", "duplicateLine", "indent", "dedent", "insert", "deleteLine", "swapLines"),
  at: fc.nat(),
  count: fc.integer({ min: 1, max: 3 }),
  payload: fc.constantFrom(
    ": ",
    "#",
    " #",
    "'",
    '"',
    "\t",
    "&a ",
    "*a",
    "- ",
    "? ",
    "|",
    ">",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "---\n",
    "...",
    "<<: ",
    "!x ",
    "%",
    "\\",
    "\r",
    "\uFEFF",
    "  ",
  ),
});

function mutate(source: string, ops: { kind: string; at: number; count: number; payload: string }[]): string {
  let text = source;
  for (const op of ops) {
    const lines = text.split("\n");
    const pos = op.at % (text.length + 1);
    const line = op.at % lines.length;
    switch (op.kind) {
      case "delete":
        text = text.slice(0, pos) + text.slice(pos + op.count);
        break;
      case "insert":
        text = text.slice(0, pos) + op.payload + text.slice(pos);
        break;
      case "duplicateLine":
        lines.splice(line, 0, lines[line]);
        text = lines.join("\n");
        break;
      case "deleteLine":
        lines.splice(line, 1);
        text = lines.join("\n");
        break;
      case "indent":
        lines[line] = " ".repeat(op.count) + lines[line];
        text = lines.join("\n");
        break;
      case "dedent":
        lines[line] = lines[line].replace(new RegExp(`^ {1,${op.count}}`), "");
        text = lines.join("\n");
        break;
      case "swapLines": {
        const other = (line + op.count) % lines.length;
        [lines[line], lines[other]] = [lines[other], lines[line]];
        text = lines.join("\n");
        break;
      }
    }
  }
  return text;
}

// Random lines in the shape of block YAML: mostly valid, often subtly not.
const fragment = fc.constantFrom(
  "a",
  "b",
  "key",
  "x y",
  "1",
  "0x1F",
  "yes",
  "~",
  "",
  " ",
  "'q'",
  "'it''s'",
  "'open",
  '"d"',
  '"e\\tf"',
  '"\\u00e9"',
  '"\\q"',
  '"open',
  "[a, b]",
  "[a, [b, c], {d: e}]",
  "[]",
  "{}",
  "{a: 1, b: [2]}",
  "[a,",
  "{a: }",
  "[a: b]",
  "{a, b}",
  "a #c",
  "a#c",
  "a: b",
  ":",
  "-",
  "- a",
  "|",
  "|-",
  ">+",
  "|2",
  ">1-",
  "| #c",
  "&x",
  "*x",
  "!t",
  "? ",
  "\t",
  "a\tb",
  "é",
  "<<",
);
const yamlLine = fc
  .tuple(
    fc.integer({ min: 0, max: 6 }),
    fc.constantFrom(
      "map",
      "mapEmpty",
      "seq",
      "seqMap",
      "seqSeq",
      "seqEmpty",
      "scalar",
      "comment",
      "blank",
      "marker",
    ),
    fragment,
    fragment,
  )
  .map(([indent, kind, a, b]) => {
    const pad = " ".repeat(indent);
    const k = a.replaceAll("\\t", "\t");
    const v = b.replaceAll("\\t", "\t");
    switch (kind) {
      case "map":
        return `${pad}${k}: ${v}`;
      case "mapEmpty":
        return `${pad}${k}:`;
      case "seq":
        return `${pad}- ${v}`;
      case "seqMap":
        return `${pad}- ${k}: ${v}`;
      case "seqSeq":
        return `${pad}- - ${v}`;
      case "seqEmpty":
        return `${pad}-`;
      case "scalar":
        return `${pad}${v}`;
      case "comment":
        return `${pad}# ${v}`;
      case "blank":
        return pad;
      default:
        return indent % 2 ? "---" : "...";
    }
  });

describe("fast path against the fallback, on random block YAML", () => {
  it(
    "never disagrees",
    () => {
      let fast = 0;
      let total = 0;
      fc.assert(
        fc.property(fc.array(yamlLine, { minLength: 1, maxLength: 12 }), fc.boolean(), (lines, crlf) => {
          const text = lines.join(crlf ? "\r\n" : "\n");
          const out = parseBoth(text);
          fast += out.stats.fast;
          total += out.stats.documents;
        }),
        { numRuns: RUNS * 2 },
      );
      expect(fast / total).toBeGreaterThan(0.05);
    },
    TIMEOUT,
  );
});

describe("fast path against the fallback, on mutated manifests", () => {
  it(
    "never throws and never disagrees",
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...MANIFESTS),
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          (source, ops) => {
            const text = mutate(source, ops);
            expect(() => parseYamlStream(text, LIMITS)).not.toThrow();
            parseBoth(text);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it("reads the unmutated manifests on the fast path", () => {
    for (const source of MANIFESTS) {
      const out = parseBoth(source);
      expect(out.errors).toEqual([]);
      expect(out.stats.exact).toBe(0);
    }
  });
});
