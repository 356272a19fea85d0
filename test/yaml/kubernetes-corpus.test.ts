// The golden reading corpus: for every crafted file in test/yaml/corpus/, KubeDelta reads exactly what
// `kubectl apply -f` (Kubernetes 1.32) hands to the API server, or stops with an error where it does
// (expected.json, from the Go reference reader: npm run corpus:update). Where Go is available, the
// live reader must still agree with expected.json, so the corpus cannot go stale.

import { describe, expect, it } from "vitest";
import { readManifest } from "../../src/engine/reading.js";
import { type Comparison, compareReading } from "../reference/compare.js";
import { corpusInputs, READ_LIMITS, readCorpusFile, readExpected } from "../reference/corpus.js";
import { kubernetesReader, kubernetesReaderUnavailable } from "../reference/kube-reader.js";
import { GENERATED_CORPUS } from "./corpus/generated.js";

/**
 * Corpus files Kubernetes accepts that KubeDelta may refuse to read (report an error instead of
 * documents). Every entry says why refusing is the right answer for it. Start: none.
 */
const DUPLICATES =
  "duplicate keys: Kubernetes silently keeps the last, a person reading the diff sees the first";
const LIMIT = "over the configured nesting limit (limits.maxDepth, 64 by default)";
const ALLOWED_REFUSALS: ReadonlyMap<string, string> = new Map<string, string>([
  ["comment-ended-by-cr-privileged.yaml", DUPLICATES],
  ["duplicate-key-in-flow.yaml", DUPLICATES],
  ["duplicate-key-quoted-and-plain.yaml", DUPLICATES],
  ["duplicate-key-same-text.yaml", DUPLICATES],
  ["key-bool.yaml", DUPLICATES],
  ["duplicate-key-hides-nan.yaml", `${DUPLICATES} (the hidden first value, .nan, is reported first)`],
  ["duplicate-key-hides-null-key.yaml", `${DUPLICATES} (the hidden first key, null, is reported first)`],
  [
    "duplicate-key-int-and-string-same.yaml",
    '1 and "1" are two keys to go-yaml and one JSON key: which wins is random',
  ],
  [
    "json-duplicate-keys.json",
    "the API server's strict field validation (kubectl's default) rejects duplicate fields",
  ],
  ["deep-nesting-200.yaml", LIMIT],
  ["deep-sequence-nesting-100.yaml", LIMIT],
  ["json-deep-nesting.json", LIMIT],
  [
    "control-character-far-after-end-marker.bin",
    "go-yaml checks only the 512 bytes it reads ahead past `...`; KubeDelta checks the whole document",
  ],
  [
    "invalid-utf8-after-bom-after-end-marker.bin",
    "go-yaml checks UTF-8 only as far as it reads past `...`; KubeDelta checks the whole document",
  ],
]);

const names = corpusInputs();
const expected = readExpected();

function compare(name: string): Comparison {
  const kubernetes = expected.files.get(name);
  if (!kubernetes) throw new Error(`${name}: not in expected.json; run npm run corpus:update`);
  const ours = readManifest(`test/yaml/corpus/${name}`, readCorpusFile(name), READ_LIMITS);
  return compareReading(ours, kubernetes);
}

describe("the reading corpus", () => {
  it("has an expected reading for every file, and no reading for a file that is gone", () => {
    expect(names.length).toBeGreaterThanOrEqual(120);
    expect([...expected.files.keys()]).toEqual(names);
  });

  it("holds the generated files byte for byte", () => {
    for (const [name, bytes] of Object.entries(GENERATED_CORPUS)) {
      expect(
        Buffer.from(readCorpusFile(name)).equals(Buffer.from(bytes)),
        `${name}: run npm run corpus:update`,
      ).toBe(true);
    }
  });

  it("allows refusals only for files that exist and that Kubernetes accepts", () => {
    for (const name of ALLOWED_REFUSALS.keys()) {
      expect(names, name).toContain(name);
      expect(expected.files.get(name)?.errors, name).toEqual([]);
    }
  });

  it.each(names)("%s: KubeDelta reads what Kubernetes applies", (name) => {
    const comparison = compare(name);
    expect(comparison.divergences, name).toEqual([]);
    if (comparison.outcome === "refused" && !ALLOWED_REFUSALS.has(name)) {
      expect.fail(
        `${name}: Kubernetes accepts this file, KubeDelta refuses it (${comparison.refusals.join("; ")}); ` +
          "read it, or add it to ALLOWED_REFUSALS with the reason",
      );
    }
  });

  const reason = kubernetesReaderUnavailable();
  it.skipIf(reason !== undefined)(
    `expected.json is what the live Kubernetes reader says${reason ? ` (skipped: ${reason})` : ""}`,
    () => {
      const reader = kubernetesReader()!;
      const live = reader.readMany(names.map(readCorpusFile));
      const stale = names.filter(
        (name, i) => JSON.stringify(live[i]) !== JSON.stringify(expected.files.get(name)),
      );
      expect(stale, "expected.json is stale: run npm run corpus:update and review the diff").toEqual([]);
    },
  );
});
