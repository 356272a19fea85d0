// Turns a file's bytes into the text Kubernetes reads, exactly as kubectl decodes files, or says
// why it cannot. Nothing is skipped for how it looks: a NUL byte, invalid UTF-8 or template
// braces are the YAML reader's business (it rejects what Kubernetes rejects), not a reason to
// look away from a file that `kubectl apply -f` would apply.

import { isUtf8 } from "node:buffer";
import { readUndecoded } from "./undecoded.js";

/** A file its shell could not read (a blob missing from a shallow clone, say): an error, never a skip. */
export interface UnreadableFile {
  unreadable: string;
}

/** Raw bytes, text already decoded from UTF-8 bytes (GitHub's, checked against the blob id), or unreadable. */
export type FileContent = string | Uint8Array | UnreadableFile;

export type DecodedFile =
  /** `stop`: Kubernetes stops reading there, with that error (the text ends before it). */
  | { kind: "text"; text: string; bytes: number; stop?: { line: number; message: string } }
  | { kind: "error"; message: string; line?: number };

export function isUnreadable(content: FileContent): content is UnreadableFile {
  return typeof content === "object" && !(content instanceof Uint8Array);
}

/** Size in bytes, as limits.maxFileBytes counts it (0 for a file that could not be read). */
export function contentBytes(content: FileContent): number {
  if (typeof content === "string") return Buffer.byteLength(content);
  return isUnreadable(content) ? 0 : content.byteLength;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
// Replaces ill-formed sequences (not fatal). ignoreBOM: kubectl drops only the one UTF-8 BOM at the
// very start, which decodeBytes does itself; any other U+FEFF is content.
const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/** Code unit `i` (a byte offset) of UTF-16 bytes in the given byte order. */
function unitAt(bytes: Uint8Array, i: number, littleEndian: boolean): number {
  return littleEndian ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1];
}

const isSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdfff;
const isTrail = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * UTF-16 after its byte-order mark, the way x/text's UTF-16 decoder does it, which is not quite
 * WHATWG's (TextDecoder): a surrogate followed by a trail surrogate is taken as a pair even when it
 * is itself a trail, and such a bad pair is one U+FFFD, not two; a lead surrogate followed by a
 * single last byte gives two U+FFFD, not one. Only reached when the strict TextDecoder refused.
 */
function decodeUtf16Like(bytes: Uint8Array, littleEndian: boolean): string {
  const units: number[] = [];
  let i = 2;
  while (i < bytes.length) {
    if (i + 1 >= bytes.length) {
      units.push(0xfffd); // a single trailing byte
      break;
    }
    const unit = unitAt(bytes, i, littleEndian);
    if (!isSurrogate(unit)) {
      units.push(unit);
      i += 2;
      continue;
    }
    const next = i + 3 < bytes.length ? unitAt(bytes, i + 2, littleEndian) : undefined;
    if (next !== undefined && isTrail(next)) {
      if (isTrail(unit)) units.push(0xfffd);
      else units.push(unit, next);
      i += 4;
    } else {
      units.push(0xfffd);
      i += 2;
    }
  }
  const parts: string[] = [];
  for (let start = 0; start < units.length; start += 8192) {
    parts.push(String.fromCharCode(...units.slice(start, start + 8192)));
  }
  return parts.join("");
}

function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  try {
    // Valid UTF-16 decodes the same everywhere; the strict decoder is fast and drops the BOM.
    return new TextDecoder(littleEndian ? "utf-16le" : "utf-16be", { fatal: true }).decode(bytes);
  } catch {
    return decodeUtf16Like(bytes, littleEndian);
  }
}

/**
 * kubectl reads a file through x/text's `unicode.BOMOverride(unicode.UTF8.NewDecoder())`:
 * - a UTF-16 LE or BE byte-order mark selects UTF-16 (bad surrogates become U+FFFD);
 * - a UTF-8 byte-order mark is dropped and the rest is passed on untouched, so bytes that are
 *   not UTF-8 after it reach Kubernetes' readers as they are (undecoded.ts);
 * - anything else is UTF-8 whose ill-formed sequences become U+FFFD. x/text replaces each
 *   maximal subpart of an ill-formed sequence (its comment: "the W3C standard way instead of the
 *   Go way"), exactly what WHATWG's TextDecoder does: checked against x/text and kubectl 1.32.
 */
function decodeBytes(bytes: Uint8Array): DecodedFile {
  const text = (decoded: string): DecodedFile => ({ kind: "text", text: decoded, bytes: bytes.byteLength });
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return text(decodeUtf16(bytes, true));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return text(decodeUtf16(bytes, false));
  if (!startsWith(bytes, UTF8_BOM)) return text(UTF8.decode(bytes));
  const rest = bytes.subarray(UTF8_BOM.length);
  if (isUtf8(rest)) return text(UTF8.decode(rest));
  // Bytes after the BOM that are not UTF-8 reach Kubernetes' readers undecoded.
  const undecoded = readUndecoded(rest);
  return { kind: "text", text: undecoded.text, bytes: bytes.byteLength, stop: undecoded.stop };
}

export function decodeFile(content: FileContent, maxBytes: number): DecodedFile {
  if (isUnreadable(content)) return { kind: "error", message: `could not be read: ${content.unreadable}` };
  const bytes = contentBytes(content);
  if (bytes > maxBytes) {
    return {
      kind: "error",
      message: `file is ${bytes} bytes, over the limit of ${maxBytes} (limits.maxFileBytes)`,
    };
  }
  if (typeof content !== "string") return decodeBytes(content);
  // Text is the UTF-8 reading of the file's bytes: only kubectl's dropping of a UTF-8 BOM is left.
  return { kind: "text", text: content.charCodeAt(0) === 0xfeff ? content.slice(1) : content, bytes };
}
