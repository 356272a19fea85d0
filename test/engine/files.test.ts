// File decoding as kubectl does it: x/text's BOMOverride(UTF8.NewDecoder()). The expected texts were
// checked against x/text itself and against kubectl 1.32.4 (`kubectl annotate --local -f`).

import { describe, expect, it } from "vitest";
import { decodeFile } from "../../src/engine/files.js";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))));

function text(content: string | Uint8Array): string {
  const decoded = decodeFile(content, 1 << 20);
  if (decoded.kind !== "text") throw new Error(`not text: ${decoded.message}`);
  return decoded.text;
}

/** UTF-16 code units after a byte-order mark, in either byte order. */
function utf16(units: number[], littleEndian: boolean): Uint8Array {
  const out = Buffer.alloc(2 + units.length * 2);
  const write = (value: number, at: number) =>
    littleEndian ? out.writeUInt16LE(value, at) : out.writeUInt16BE(value, at);
  write(0xfeff, 0);
  for (const [i, unit] of units.entries()) write(unit, 2 + i * 2);
  return new Uint8Array(out);
}
const units = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

describe("decodeFile", () => {
  it("drops a UTF-8 byte-order mark, from bytes and from text", () => {
    expect(text(bytes([0xef, 0xbb, 0xbf], "a: 1\n"))).toBe("a: 1\n");
    expect(text("\ufeffa: 1\n")).toBe("a: 1\n");
    // Only the first: a second one is content (for the YAML reader to judge).
    expect(text(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], "a"))).toBe("\ufeffa");
  });

  it("replaces each maximal ill-formed UTF-8 sequence with one U+FFFD, as x/text and kubectl do", () => {
    const cases: [number[], string][] = [
      [[0xff], "\ufffd"],
      [[0xc3, 0x28], "\ufffd("],
      [[0xe0, 0x80], "\ufffd\ufffd"], // overlong lead: each byte
      [[0xed, 0xa0, 0x80], "\ufffd\ufffd\ufffd"], // an encoded surrogate: each byte
      [[0xf0, 0x9f, 0x98], "\ufffd"], // a truncated emoji: one
      [[0xf4, 0x90, 0x80, 0x80], "\ufffd\ufffd\ufffd\ufffd"], // above U+10FFFF
      [[0xe1, 0x80], "\ufffd"],
      [[0xc0, 0xaf], "\ufffd\ufffd"],
    ];
    for (const [bad, replaced] of cases) expect(text(bytes("x", bad, "y"))).toBe(`x${replaced}y`);
  });

  it("never calls a file binary: NUL and other control bytes are text for the YAML reader", () => {
    expect(text(bytes("a: 1\nb: ", [0], "\n"))).toBe("a: 1\nb: \u0000\n");
  });

  it("decodes UTF-16 after a byte-order mark, in both byte orders", () => {
    for (const littleEndian of [true, false]) {
      expect(text(utf16(units("a: é😀\n"), littleEndian))).toBe("a: é😀\n");
    }
  });

  it("replaces bad UTF-16 surrogates as x/text does, which is not quite WHATWG", () => {
    for (const littleEndian of [true, false]) {
      const decode = (u: number[], extra: number[] = []) =>
        text(new Uint8Array([...utf16(u, littleEndian), ...extra]));
      expect(decode([0x78, 0xd800, 0x79])).toBe("x\ufffdy"); // a lone lead
      expect(decode([0x78, 0xdc00, 0x79])).toBe("x\ufffdy"); // a lone trail
      expect(decode([0x78, 0xd800, 0xd801, 0x79])).toBe("x\ufffd\ufffdy");
      // Two trails are taken as one bad pair: one U+FFFD, where TextDecoder gives two.
      expect(decode([0x78, 0xdc00, 0xdc01, 0x79])).toBe("x\ufffdy");
      expect(decode([0x78, 0xdc00, 0xd800, 0xdc00])).toBe("x\ufffd\u{10000}");
      // A lead before a single last byte: two U+FFFD, where TextDecoder gives one.
      expect(decode([0x78, 0xd800], [0x41])).toBe("x\ufffd\ufffd");
      expect(decode([0x78], [0x41])).toBe("x\ufffd");
    }
  });

  describe("bytes that are not UTF-8 after a UTF-8 byte-order mark, which kubectl passes on undecoded", () => {
    const bom = [0xef, 0xbb, 0xbf];

    it("YAML: Kubernetes applies the documents before the one holding them, and stops there", () => {
      expect(decodeFile(bytes(bom, "a: 1\n---\nb: caf", [0xe9], "\n---\nc: 1\n"), 1 << 20)).toEqual({
        kind: "text",
        text: "a: 1\n",
        bytes: 29,
        stop: { line: 3, message: expect.stringMatching(/^invalid UTF-8 after a UTF-8 byte-order mark/) },
      });
      expect(decodeFile(bytes(bom, "a: ", [0xff], "\n"), 1 << 20)).toMatchObject({
        text: "",
        stop: { line: 1 },
      });
    });

    it("YAML: a separator line's comment belongs to no document, so no reader looks at it", () => {
      expect(decodeFile(bytes(bom, "a: 1\n--- # caf", [0xe9], "\nb: 2\n"), 1 << 20)).toMatchObject({
        text: "a: 1\n--- # caf\ufffd\nb: 2\n",
        stop: undefined,
      });
    });

    it("JSON: Go's JSON decoding reads each such byte as one U+FFFD", () => {
      expect(text(bytes(bom, '{"a": "x', [0xf0, 0x9f, 0x98], 'y"}\n'))).toBe(
        '{"a": "x\ufffd\ufffd\ufffdy"}\n',
      );
    });
  });

  it("turns a file its shell could not read, or one over the size limit, into an error", () => {
    expect(decodeFile({ unreadable: "git object 1234 is missing" }, 10)).toEqual({
      kind: "error",
      message: "could not be read: git object 1234 is missing",
    });
    expect(decodeFile(bytes("0123456789a"), 10)).toEqual({
      kind: "error",
      message: "file is 11 bytes, over the limit of 10 (limits.maxFileBytes)",
    });
  });
});
