import { describe, expect, it } from "vitest";
import { readManifest } from "../../src/engine/reading.js";
import { parseYamlStream } from "../../src/engine/yaml/index.js";
import { LIMITS, parseBoth, readOne } from "./helpers.js";

type Case = [name: string, yaml: string, expected: unknown];

function table(cases: Case[], fast = true): void {
  it.each(cases)("%s", (_name, yaml, expected) => {
    const result = readOne(yaml);
    expect(result.value).toEqual(expected);
    if (fast) expect(result.fast).toBe(true);
  });
}

describe("block scalars", () => {
  table(
    [
      ["literal, clip", "a: |\n  x\n  y\n", { a: "x\ny\n" }],
      ["literal, strip", "a: |-\n  x\n  y\n", { a: "x\ny" }],
      ["literal, keep", "a: |+\n  x\n  y\n\n\nb: 1\n", { a: "x\ny\n\n\n", b: 1 }],
      ["literal, clip drops trailing empty lines", "a: |\n  x\n\n\nb: 1\n", { a: "x\n", b: 1 }],
      ["literal, strip drops trailing empty lines", "a: |-\n  x\n\n\nb: 1\n", { a: "x", b: 1 }],
      ["literal, leading empty line", "a: |\n\n  x\n", { a: "\nx\n" }],
      ["literal, inner empty line", "a: |\n  x\n\n  y\n", { a: "x\n\ny\n" }],
      ["literal, more-indented lines", "a: |\n  x\n    y\n  z\n", { a: "x\n  y\nz\n" }],
      ["literal, explicit indentation", "a: |2\n    x\n  y\n", { a: "  x\ny\n" }],
      ["literal, explicit indentation 1", "a: |1\n  x\n", { a: " x\n" }],
      [
        "literal, indicators in either order",
        "a: |-2\n   x\nb: |2+\n   y\n\nc: 1\n",
        { a: " x", b: " y\n\n", c: 1 },
      ],
      [
        "literal, comment-like and key-like lines",
        "a: |\n  # not a comment\n  k: v\n",
        { a: "# not a comment\nk: v\n" },
      ],
      ["literal, header comment", "a: | # note\n  x\n", { a: "x\n" }],
      ["literal, empty", "a: |\nb: 1\n", { a: "", b: 1 }],
      ["literal, empty with keep", "a: |+\n\nb: 1\n", { a: "\n", b: 1 }],
      ["literal, ends at a less-indented comment", "a: |\n  x\n# c\n\nb: 1\n", { a: "x\n", b: 1 }],
      ["literal, keep before a comment", "a: |+\n  x\n\n# c\n\nb: 1\n", { a: "x\n\n", b: 1 }],
      ["literal, trailing spaces kept", "a: |\n  x  \n", { a: "x  \n" }],
      ["folded, clip", "a: >\n  x\n  y\n", { a: "x y\n" }],
      ["folded, empty line becomes a break", "a: >\n  x\n\n  y\n", { a: "x\ny\n" }],
      ["folded, two empty lines", "a: >\n  x\n\n\n  y\n", { a: "x\n\ny\n" }],
      ["folded, more-indented line keeps its breaks", "a: >\n  x\n    more\n  y\n", { a: "x\n  more\ny\n" }],
      [
        "folded, more-indented with empty lines",
        "a: >\n  x\n\n    more\n\n  y\n",
        { a: "x\n\n  more\n\ny\n" },
      ],
      ["folded, two more-indented lines", "a: >\n  x\n    m1\n    m2\n  y\n", { a: "x\n  m1\n  m2\ny\n" }],
      ["folded, leading empty line", "a: >\n\n  x\n  y\n", { a: "\nx y\n" }],
      ["folded, strip", "a: >-\n  x\n  y\n\n", { a: "x y" }],
      ["folded, keep", "a: >+\n  x\n  y\n\nb: 1\n", { a: "x y\n\n", b: 1 }],
      ["folded, explicit indentation", "a: >2-\n   x\n   y\n", { a: " x\n y" }],
      ["folded, long paragraph", "a: >\n  one two\n  three\n  four\n", { a: "one two three four\n" }],
      ["in a sequence", "- |\n  x\n- >-\n  y\n  z\n", ["x\n", "y z"]],
      ["in a compact mapping", "a:\n- b: |\n    x\n  c: 1\n", { a: [{ b: "x\n", c: 1 }] }],
      ["keep at the end of a document", "a: |+\n  x\n\n---\nb: 1\n", undefined],
    ].filter((c) => c[2] !== undefined) as Case[],
  );

  it("keep at the end of a document stops at the marker", () => {
    const out = parseBoth("a: |+\n  x\n\n---\nb: 1\n");
    expect(out.documents.map((d) => d.value)).toEqual([{ a: "x\n\n" }, { b: 1 }]);
    expect(out.stats.fast).toBe(2);
  });

  it("a block scalar at the very end of the text without a line break", () => {
    // The yaml package adds the final line break even then; the fast path leaves this to it.
    expect(readOne("a: |\n  x").value).toEqual({ a: "x\n" });
    expect(readOne("a: |-\n  x").value).toEqual({ a: "x" });
  });
});

