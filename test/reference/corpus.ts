// The golden reading corpus (test/yaml/corpus/): crafted manifest files and what Kubernetes reads
// from each (expected.json, written by `npm run corpus:update` from the Go reference reader).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReadLimits } from "../../src/engine/reading.js";
import { DEFAULT_LIMITS } from "../../src/policy/load.js";
import type { KubeFileResult, KubeResult } from "./kube-reader.js";

export const CORPUS_DIR = fileURLToPath(new URL("../yaml/corpus/", import.meta.url));
export const EXPECTED_FILE = join(CORPUS_DIR, "expected.json");

/** The limits KubeDelta ships with: a refusal because of one of them is a refusal users would see. */
export const READ_LIMITS: ReadLimits = {
  maxFileBytes: DEFAULT_LIMITS.maxFileBytes,
  maxDocuments: DEFAULT_LIMITS.maxDocuments,
  maxDepth: DEFAULT_LIMITS.maxDepth,
  maxAliases: DEFAULT_LIMITS.maxAliases,
  maxNodes: DEFAULT_LIMITS.maxNodes,
};

export interface ExpectedCorpus {
  note: string;
  /** Every corpus input, sorted by name: the documents kubectl applies and the error it stops at. */
  files: KubeFileResult[];
}

/** Names of the corpus inputs (everything but the corpus' own machinery), sorted. */
export function corpusInputs(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => /\.(yaml|json|bin)$/.test(name) && name !== "expected.json" && name !== "biome.json")
    .sort();
}

export function readCorpusFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, name)));
}

/** expected.json, by file name. */
export function readExpected(): { note: string; files: Map<string, KubeResult> } {
  const expected = JSON.parse(readFileSync(EXPECTED_FILE, "utf8")) as ExpectedCorpus;
  const files = new Map<string, KubeResult>();
  for (const { file, documents, errors } of expected.files) files.set(file, { documents, errors });
  return { note: expected.note, files };
}
