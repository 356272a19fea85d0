// Scalar typing as go-yaml v2 decodes into interface{} (which is what sigs.k8s.io/yaml does):
// YAML 1.1 keywords, Go's strconv number syntax, explicit core tags checked against the text.
// The kind matters beyond the value: map keys become JSON keys by kind (ints in decimal, floats
// as float32 text, bools as words), and some kinds cannot be keys at all.

import { decodeByteWise } from "../../undecoded.js";
import { resolvePlainScalar } from "../scalars.js";

export type Resolved =
  | { kind: "null"; value: null }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: number; text: string }
  | { kind: "uint"; value: number }
  | { kind: "float"; value: number }
  | { kind: "str"; value: string };

const CORE = "tag:yaml.org,2002:";

/** A scalar whose explicit tag does not fit its text, or a tag we do not read. */
export class ResolveError extends Error {}

/**
 * Resolves a scalar: `tag` as the parser gave it ("" for none), `implicit` as go-yaml's flag (plain
 * untagged, or tagged `!`).
 */
export function resolveScalar(text: string, tag: string, implicit: boolean): Resolved {
  if (tag === "" && !implicit) return { kind: "str", value: text };
  if (tag === "") return resolveUntagged(text);
  if (!tag.startsWith(CORE)) return { kind: "str", value: text }; // `!`, `!local`, other schemes
  const name = tag.slice(CORE.length);
  switch (name) {
    case "str":
      return { kind: "str", value: text };
    case "binary":
      return { kind: "str", value: decodeBinary(text) };
    case "timestamp":
      // go-yaml hands an interface{} the timestamp's text, once it has parsed as one.
      if (!isTimestamp(text)) throw new ResolveError(`cannot decode !!str \`${text}\` as a !!timestamp`);
      return { kind: "str", value: text };
    case "null":
    case "bool":
    case "int":
    case "float": {
      const resolved = resolveUntagged(text);
      if (resolved.kind === name || (resolved.kind === "uint" && name === "int")) return resolved;
      if (name === "float" && resolved.kind === "int") return { kind: "float", value: resolved.value };
      throw new ResolveError(`cannot decode !!${kindName(resolved)} \`${text}\` as a !!${name}`);
    }
    default:
      // go-yaml reads other core tags (!!map on a scalar, !!foo) as plain text.
      return { kind: "str", value: text };
  }
}

function kindName(resolved: Resolved): string {
  return resolved.kind === "uint" ? "int" : resolved.kind;
}

function resolveUntagged(text: string): Resolved {
  const value = resolvePlainScalar(text);
  if (value === null) return { kind: "null", value: null };
  if (typeof value === "boolean") return { kind: "bool", value };
  if (typeof value === "string") return { kind: "str", value };
  if (typeof value === "number") {
    // Go tries ParseInt, then ParseUint (no sign), then the float syntax: the kind says which took it.
    const exact = integerText(text);
    if (exact === undefined) return { kind: "float", value };
    const big = BigInt(exact);
    if (big >= -(2n ** 63n) && big < 2n ** 63n) return { kind: "int", value, text: exact };
    const signed = /^[+-]/.test(text);
    if (!signed && big < 2n ** 64n) return { kind: "uint", value };
    return { kind: "float", value };
  }
  return { kind: "str", value: text };
}

/** The exact decimal value of an integer-syntax scalar (underscores, bases and signs as Go reads them). */
function integerText(text: string): string | undefined {
  let plain = text.replaceAll("_", "");
  let negative = false;
  if (plain.startsWith("+") || plain.startsWith("-")) {
    negative = plain[0] === "-";
    plain = plain.slice(1);
  }
  let digits: string;
  let prefix: string;
  if (/^0[xX][0-9a-fA-F]+$/.test(plain)) {
    prefix = "0x";
    digits = plain.slice(2);
  } else if (/^0[oO][0-7]+$/.test(plain)) {
    prefix = "0o";
    digits = plain.slice(2);
  } else if (/^0[bB][01]+$/.test(plain)) {
    prefix = "0b";
    digits = plain.slice(2);
  } else if (/^0[0-7]+$/.test(plain)) {
    prefix = "0o";
    digits = plain.slice(1);
  } else if (/^(0|[1-9][0-9]*)$/.test(plain)) {
    prefix = "";
    digits = plain;
  } else {
    return undefined;
  }
  const magnitude = BigInt(prefix + digits);
  return (negative ? -magnitude : magnitude).toString();
}

/** go-yaml's !!binary: standard base64 with padding (CR and LF ignored), bytes read as a Go string. */
function decodeBinary(text: string): string {
  const compact = text.replace(/[\r\n]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new ResolveError("!!binary value contains invalid base64 data");
  }
  const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
  if (padding > 0 && compact.indexOf("=") !== compact.length - padding) {
    throw new ResolveError("!!binary value contains invalid base64 data");
  }
  const bytes = Buffer.from(compact, "base64");
  // The bytes become a Go string, which JSON marshalling writes byte by byte where it is not UTF-8.
  return decodeByteWise(bytes);
}

/** A map key as sigs.k8s.io/yaml writes it into JSON, or undefined when it refuses the key. */
export function jsonKey(key: Resolved): string | undefined {
  switch (key.kind) {
    case "str":
      return key.value;
    case "int":
      return key.text;
    case "bool":
      return key.value ? "true" : "false";
    case "float":
      return float32Text(key.value);
    default:
      return undefined; // null and uint64 keys
  }
}

/** Go's strconv.FormatFloat(v, 'g', -1, 32), with YAML's names for the special values. */
export function float32Text(v: number): string {
  if (Number.isNaN(v)) return ".nan";
  if (v === Number.POSITIVE_INFINITY) return ".inf";
  if (v === Number.NEGATIVE_INFINITY) return "-.inf";
  const f = Math.fround(v);
  if (f === Number.POSITIVE_INFINITY) return ".inf"; // overflows float32: Go prints +Inf
  if (f === Number.NEGATIVE_INFINITY) return "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  // The shortest decimal that reads back as the same float32.
  let digits = "";
  let exponent = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = f.toExponential(precision - 1);
    if (Math.fround(Number(candidate)) === f) {
      const [mantissa, exp] = candidate.split("e");
      digits = mantissa.replace("-", "").replace(".", "");
      exponent = Number(exp);
      break;
    }
  }
  const sign = f < 0 ? "-" : "";
  // Go's 'g' with the shortest precision: %e when the exponent is < -4 or >= 6.
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

// go-yaml's timestamp layouts (Go time.Parse): 2006-1-2, with an optional time after `T`, `t` or a
// space, optional fraction, and a zone (`Z` or ±hh:mm) after `T`/`t` only.
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/;

function isTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = Number(m[4] ?? m[7] ?? 0);
  const minute = Number(m[5] ?? m[8] ?? 0);
  const second = Number(m[6] ?? m[9] ?? 0);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60
  );
}
