// How KubeDelta reads one manifest file: exactly as `kubectl apply -f` hands it to the API server
// (file decoding, document splitting, YAML or JSON), or an error on its file and line. This is
// the single entry point the engine, the CLI's `read` command and the reading tests share.

import { decodeFile, type FileContent } from "./files.js";
import { parseYamlStream } from "./yaml/index.js";
import type { ParseLimits, ParseOutcome } from "./yaml/types.js";

export interface ReadLimits extends ParseLimits {
  maxFileBytes: number;
}

/**
 * The documents Kubernetes would receive from `content`, up to the first error, and the errors.
 * The path does not change the reading: kubectl reads every file it is given alike, whatever its
 * name or place. (Where a file sits matters only to reviews, which leave Helm chart templates to
 * Helm.)
 */
export function readManifest(_path: string, content: FileContent, limits: ReadLimits): ParseOutcome {
  const decoded = decodeFile(content, limits.maxFileBytes);
  if (decoded.kind === "error")
    return { documents: [], errors: [{ line: decoded.line, message: decoded.message }] };
  const outcome = withStop(parseYamlStream(decoded.text, limits), decoded.stop);
  return { documents: appliedDocuments(outcome), errors: outcome.errors };
}

/** A reading of the text before where Kubernetes stops, with the error it stops at. */
export function withStop(outcome: ParseOutcome, stop?: { line: number; message: string }): ParseOutcome {
  return stop ? { documents: outcome.documents, errors: [...outcome.errors, stop] } : outcome;
}

/**
 * What `kubectl apply -f` applies from a reading: it stops at the first error of a file (the
 * documents after it are never sent) and skips empty documents. The engine itself keeps every
 * document it could read, which only adds to what a failing review shows.
 */
export function appliedDocuments(outcome: ParseOutcome): ParseOutcome["documents"] {
  const stops = outcome.errors.map((e) => e.line).filter((line) => line !== undefined);
  const stop = stops.length > 0 ? Math.min(...stops) : Number.POSITIVE_INFINITY;
  return outcome.documents.filter((d) => d.value !== null && d.line < stop);
}