describe("quoted scalars", () => {
  table([
    ["double, plain", 'a: "x y"\n', { a: "x y" }],
    ["double, keeps spaces", 'a: "  x  "\n', { a: "  x  " }],
    [
      "double, escapes",
      // go-yaml v2 knows `\'` (YAML 1.1) and not YAML 1.2's `\/`.
      'a: "\\\\ \\" \\\' \\0 \\a \\b \\e \\f \\n \\r \\t \\v"\n',
      { a: "\\ \" ' \0 \x07 \b \x1b \f \n \r \t \v" },
    ],
    [
      "double, unicode escapes",
      'a: "\\N\\_\\L\\P\\x41\\u00e9\\U0001F600\\ x"\n',
      { a: "\u0085\u00a0\u2028\u2029Aé😀 x" },
    ],
    ["double, escaped tab character", 'a: "x\\\ty"\n', { a: "x\ty" }],
    ["double, raw tab", 'a: "x\ty"\n', { a: "x\ty" }],
    [
      "double, looks like a number",
      'a: "1"\nb: "true"\nc: "null"\nd: ""\n',
      { a: "1", b: "true", c: "null", d: "" },
    ],
    ["double, with # and : inside", 'a: "x # y: z"\n', { a: "x # y: z" }],
    ["single", "a: 'x y'\n", { a: "x y" }],
    ["single, doubled quote", "a: 'it''s'\nb: ''''\n", { a: "it's", b: "'" }],
    ["single, backslash is literal", "a: 'x\\ny'\n", { a: "x\\ny" }],
    ["single, empty", "a: ''\n", { a: "" }],
    ["quoted keys", '"a b": 1\n\'c: d\': 2\n"": 3\n', { "a b": 1, "c: d": 2, "": 3 }],
    ["quoted value with trailing comment", 'a: "x" # c\n', { a: "x" }],
    ["unicode", "a: héllo wörld ✓\nb: 日本語\n", { a: "héllo wörld ✓", b: "日本語" }],
  ]);

  it("refuses the escapes Kubernetes refuses: \\/ and unpaired surrogates", () => {
    expect(parseBoth('a: "\\/"\n').errors[0].message).toMatch(/unknown escape character/);
    expect(parseBoth('a: "\\ud800"\n').errors[0].message).toMatch(/invalid Unicode character escape/);
  });

  it("multi-line quoted scalars go to the exact reader", () => {
    const result = readOne("a: \"x\n  y\"\nb: 'p\n\n  q'\n");
    expect(result.value).toEqual({ a: "x y", b: "p\nq" });
    expect(result.fast).toBe(false);
  });
});

