// After a UTF-8 byte-order mark, kubectl passes a file on undecoded (x/text's BOMOverride switches
// to a no-op), so bytes that are not UTF-8 reach Kubernetes' readers as they are, and those differ:
// - a JSON stream (its first 4096 bytes start with "{" after white space: YAMLOrJSONDecoder's
//   sniff): Go's JSON decoding turns each such byte inside a string into U+FFFD, one byte at a
//   time (utf8.DecodeRune), and rejects one anywhere else, as our JSON reader rejects a U+FFFD there;
// - a YAML stream: apimachinery splits it into documents at `---` lines and go-yaml rejects a
//   document holding such bytes, so kubectl applies the documents before it and stops there.
// go-yaml checks UTF-8 lazily and may never reach bytes past a document's end (after `...`, say):
// such a file, which Kubernetes accepts, is refused here. An error fails the review; it never
// passes one.

import { isUtf8 } from "node:buffer";

/** The text Kubernetes reads, and where it stops reading when it does. */
export interface Undecoded {
  text: string;
  stop?: { line: number; message: string };
}

const UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });
// Go's unicode.IsSpace, which YAMLOrJSONDecoder and the separator check trim with.
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const JSON_START = new RegExp(`^${GO_SPACE}*\\{`);
const SEPARATOR_REST = new RegExp(`^${GO_SPACE}*(?:#|$)`);
const JSON_SNIFF_BYTES = 4096;

/** Length of the well-formed UTF-8 sequence at `i`, 0 when there is none (utf8.DecodeRune's rule). */
function sequenceAt(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  if (lead < 0x80) return 1;
  if (lead < 0xc2 || lead > 0xf4) return 0;
  const size = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  if (i + size > bytes.length) return 0;
  // The second byte's range excludes overlong forms, encoded surrogates and code points past U+10FFFF.
  const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
  const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
  if (bytes[i + 1] < low || bytes[i + 1] > high) return 0;
  for (let k = 2; k < size; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return 0;
  return size;
}

/** Each byte of an ill-formed sequence as one U+FFFD, as Go reads a string's bytes (JSON decoding, !!binary). */
export function decodeByteWise(bytes: Uint8Array): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; ) {
    const size = sequenceAt(bytes, i);
    if (size > 0) {
      i += size;
      continue;
    }
    parts.push(UTF8.decode(bytes.subarray(start, i)), "\ufffd");
    start = ++i;
  }
  parts.push(UTF8.decode(bytes.subarray(start)));
  return parts.join("");
}

/** The YAML stream up to the document chunk go-yaml rejects, split as apimachinery's YAMLReader does. */
function readYamlUntilInvalid(bytes: Uint8Array): Undecoded {
  let cut = 0; // where the text kubectl reads without error ends
  let chunkEmpty = true;
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    const next = newline < 0 ? bytes.length : newline + 1;
    const text = UTF8.decode(bytes.subarray(start, end));
    if (text.startsWith("---")) {
      if (!SEPARATOR_REST.test(text.slice(3))) {
        // Kubernetes stops at a bad separator: the reader reports it, before the bytes below.
        return { text: UTF8.decode(bytes.subarray(0, next)) };
      }
      // A separator ends a chunk and belongs to none (what it holds is never read); at the start
      // of a chunk it is the chunk's first line.
      if (!chunkEmpty) {
        cut = start;
        chunkEmpty = true;
        start = next;
        continue;
      }
    }
    chunkEmpty = false;
    if (!isUtf8(bytes.subarray(start, end))) {
      return {
        text: UTF8.decode(bytes.subarray(0, cut)),
        stop: {
          line,
          message:
            "invalid UTF-8 after a UTF-8 byte-order mark: kubectl passes such a file on undecoded, and its YAML reader rejects the document",
        },
      };
    }
    start = next;
  }
  // Only separator lines hold bytes that are not UTF-8, and no chunk reads those.
  return { text: UTF8.decode(bytes) };
}

/** What Kubernetes reads from the bytes after a UTF-8 byte-order mark that are not all UTF-8. */
export function readUndecoded(bytes: Uint8Array): Undecoded {
  const sniffed = UTF8.decode(bytes.subarray(0, JSON_SNIFF_BYTES));
  if (JSON_START.test(sniffed)) return { text: decodeByteWise(bytes) };
  return readYamlUntilInvalid(bytes);
}
