// The exact reader: one YAML document chunk read the way go-yaml v2 and sigs.k8s.io/yaml read it
// for Kubernetes, to the JSON the API server receives, with entry positions. Anything that reader
// rejects is an error here too; the few things it accepts that we cannot reproduce exactly are
// errors that say so (see the tests under test/yaml/).

import type { Json } from "../../types.js";
import type { ParseLimits } from "../types.js";
import { DecodeError, Decoder, type OffsetPositions } from "./decode.js";
import { DepthExceeded, Parser } from "./parser.js";
import { Scanner, YamlSyntaxError } from "./scanner.js";

export { LineIndex, OffsetDocument } from "./document.js";

export type ExactResult =
  | { value: Json; positions: OffsetPositions; start: number }
  | { error: string; offset: number; limit: boolean };

/** Reads the first document of `text`; `begin` skips a byte-order mark the reader drops. */
export function readExact(text: string, limits: ParseLimits): ExactResult {
  const begin = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  try {
    const scanner = new Scanner(text, begin);
    const root = new Parser(scanner, limits.maxDepth).document();
    if (root === null) return { value: null, positions: new Map(), start: begin };
    const decoder = new Decoder(limits);
    const value = decoder.value(root, 0);
    return { value, positions: decoder.positions, start: root.start };
  } catch (error) {
    if (error instanceof YamlSyntaxError) return { error: error.message, offset: error.offset, limit: false };
    if (error instanceof DecodeError)
      return { error: error.message, offset: error.offset, limit: error.limit };
    if (error instanceof DepthExceeded) {
      return { error: `nesting deeper than ${limits.maxDepth} levels`, offset: error.offset, limit: true };
    }
    if (error instanceof RangeError) return { error: "nesting too deep to read", offset: 0, limit: true };
    throw error;
  }
}
