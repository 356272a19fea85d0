// kuttl's conventions (kudobuilder/kuttl: docs/testing/steps.md, asserts-errors.md, reference.md).
// A test case is a folder of numbered steps: every file named `<index>-<name>.yaml` belongs to step
// <index>, and the first dash-separated word of the name says its role: `assert` files are compared
// against the cluster until they match, `errors` files must never match, anything else is applied
// to the test cluster. A step may also be a folder `<index>-<name>/`, whose files need no index. A
// TestStep object in a step file names more files (`apply`, `assert`, `error`: files or folders,
// relative to the test case folder). chainsaw reads the same `<index>-assert` and `<index>-errors`
// names in test folders without a chainsaw-test.yaml.

import { posix } from "node:path";
import { dirOf, type TestReference, type TestUse } from "./test-references.js";
import { isObject } from "./types.js";
import type { ParsedDocument } from "./yaml/types.js";

const STEP_INDEX = /^\d+-/;
// `00-assert.yaml`, `01-errors.yaml`, `00-assert-ready.yaml`, `00-assert.gotmpl.yaml` (a template
// kuttl expands); chainsaw also reads `00-assert.yml`, but not `00-assert-ready.yml`.
const EXPECTATION_FILE = /^\d+-(assert|errors)(?:(?:-[^.]+)?(?:\.gotmpl)?\.yaml|\.yml)$/i;
// The same roles in a step folder, where names carry no index: `00-install/assert.yaml`.
const EXPECTATION_IN_STEP_FOLDER = /^(assert|errors)(?:-[^.]+)?(?:\.gotmpl)?\.yaml$/i;

/** Whether `path` is an assert or errors file by its name, and which. */
export function kuttlExpectation(path: string): "assert" | "errors" | undefined {
  const name = posix.basename(path);
  const inStepFolder = STEP_INDEX.test(posix.basename(dirOf(path)));
  const match = EXPECTATION_FILE.exec(name) ?? (inStepFolder ? EXPECTATION_IN_STEP_FOLDER.exec(name) : null);
  return match ? (match[1].toLowerCase() as "assert" | "errors") : undefined;
}

/**
 * The test case folder a step file belongs to (where its TestStep's paths start), or undefined when
 * kuttl would not read `path` as a step file.
 */
export function kuttlCaseDir(path: string): string | undefined {
  if (!path.endsWith(".yaml")) return undefined;
  const dir = dirOf(path);
  if (STEP_INDEX.test(posix.basename(path))) return dir;
  if (dir !== "" && STEP_INDEX.test(posix.basename(dir))) return dirOf(dir);
  return undefined;
}

const FIELDS: [string, TestUse][] = [
  ["apply", "apply"],
  ["assert", "assert"],
  ["error", "error"],
];

/** The files the TestSteps of a step file name. */
export function kuttlReferences(path: string, documents: readonly ParsedDocument[]): TestReference[] {
  const dir = kuttlCaseDir(path);
  if (dir === undefined) return [];
  const references: TestReference[] = [];
  for (const { value } of documents) {
    if (!isObject(value) || value.kind !== "TestStep" || !isKuttlApiVersion(value.apiVersion)) continue;
    for (const [field, use] of FIELDS) {
      const list = value[field];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        if (typeof entry === "string")
          references.push({ from: path, tool: "kuttl", use, dir, path: entry, form: "file-or-directory" });
      }
    }
  }
  return references;
}

export function isKuttlApiVersion(apiVersion: unknown): boolean {
  return typeof apiVersion === "string" && apiVersion.startsWith("kuttl.dev/");
}
