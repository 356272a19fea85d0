// A place in the sources that may be where a rendered field comes from.

import type { FieldLine } from "./field-lines.js";

export interface Candidate {
  file: string;
  line: number;
  /** The line writes the field itself (not a parent of it, not an include). */
  exact: boolean;
  /** Why an inexact line is the place (it includes the resource, say); said in the message. */
  note?: string;
}

export function candidate(file: string, at: FieldLine): Candidate {
  return { file, line: at.line, exact: at.exact };
}
