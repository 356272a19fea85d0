import type { Json, Path } from "../types.js";

/** The parser's bounds (a subset of the policy's Limits). */
export interface ParseLimits {
  maxDocuments: number;
  maxDepth: number;
  maxAliases: number;
  maxNodes: number;
}

/** One YAML document of a stream, its value read the way Kubernetes reads it. */
export interface ParsedDocument {
  /** null for an empty document. */
  value: Json;
  /** 1-based line (in the whole file) of the document's first content line. */
  line: number;
  /**
   * 1-based line (in the whole file) that carries `path` inside `value`: the line of the key for
   * a mapping entry, of the `-` (or first character) for a sequence item. A path that does not
   * exist resolves to its deepest existing ancestor; the empty path to the document's line.
   */
  locate(path: Path): number;
}

export interface ParseProblem {
  /** 1-based line in the whole file, when known. */
  line?: number;
  message: string;
}

export interface ParseOutcome {
  /** Documents that parsed, in order. A document with an error is left out. */
  documents: ParsedDocument[];
  errors: ParseProblem[];
}
