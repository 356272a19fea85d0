// Documents read by the fast path. Positions are wanted for a handful of findings only, so they
// are recorded by a second parse of the document's text the first time one is asked for.

import type { Json, Path } from "../types.js";
import type { Chunk } from "./documents.js";
import { type Positions, parseFastWithPositions } from "./fast.js";
import { locateIn } from "./locate.js";
import type { ParsedDocument, ParseLimits } from "./types.js";

/** A document read by the fast path; positions are recorded by a second parse on first use. */
export class FastDocument implements ParsedDocument {
  readonly line: number;
  private positions: Positions | undefined;
  private positionsValue: Json = null;

  constructor(
    readonly value: Json,
    private readonly text: string,
    private readonly chunk: Chunk,
    private readonly limits: ParseLimits,
  ) {
    this.line = chunk.line;
  }

  locate(path: Path): number {
    if (!this.positions) {
      // The same parser in recording mode; it accepted this text before, so it does again.
      const recorded = parseFastWithPositions(this.text, this.chunk, this.limits);
      this.positionsValue = recorded.value;
      this.positions = recorded.positions;
    }
    return locateIn(this.positionsValue, this.positions, path, this.chunk.line, (line) => line);
  }
}