describe("typed keys", () => {
  table(
    [
      [
        // sigs.k8s.io/yaml writes typed keys into JSON: ints in decimal, floats as float32, bools.
        "keys become the JSON keys Kubernetes writes",
        "yes: 1\n1: a\n0x10: d\n1.5: e\n3.141592653589793: f\n1e6: g\n'~': h\n",
        { true: 1, "1": "a", "16": "d", "1.5": "e", "3.1415927": "f", "1e+06": "g", "~": "h" },
      ],
      ["y and n are booleans in YAML 1.1, as keys too", "y: 1\nn: 2\n", { true: 1, false: 2 }],
    ],
    false,
  );
});

describe("plain scalars, keys and comments", () => {
  table([
    [
      "typing",
      "a: 1\nb: 1.5\nc: yes\nd: off\ne: ~\nf:\ng: 0x1F\nh: 2001-12-14\n",
      {
        a: 1,
        b: 1.5,
        c: true,
        d: false,
        e: null,
        f: null,
        g: 31,
        h: "2001-12-14",
      },
    ],
    [
      "indicators inside plain scalars",
      "a: x#y\nb: http://x:80/y\nc: -1\nd: a,b[c]{d}\ne: ?x\nf: :x\n",
      {
        a: "x#y",
        b: "http://x:80/y",
        c: -1,
        d: "a,b[c]{d}",
        e: "?x",
        f: ":x",
      },
    ],
    [
      "trailing comments and spaces",
      "a: x   # c\nb: w # c: d\n# full line\n  # indented comment\nc: z\n",
      { a: "x", b: "w", c: "z" },
    ],
    [
      "key with special characters",
      'app.kubernetes.io/name: x\n-k: v\na"b: z\n',
      {
        "app.kubernetes.io/name": "x",
        "-k": "v",
        'a"b': "z",
      },
    ],
    [
      "__proto__ is an ordinary key",
      "__proto__: 1\nconstructor: 2\n",
      JSON.parse('{"__proto__": 1, "constructor": 2}'),
    ],
    ["value on the next line", "a:\n  x\nb:\n  'y'\n", { a: "x", b: "y" }],
    ["root scalar", "hello\n", "hello"],
    ["root number", "12\n", 12],
  ]);

  it("multi-line plain scalars go to the fallback", () => {
    const result = readOne("a: x\n  y\n\n  z\n");
    expect(result.value).toEqual({ a: "x y\nz" });
    expect(result.fast).toBe(false);
  });
});

describe("collections", () => {
  table([
    ["nested mappings", "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n", { a: { b: { c: 1 }, d: 2 }, e: 3 }],
    ["sequence at the parent's indentation", "a:\n- 1\n- 2\nb: 3\n", { a: [1, 2], b: 3 }],
    ["indented sequence", "a:\n  - 1\n  - 2\n", { a: [1, 2] }],
    ["compact mappings", "- a: 1\n  b: 2\n- c: 3\n", [{ a: 1, b: 2 }, { c: 3 }]],
    ["compact mapping with more spaces", "-   a: 1\n    b: 2\n", [{ a: 1, b: 2 }]],
    ["nested sequences", "- - a\n  - b\n- - - c\n", [["a", "b"], [["c"]]]],
    ["item on the next line", "-\n  a: 1\n-\n- x\n", [{ a: 1 }, null, "x"]],
    ["sequence in a compact mapping", "- a:\n  - 1\n  b:\n    - 2\n", [{ a: [1], b: [2] }]],
    [
      "flow sequences",
      "a: [x, \"y\", 1, 'z', true, ~]\nb: []\nc: [ ]\nd: [a, [b, [c]], {e: f}]\n",
      {
        a: ["x", "y", 1, "z", true, null],
        b: [],
        c: [],
        d: ["a", ["b", ["c"]], { e: "f" }],
      },
    ],
    [
      "flow mappings",
      'a: {cpu: 100m, memory: 128Mi}\nb: {}\nc: { x: 1, "y z": [2] }\n',
      {
        a: { cpu: "100m", memory: "128Mi" },
        b: {},
        c: { x: 1, "y z": [2] },
      },
    ],
    ["flow with trailing comma and comment", "a: [1, 2, ] # c\nb: {x: z,}\n", { a: [1, 2], b: { x: "z" } }],
    ["flow plain scalars with spaces and colons", "a: [a b, c:d, -1]\n", { a: ["a b", "c:d", -1] }],
    ["flow in a sequence", "- [1, 2]\n- {a: b}\n", [[1, 2], { a: "b" }]],
    ["root flow after a comment", "# c\n{a: [1]}\n", { a: [1] }],
    ["indented root", "  a: 1\n  b: 2\n", { a: 1, b: 2 }],
    ["blank lines everywhere", "\n\na: 1\n\n\nb:\n\n  - 1\n\n  - 2\n\n", { a: 1, b: [1, 2] }],
  ]);

  it("a file starting with { is JSON to Kubernetes, not YAML", () => {
    const out = parseBoth("{a: [1]}\n");
    expect(out.documents).toEqual([]);
    expect(out.errors[0].message).toMatch(/^invalid JSON at line 1: /);
  });

  it("multi-line flow collections after a comment go to the exact reader", () => {
    const json =
      '# c\n{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "data": {"a": "1", "b": [1, 2.5, true, null]}\n}\n';
    const result = readOne(json);
    expect(result.value).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      data: { a: "1", b: [1, 2.5, true, null] },
    });
    expect(result.fast).toBe(false);
  });

  it("single-line flow YAML stays on the fast path", () => {
    const result = readOne('---\n{"a": [1, "x", {"b": false}], "c": null}\n');
    expect(result.value).toEqual({ a: [1, "x", { b: false }], c: null });
    expect(result.fast).toBe(true);
  });
});

