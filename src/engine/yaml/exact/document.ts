// A document read by the exact reader or the JSON reader: entry positions are offsets into the
// document's text, turned into file lines only when a finding asks for one.

import type { Json, Path } from "../../types.js";
import { locateIn } from "../locate.js";
import type { ParsedDocument } from "../types.js";
import type { OffsetPositions } from "./decode.js";

/** Maps offsets of `text` to 1-based file lines; `firstLine` is the line of offset 0. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly firstLine: number,
  ) {}

  lineOf(offset: number): number {
    // The end of a text that ends with a line break belongs to its last line.
    if (offset >= this.text.length && this.text.endsWith("\n")) offset = this.text.length - 1;
    if (!this.starts) {
      const starts = [0];
      for (let nl = this.text.indexOf("\n"); nl !== -1; nl = this.text.indexOf("\n", nl + 1))
        starts.push(nl + 1);
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.firstLine + lo;
  }
}

export class OffsetDocument implements ParsedDocument {
  constructor(
    readonly value: Json,
    readonly line: number,
    private readonly positions: OffsetPositions,
    private readonly lines: LineIndex,
  ) {}

  locate(path: Path): number {
    return locateIn(this.value, this.positions, path, this.line, (offset) => this.lines.lineOf(offset));
  }
}
