// The rendered resources of one target at one revision, handed to the engine as one generated
// manifest: a stream of JSON values, which the engine reads exactly like any manifest. JSON, not
// YAML, because these are values already read as Kubernetes reads them: written back as JSON they
// cannot be read differently (YAML 1.1 would turn a plain `on` back into true).

import type { RenderedDocument } from "./output.js";

export interface GeneratedManifest {
  /** The path the engine knows it by: never a file of the repository. */
  path: string;
  text: string;
  documents: readonly RenderedDocument[];
  /** 1-based first line of each document in `text`, ascending. */
  starts: readonly number[];
}

/** The path of a target's rendered output: a name no repository file can have (it has a NUL-free `//`). */
export function generatedPath(tool: string, targetDir: string): string {
  return `${targetDir || "."}//${tool}`;
}

export function generatedManifest(path: string, documents: readonly RenderedDocument[]): GeneratedManifest {
  const parts: string[] = [];
  const starts: number[] = [];
  let line = 1;
  for (const document of documents) {
    const text = JSON.stringify(document.value, null, 1);
    starts.push(line);
    parts.push(text);
    line += text.split("\n").length;
  }
  return { path, text: parts.length > 0 ? `${parts.join("\n")}\n` : "", documents, starts };
}

/** The document of a generated manifest that holds `line`. */
export function documentAt(manifest: GeneratedManifest, line: number): RenderedDocument | undefined {
  let low = 0;
  let high = manifest.starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (manifest.starts[middle] <= line) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found < 0 ? undefined : manifest.documents[found];
}