describe("documents", () => {
  it("reads ordinary manifests on the fast path", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
  annotations:
    description: |
      Serves the web site.
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: app
        image: "nginx:1.25"
        args: ["--port=80"]
        resources:
          requests: {cpu: 100m, memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: [get, list, watch]
`;
    const out = parseBoth(text);
    expect(out.errors).toEqual([]);
    expect(out.stats).toEqual({ documents: 3, fast: 3, exact: 0, json: false });
    expect(out.documents.map((d) => d.line)).toEqual([1, 20, 30]);
  });

  it("splits on --- lines as Kubernetes does; ... ends the YAML but not the chunk; empty documents are dropped", () => {
    const text =
      "# head\n---\na: 1\n--- # c\n# only a comment\n---#x\nb: 2\n...\n# trailer\n---\nc: 3\n...\nd: 4\n";
    const out = parseBoth(text);
    expect(out.errors).toEqual([]);
    // Kubernetes reads one YAML document per chunk: `d: 4` after `...` is never applied.
    expect(out.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(out.documents.map((d) => d.line)).toEqual([3, 7, 11]);
  });

  it("an empty text or a comment-only text has no documents", () => {
    expect(parseBoth("").documents).toEqual([]);
    expect(parseBoth("# just a comment\n\n").documents).toEqual([]);
  });

  it("text after --- other than a comment stops the file, as Kubernetes' splitter does", () => {
    const out = parseBoth("a: 1\n--- {b: 2}\nc: 3\n");
    expect(out.documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(out.errors).toEqual([{ line: 2, message: "invalid YAML document separator at line 2: {b: 2}" }]);
    expect(parseBoth("a: 1\n----\nb: 2\n").errors[0].line).toBe(2);
  });

  it("reads directives as Kubernetes does: the --- after them starts a new chunk, a later one ends the document", () => {
    const out = parseBoth("%YAML 1.1\n---\na: 1\n");
    expect(out.documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(out.errors[0].message).toMatch(/^invalid YAML at line 1: did not find expected <document start>/);
    expect(readOne("a: 1\n%YAML 1.1\nignored: [\n").value).toEqual({ a: 1 });
    expect(parseBoth("a:\n  b: 1\n%FOO\n").errors[0].message).toMatch(/unknown directive name/);
  });

  it("reads CRLF line endings like LF", () => {
    const lf = "a: 1\nb:\n  - x # c\n  - |\n    t\n    u\nc: >-\n  p\n  q\n---\nd: 'e'\n";
    const crlf = lf.replaceAll("\n", "\r\n");
    const one = parseBoth(lf);
    const two = parseBoth(crlf);
    expect(two.documents.map((d) => d.value)).toEqual(one.documents.map((d) => d.value));
    expect(two.documents.map((d) => d.locate(["b", 1]))).toEqual([4, 11]);
    expect(two.stats.fast).toBe(2);
  });

  it("ignores a leading byte-order mark", () => {
    const out = parseBoth("\uFEFFa: 1\n---\nb: 2\n");
    expect(out.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.documents.map((d) => d.line)).toEqual([1, 3]);
    expect(out.stats.fast).toBe(2);
  });

  it("reads JSON files", () => {
    const json = JSON.stringify(
      { apiVersion: "v1", kind: "List", items: [{ a: 1 }, { b: "x: y" }] },
      null,
      2,
    );
    const out = parseBoth(json);
    expect(out.documents[0].value).toEqual({
      apiVersion: "v1",
      kind: "List",
      items: [{ a: 1 }, { b: "x: y" }],
    });
    expect(out.documents[0].locate(["items", 1, "b"])).toBe(9);
  });
});

describe("positions", () => {
  const text = [
    "# comment", // 1
    "---", // 2
    "apiVersion: apps/v1", // 3
    "kind: Deployment", // 4
    "spec:", // 5
    "  template:", // 6
    "    spec:", // 7
    "      containers:", // 8
    "      - name: app", // 9
    "        image: nginx", // 10
    "        ports:", // 11
    "        - containerPort: 80", // 12
    "          protocol: TCP", // 13
    "      -", // 14
    "        name: sidecar", // 15
    "        args: [a, b]", // 16
    "        env: {A: '1'}", // 17
    "  list:", // 18
    "  - - x", // 19
    "    - y", // 20
    "",
  ].join("\n");

  it.each([
    [[], 3],
    [["kind"], 4],
    [["spec"], 5],
    [["spec", "template", "spec", "containers"], 8],
    [["spec", "template", "spec", "containers", 0], 9],
    [["spec", "template", "spec", "containers", 0, "name"], 9],
    [["spec", "template", "spec", "containers", 0, "image"], 10],
    [["spec", "template", "spec", "containers", 0, "ports", 0], 12],
    [["spec", "template", "spec", "containers", 0, "ports", 0, "protocol"], 13],
    [["spec", "template", "spec", "containers", 1], 14],
    [["spec", "template", "spec", "containers", 1, "name"], 15],
    [["spec", "template", "spec", "containers", 1, "args", 1], 16],
    [["spec", "template", "spec", "containers", 1, "env", "A"], 17],
    [["spec", "list", 0, 1], 20],
    // absent paths resolve to their deepest existing ancestor
    [["spec", "template", "spec", "containers", 0, "resources", "limits"], 9],
    [["spec", "template", "spec", "containers", 7], 8],
    [["spec", "template", "spec", "containers", "0"], 8],
    [["kind", "x"], 4],
    [["nothing"], 3],
  ])("%j is on line %i", (path, line) => {
    const out = parseBoth(text);
    expect(out.stats.exact).toBe(0);
    expect(out.documents).toHaveLength(1);
    expect(out.documents[0].locate(path)).toBe(line);
  });

  it("locates inside exact-reader documents, through aliases and merge keys", () => {
    const out = parseBoth("base: &b\n  x: 1\n  z: 2\nm:\n  <<: *b\n  z: 3\nk: *b\n");
    const doc = out.documents[0];
    expect(doc.value).toEqual({ base: { x: 1, z: 2 }, m: { x: 1, z: 3 }, k: { x: 1, z: 2 } });
    expect(doc.locate(["m", "z"])).toBe(6);
    expect(doc.locate(["m", "x"])).toBe(2);
    expect(doc.locate(["k", "z"])).toBe(3);
  });
});

describe("errors and limits", () => {
  it("leaves out an invalid document and reads the others (readManifest cuts where Kubernetes stops)", () => {
    const docs = ["a: 1\n", "b: 2\n", "c: [1, 2\nd: 3\n", "e: 4\n", "f: 5\n"];
    const text = docs.map((d) => `---\n${d}`).join("");
    const out = parseBoth(text);
    // A review reads on: what KubeDelta refuses (a duplicate key, say) Kubernetes may well apply.
    expect(out.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }, { e: 4 }, { f: 5 }]);
    const applied = readManifest("x.yaml", text, { ...LIMITS, maxFileBytes: 1 << 20 });
    expect(applied.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0].line).toBe(7);
    expect(out.errors[0].message).toMatch(/^invalid YAML at line 7: /);
  });

  it.each([
    ["block mapping", "a: 1\nb: 2\na: 3\n", 3],
    ["flow mapping", "x: {a: 1, a: 2}\n", 1],
  ])("refuses duplicate keys, which Kubernetes silently resolves to the last (%s)", (_name, text, line) => {
    const out = parseBoth(text);
    expect(out.documents).toEqual([]);
    expect(out.errors).toEqual([{ line, message: expect.stringMatching(/duplicate key/) }]);
  });

  it("refuses two keys that become the same JSON key (Kubernetes keeps one at random)", () => {
    const out = parseBoth("1: a\n'1': b\n");
    expect(out.errors).toEqual([{ line: 2, message: expect.stringMatching(/both become "1"/) }]);
  });

  it.each([
    ["null key", "~: 1\n"],
    ["uint64 key", "18446744073709551615: 1\n"],
    ["NaN value", "a: .nan\n"],
    ["infinite value", "a: -.inf\n"],
    ["control character in a comment", "# \u0001\na: 1\n"],
    ["tab after a dash", "- \tx\n"],
    ["tab on an otherwise blank line", "a: 1\n\t\nb: 2\n"],
    ["Unicode line break inside a block scalar", "a: |\n  x\u2028y\n"],
  ])("rejects what Kubernetes rejects: %s", (_name, text) => {
    const out = parseBoth(text);
    expect(out.documents).toEqual([]);
    expect(out.errors).toHaveLength(1);
  });

  it("rejects billion laughs quickly", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const out = parseYamlStream(`${levels.join("\n")}\n`, {
      ...LIMITS,
      maxAliases: 10_000,
      maxNodes: 100_000,
    });
    expect(out.documents).toEqual([]);
    expect(out.errors[0].message).toMatch(/limit exceeded at line \d+: more than 100000 values/);
    const aliases = parseYamlStream(`${levels.join("\n")}\n`, { ...LIMITS, maxAliases: 20 });
    expect(aliases.errors[0].message).toMatch(/more than 20 alias references/);
  });

  it("rejects deep nesting without crashing", () => {
    const flow = parseYamlStream(`${"[".repeat(10_000)}${"]".repeat(10_000)}\n`, LIMITS);
    expect(flow.documents).toEqual([]);
    expect(flow.errors).toHaveLength(1);
    let block = "";
    for (let i = 0; i < 150; i++) block += `${" ".repeat(i)}k${i}:\n`;
    const out = parseBoth(block);
    expect(out.errors[0].message).toMatch(/nesting deeper than 100 levels/);
    const seq = parseBoth(`${"- ".repeat(120)}x\n`);
    expect(seq.errors[0].message).toMatch(/nesting deeper than 100 levels/);
    const deepSeq = parseYamlStream(`${"- ".repeat(10_000)}x\n`, LIMITS);
    expect(deepSeq.documents).toEqual([]);
    expect(deepSeq.errors).toHaveLength(1);
    const deepMap = parseYamlStream(`${"{a: ".repeat(10_000)}1${"}".repeat(10_000)}\n`, LIMITS);
    expect(deepMap.errors).toHaveLength(1);
  });

  it("stops after maxDocuments", () => {
    const text = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
    const out = parseBoth(text, { ...LIMITS, maxDocuments: 2 });
    expect(out.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.errors).toEqual([{ line: 5, message: "too many YAML documents: more than 2 in one file" }]);
  });

  it("enforces maxNodes", () => {
    const out = parseBoth(`a: [${Array(50).fill("x").join(", ")}]\n`, { ...LIMITS, maxNodes: 20 });
    expect(out.errors[0].message).toMatch(/more than 20 values/);
  });

  it("reports unknown aliases and tabs in indentation", () => {
    expect(parseBoth("a: *nope\n").errors[0].message).toMatch(/unknown anchor 'nope'/);
    expect(parseBoth("a:\n\tb: 1\n").errors[0].message).toMatch(/^invalid YAML at line 2/);
  });

  it("never throws on garbage", () => {
    for (const text of [
      "\u0000\u0001",
      "{{ .Values.x }}",
      "a: b: c",
      "- [",
      "'",
      '"\\q"',
      "? [a]\n: b\n",
      "*",
      "&",
    ]) {
      expect(() => parseYamlStream(text, LIMITS)).not.toThrow();
    }
  });
});

describe("YAML 1.1 features, read as go-yaml v2 reads them", () => {
  it("merges in order: whatever comes later wins, and earlier maps of a merge list win", () => {
    const text = "a: &a {x: 1, w: 1}\nb: &b {w: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\nd:\n  x: 0\n  <<: *a\n";
    expect(readOne(text).value).toEqual({
      a: { x: 1, w: 1 },
      b: { w: 2, z: 2 },
      c: { x: 3, w: 1, z: 2 },
      d: { x: 1, w: 1 },
    });
  });

  it("reads !!merge and ! merge keys, not quoted ones", () => {
    expect(readOne("o:\n  !!merge <<: {a: 1}\n  ! <<: {b: 2}\n").value).toEqual({ o: { a: 1, b: 2 } });
    expect(readOne("o:\n  '<<': {a: 1}\n").value).toEqual({ o: { "<<": { a: 1 } } });
  });

  it("decodes !!binary", () => {
    expect(readOne("type: !!binary TG9hZEJhbGFuY2Vy\nverbs: [!!binary Kg==]\n").value).toEqual({
      type: "LoadBalancer",
      verbs: ["*"],
    });
    expect(readOne("!!binary a2V5: 1\n").value).toEqual({ key: 1 });
    expect(parseBoth('a: !!binary "TG9hZA"\n').errors[0].message).toMatch(/invalid base64/);
    // Bytes that are not UTF-8 become one U+FFFD each, as Go's JSON encoding writes them.
    expect(readOne("a: !!binary /w==\nb: !!binary 4oI=\n").value).toEqual({ a: "\ufffd", b: "\ufffd\ufffd" });
  });

  it("reads Unicode and CR line breaks as line breaks", () => {
    expect(readOne("a: 1 # c\u2028b: 2\n").value).toEqual({ a: 1, b: 2 });
    expect(readOne("a: 1 # c\rb: 2\n").value).toEqual({ a: 1, b: 2 });
    expect(readOne("a: 1 # c\u0085b: 2\n").value).toEqual({ a: 1, b: 2 });
  });

  it("honours core tags and keeps other tags' text", () => {
    const text =
      'a: !!str 123\nb: !!int "12"\nc: !!float 1\nd: !!bool yes\ne: !!null ""\nf: !custom 12\ng: ! 12\n';
    expect(readOne(text).value).toEqual({ a: "123", b: 12, c: 1, d: true, e: null, f: "12", g: "12" });
    expect(parseBoth("a: !!int abc\n").errors[0].message).toMatch(/cannot decode !!str `abc` as a !!int/);
    expect(parseBoth("a: !!null x\n").errors[0].message).toMatch(/as a !!null/);
    // go-yaml ignores tags on collections.
    expect(readOne("a: !!seq {b: 1}\nc: !!str [1]\n").value).toEqual({ a: { b: 1 }, c: [1] });
  });

  it("reads anchors and aliases", () => {
    expect(readOne("a: &x [1, {b: 2}]\nc: *x\n").value).toEqual({ a: [1, { b: 2 }], c: [1, { b: 2 }] });
  });
});
