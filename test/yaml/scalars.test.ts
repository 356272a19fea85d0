import { describe, expect, it } from "vitest";
import { resolveScalar } from "../../src/engine/yaml/exact/resolve.js";
import { resolvePlainScalar } from "../../src/engine/yaml/scalars.js";

// go-yaml v2 (what Kubernetes' sigs.k8s.io/yaml uses) resolving untagged plain scalars.
const TABLE: [string, unknown][] = [
  // null
  ["", null],
  ["~", null],
  ["null", null],
  ["Null", null],
  ["NULL", null],
  ["nULL", "nULL"],
  ["~~", "~~"],
  // booleans, YAML 1.1 style
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((w): [string, unknown] => [
    w,
    true,
  ]),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (w): [string, unknown] => [w, false],
  ),
  ["yES", "yES"],
  ["tRUE", "tRUE"],
  ["oN", "oN"],
  ["yess", "yess"],
  // decimal integers
  ["0", 0],
  ["7", 7],
  ["-7", -7],
  ["+7", 7],
  ["-0", 0],
  ["1_000", 1000],
  ["1__0", 10],
  ["-_1", -1],
  ["_1", "_1"],
  ["9223372036854775807", 2 ** 63],
  ["-9223372036854775808", -(2 ** 63)],
  ["18446744073709551615", 2 ** 64],
  ["18446744073709551616", 2 ** 64], // too big for uint64: the float syntax takes it
  // other bases, Go's strconv base 0
  ["0x1F", 31],
  ["0X1f", 31],
  ["-0x1F", -31],
  ["0x_ff", 255],
  ["0x", "0x"],
  ["0xG", "0xG"],
  ["0b101", 5],
  ["-0b101", -5],
  ["0B11", 3],
  ["0b", "0b"],
  ["0b102", "0b102"],
  ["0o17", 15],
  ["0O17", 15],
  ["017", 15],
  ["0755", 493],
  ["-0755", -493],
  ["08", 8], // not octal; the float syntax reads it as 8
  ["09.5", 9.5],
  ["0xFFFFFFFFFFFFFFFF", 2 ** 64],
  ["0x1FFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFF"],
  ["-0x8000000000000001", "-0x8000000000000001"],
  // floats
  ["1.5", 1.5],
  ["-1.5", -1.5],
  ["+1.5", 1.5],
  ["1.", 1],
  [".5", 0.5],
  ["-.5", -0.5],
  ["+.5", 0.5],
  ["1e3", 1000],
  ["1E3", 1000],
  ["1.5e-3", 0.0015],
  ["6.02e+23", 6.02e23],
  ["1_000.5", 1000.5],
  [".5e3", 500],
  [".5_5", 0.55],
  [".5__5", ".5__5"],
  ["._5", "._5"],
  ["1e400", "1e400"], // out of range for float64: Go reports an error, go-yaml keeps the string
  [".1e999", ".1e999"],
  ["-0.0", -0],
  ["1.5.5", "1.5.5"],
  ["1e", "1e"],
  ["e3", "e3"],
  [".", "."],
  ["-", "-"],
  ["+", "+"],
  ["1,000", "1,000"],
  ["0.1.2", "0.1.2"],
  // infinities and NaN
  [".inf", Number.POSITIVE_INFINITY],
  [".Inf", Number.POSITIVE_INFINITY],
  [".INF", Number.POSITIVE_INFINITY],
  ["+.inf", Number.POSITIVE_INFINITY],
  ["-.inf", Number.NEGATIVE_INFINITY],
  ["-.INF", Number.NEGATIVE_INFINITY],
  [".nan", Number.NaN],
  [".NaN", Number.NaN],
  [".NAN", Number.NaN],
  [".iNf", ".iNf"],
  ["inf", "inf"],
  ["NaN", "NaN"],
  ["-.nan", "-.nan"],
  // strings, timestamps included (go-yaml v2 keeps them as strings for untyped targets)
  ["2001-12-14", "2001-12-14"],
  ["2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"],
  ["12:30:00", "12:30:00"],
  ["100m", "100m"],
  ["128Mi", "128Mi"],
  ["1.2.3", "1.2.3"],
  ["v1", "v1"],
  ["<<", "<<"],
  ["=", "="],
  ["nginx:1.25", "nginx:1.25"],
  ["0.0.0.0/0", "0.0.0.0/0"],
  ["1h30m", "1h30m"],
];

describe("resolvePlainScalar", () => {
  it.each(TABLE)("%j", (text, expected) => {
    expect(resolvePlainScalar(text)).toEqual(expected);
  });

  it("never returns negative zero for integers", () => {
    expect(Object.is(resolvePlainScalar("-0"), 0)).toBe(true);
    expect(Object.is(resolvePlainScalar("-0.0"), -0)).toBe(true);
  });
});

describe("the kind go-yaml gives an untagged plain scalar (which decides how a key is written)", () => {
  it.each([
    ["", "null"],
    ["yes", "bool"],
    ["12", "int"],
    ["0x1F", "int"],
    ["-0b11", "int"],
    ["1.5", "float"],
    ["1e3", "float"],
    ["08", "float"],
    [".5", "float"],
    [".inf", "float"],
    [".nan", "float"],
    ["abc", "str"],
    ["2001-12-14", "str"],
  ])("%j is %s", (text, kind) => {
    expect(resolveScalar(text, "", true).kind).toBe(kind);
  });
});
