// How KubeDelta reads one manifest file: exactly as `kubectl apply -f` hands it to the API server
// (file decoding, document splitting, YAML or JSON), or an error on its file and line. This is
// the single entry point the engine, the CLI's `read` command and the reading tests share.

import { decodeFile, type FileContent } from "./files.js";
import { parseYamlStream } from "./yaml/index.js";
import type { ParseLimits, ParseOutcome } from "./yaml/types.js";

export interface ReadLimits extends ParseLimits {
  maxFileBytes: number;
}

/** The documents Kubernetes would receive from `content`, and the errors it would stop at. */
export function readManifest(path: string, content: FileContent, limits: ReadLimits): ParseOutcome {
  const decoded = decodeFile(path, content, limits.maxFileBytes);
  if (decoded.kind === "error") return { documents: [], errors: [{ message: decoded.message }] };
  if (decoded.kind === "skip") return { documents: [], errors: [{ message: decoded.reason }] };
  return parseYamlStream(decoded.text, limits);
}
