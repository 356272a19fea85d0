// Kubernetes' own manifest reader (test/reference/kube-reader/main.go), built offline from Debian's Go
// packages, as the reference every reading test compares KubeDelta with. Built on first use into
// node_modules/.cache/kube-reader/; unavailable (undefined) where Go or the packages are missing.
// KUBE_READER=/path/to/binary uses a reader built elsewhere.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json } from "../../src/engine/types.js";

/** One document kubectl hands to the API server. */
export interface KubeDocument {
  /** 1-based line of the file where the document's chunk starts (YAML) or its value starts (JSON). */
  line: number;
  /** The JSON Kubernetes gets (for a JSON stream: the value as Go's JSON decoding sees it). */
  value: Json;
}

/** An error kubectl stops at. */
export interface KubeProblem {
  /** 1-based line of the file, when known. */
  line?: number;
  message: string;
}

/** What kubectl makes of one input: the documents it applies, in order, and the error it stops at. */
export interface KubeResult {
  documents: KubeDocument[];
  /** Empty when the file is accepted; otherwise one error, and `documents` are those before it. */
  errors: KubeProblem[];
}

export interface KubeFileResult extends KubeResult {
  file: string;
}

export interface KubeReader {
  /** The binary in use. */
  binary: string;
  /** Reads many inputs in one process (`kube-reader --batch`). */
  readMany(inputs: readonly Uint8Array[]): KubeResult[];
  /** Reads files by path (`kube-reader FILE...`). */
  readFiles(paths: readonly string[]): KubeFileResult[];
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SOURCE = fileURLToPath(new URL("./kube-reader/main.go", import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL("../../scripts/build-kube-reader.sh", import.meta.url));
export const KUBE_READER_BINARY = fileURLToPath(
  new URL("../../node_modules/.cache/kube-reader/kube-reader", import.meta.url),
);

const MAX_BUFFER = 1 << 30;

let cached: { reader?: KubeReader; reason?: string } | undefined;

function isFresh(binary: string): boolean {
  return existsSync(binary) && statSync(binary).mtimeMs >= statSync(SOURCE).mtimeMs;
}

/** Why the reference reader is unavailable here (undefined when it is available). */
export function kubernetesReaderUnavailable(): string | undefined {
  kubernetesReader();
  return cached?.reason;
}

/** The reference reader, built if it is missing or older than its source; undefined without Go. */
export function kubernetesReader(): KubeReader | undefined {
  if (cached) return cached.reader;
  const override = process.env.KUBE_READER;
  if (override) {
    cached = existsSync(override)
      ? { reader: makeReader(override) }
      : { reason: `KUBE_READER=${override} does not exist` };
    return cached.reader;
  }
  if (!isFresh(KUBE_READER_BINARY)) {
    const build = spawnSync("bash", [BUILD_SCRIPT], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) {
      // Go and the packages are here, yet the program does not build: a bug to see, not to skip.
      throw new Error(`scripts/build-kube-reader.sh failed:\n${build.stdout}${build.stderr}`);
    }
    if (!isFresh(KUBE_READER_BINARY)) {
      const said = (build.stdout + build.stderr).trim().replace(/\s+/g, " ");
      cached = { reason: said || "the Kubernetes reader could not be built" };
      return undefined;
    }
  }
  cached = { reader: makeReader(KUBE_READER_BINARY) };
  return cached.reader;
}

function makeReader(binary: string): KubeReader {
  return {
    binary,
    readMany(inputs) {
      if (inputs.length === 0) return [];
      const payload = JSON.stringify(inputs.map((input) => Buffer.from(input).toString("base64")));
      const out = execFileSync(binary, ["--batch"], {
        input: payload,
        maxBuffer: MAX_BUFFER,
        encoding: "utf8",
      });
      const results = JSON.parse(out) as KubeResult[];
      if (!Array.isArray(results) || results.length !== inputs.length) {
        throw new Error(`kube-reader --batch answered ${results.length} results for ${inputs.length} inputs`);
      }
      return results;
    },
    readFiles(paths) {
      if (paths.length === 0) return [];
      const out = execFileSync(binary, [...paths], { maxBuffer: MAX_BUFFER, encoding: "utf8" });
      return (JSON.parse(out) as { files: KubeFileResult[] }).files;
    },
  };
}
