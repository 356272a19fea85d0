// Double-quoted scalar escapes, as go-yaml v2 (Kubernetes' YAML reader) knows them: YAML 1.1's
// set plus `\'`, without YAML 1.2's `\/`.

/** What a one-character escape (`\n`, `\t`, `\"`, ...) stands for, by the char code after the backslash. */
export function simpleEscape(c: number): string | undefined {
  switch (c) {
    case 48: // 0
      return "\0";
    case 97: // a
      return "\x07";
    case 98: // b
      return "\b";
    case 101: // e
      return "\x1b";
    case 102: // f
      return "\f";
    case 110: // n
      return "\n";
    case 114: // r
      return "\r";
    case 116: // t
    case 9: // an actual tab
      return "\t";
    case 118: // v
      return "\v";
    case 78: // N
      return "\u0085";
    case 95: // _
      return "\u00a0";
    case 76: // L
      return "\u2028";
    case 80: // P
      return "\u2029";
    case 32: // space
      return " ";
    case 34: // "
      return '"';
    case 39: // '
      return "'";
    case 92: // backslash
      return "\\";
    default:
      return undefined;
  }
}

/** Value of a hexadecimal digit's char code, or -1. */
export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}
