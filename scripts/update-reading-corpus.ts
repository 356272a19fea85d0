// npm run corpus:update — rewrites the generated corpus files (test/yaml/corpus/generated.ts) and
// regenerates test/yaml/corpus/expected.json from Kubernetes' own reader (needs Go and Debian's
// golang-gopkg-yaml.v2-dev, golang-k8s-sigs-yaml-dev and golang-golang-x-text-dev).

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CORPUS_DIR,
  corpusInputs,
  EXPECTED_FILE,
  type ExpectedCorpus,
  readCorpusFile,
} from "../test/reference/corpus.js";
import { kubernetesReader, kubernetesReaderUnavailable } from "../test/reference/kube-reader.js";
import { GENERATED_CORPUS } from "../test/yaml/corpus/generated.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const reader = kubernetesReader();
if (!reader) {
  console.error(`corpus:update needs the Kubernetes reader: ${kubernetesReaderUnavailable()}`);
  process.exit(1);
}

for (const [name, bytes] of Object.entries(GENERATED_CORPUS)) writeFileSync(join(CORPUS_DIR, name), bytes);

const names = corpusInputs();
// The reader's own output for the files, kept as text so that numbers stay exactly as Go wrote them.
const output = execFileSync(reader.binary, names, { cwd: CORPUS_DIR, encoding: "utf8", maxBuffer: 1 << 30 });
const parsed = JSON.parse(output) as ExpectedCorpus;
if (!output.startsWith('{"files":') || parsed.files.length !== names.length) {
  throw new Error("kube-reader answered something unexpected");
}
const note =
  "What kubectl apply -f (Kubernetes 1.32) reads from each file here, from test/reference/kube-reader. " +
  "Regenerate with `npm run corpus:update`; never edit by hand.";
// ASCII only (every non-ASCII character is inside a string), so that nothing invisible hides here.
const text = `{"note": ${JSON.stringify(note)}, ${output.trim().slice(1)}\n`.replace(
  /[\u007f-\uffff]/g,
  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
);
writeFileSync(EXPECTED_FILE, text);
execFileSync(join(ROOT, "node_modules/.bin/biome"), ["format", "--write", EXPECTED_FILE], {
  cwd: ROOT,
  stdio: "ignore",
});

// The batch mode the tests use must agree with the files mode written here.
const batch = reader.readMany(names.map(readCorpusFile));
const differ = names.filter(
  (_name, i) =>
    JSON.stringify(batch[i]) !==
    JSON.stringify({ documents: parsed.files[i].documents, errors: parsed.files[i].errors }),
);
if (differ.length > 0) throw new Error(`kube-reader's batch and file modes differ on ${differ.join(", ")}`);

const accepted = parsed.files.filter((result) => result.errors.length === 0).length;
console.log(
  `corpus:update: ${names.length} files (${Object.keys(GENERATED_CORPUS).length} generated); ` +
    `Kubernetes accepts ${accepted}, stops with an error on ${names.length - accepted}`,
);
