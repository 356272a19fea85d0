// Plain-scalar typing the way Kubernetes reads YAML: sigs.k8s.io/yaml decodes with go-yaml v2
// (YAML 1.1 keywords, Go's strconv number syntax) into interface{}, so we mirror its resolver.

import type { Json } from "../types.js";

const KEYWORDS = new Map<string, Json>();
for (const word of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) {
  KEYWORDS.set(word, true);
}
for (const word of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) {
  KEYWORDS.set(word, false);
}
for (const word of ["~", "null", "Null", "NULL"]) KEYWORDS.set(word, null);
for (const word of [".nan", ".NaN", ".NAN"]) KEYWORDS.set(word, Number.NaN);
for (const word of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) {
  KEYWORDS.set(word, Number.POSITIVE_INFINITY);
}
for (const word of ["-.inf", "-.Inf", "-.INF"]) KEYWORDS.set(word, Number.NEGATIVE_INFINITY);

// go-yaml v2's yamlStyleFloat, applied after underscores are removed.
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// Go's ParseFloat on text starting with "." (underscores only between digits).
const DOT_FLOAT = /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Resolves an untagged plain scalar (already unfolded) to the value go-yaml v2 gives it. */
export function resolvePlainScalar(text: string): Json {
  if (text.length === 0) return null;
  const c = text.charCodeAt(0);
  // go-yaml v2 only looks further at scalars starting with these characters (its resolve table).
  if (c >= 48 && c <= 57) return resolveNumber(text) ?? text; // 0-9
  switch (c) {
    case 43: // +
    case 45: {
      // -
      const keyword = KEYWORDS.get(text);
      if (keyword !== undefined) return keyword;
      return resolveNumber(text) ?? text;
    }
    case 46: {
      // .
      const keyword = KEYWORDS.get(text);
      if (keyword !== undefined) return keyword;
      if (DOT_FLOAT.test(text)) {
        const value = Number(text.includes("_") ? text.replaceAll("_", "") : text);
        if (Number.isFinite(value)) return value;
      }
      return text;
    }
    case 126: // ~
    case 121: // y
    case 89: // Y
    case 110: // n
    case 78: // N
    case 116: // t
    case 84: // T
    case 102: // f
    case 70: // F
    case 111: // o
    case 79: {
      // O
      const keyword = KEYWORDS.get(text);
      return keyword === undefined ? text : keyword;
    }
    default:
      return text;
  }
}

// go-yaml v2 for text starting with a digit or sign: strip "_", then strconv.ParseInt(s, 0, 64),
// ParseUint(s, 0, 64), the YAML float syntax, and finally a "0b"/"-0b" binary form.
function resolveNumber(text: string): number | undefined {
  const plain = text.includes("_") ? text.replaceAll("_", "") : text;
  let value = parseGoInt(plain, 0, true);
  if (value !== undefined) return value;
  if (YAML_FLOAT.test(plain)) {
    const float = Number(plain);
    if (Number.isFinite(float)) return float;
  }
  if (plain.startsWith("0b")) value = parseGoInt(plain.slice(2), 2, false);
  else if (plain.startsWith("-0b")) {
    value = parseGoInt(plain.slice(3), 2, false);
    if (value !== undefined) value = 0 - value;
  }
  return value;
}

/**
 * Go's strconv.ParseInt(s, base, 64), falling back to ParseUint (no sign) when `withUnsigned`.
 * Base 0 reads the 0x / 0o / 0b / leading-0 prefixes. undefined when Go would return an error.
 */
function parseGoInt(s: string, base: number, withUnsigned: boolean): number | undefined {
  let i = 0;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 43 || first === 45) {
    negative = first === 45;
    i = 1;
  }
  if (i >= s.length) return undefined;
  if (base === 0) {
    base = 10;
    if (s.charCodeAt(i) === 48) {
      const marker = s.length - i >= 3 ? s.charCodeAt(i + 1) | 0x20 : 0;
      if (marker === 98) base = 2;
      else if (marker === 111) base = 8;
      else if (marker === 120) base = 16;
      if (base !== 10) i += 2;
      else {
        base = 8;
        i += 1;
        if (i === s.length) return 0; // "0" itself
      }
    }
  }
  const digits = s.slice(i);
  for (let k = 0; k < digits.length; k++) {
    const d = digitValue(digits.charCodeAt(k));
    if (d >= base) return undefined;
  }
  if (digits.length <= 12) {
    const magnitude = Number.parseInt(digits, base);
    return negative ? 0 - magnitude : magnitude;
  }
  // Long enough to overflow 64 bits: decide exactly, as Go does.
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  const big = BigInt(prefix + digits);
  const signed = negative ? -big : big;
  if (signed >= INT64_MIN && signed <= INT64_MAX) return Number(signed);
  const signGiven = first === 43 || first === 45;
  if (withUnsigned && !signGiven && big <= UINT64_MAX) return Number(big);
  return undefined;
}

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 87;
  return 99;
}
