// chainsaw's conventions (kyverno/chainsaw: pkg/discovery, pkg/apis/v1alpha1, docs "References").
// chainsaw looks for a test file named chainsaw-test.yaml, or else chainsaw-test.yml, in each test
// folder: Test documents whose steps run operations. The `assert` and `error` operations of a step's
// `try` name files compared against the cluster; `apply`, `create`, `patch` and `update` name files
// applied to the test cluster. A `file:` is relative to the test file's folder and may be a glob.

import { posix } from "node:path";
import { dirOf, type TestReference, type TestUse } from "./test-references.js";
import { isObject } from "./types.js";
import type { ParsedDocument } from "./yaml/types.js";

const TEST_FILES = new Set(["chainsaw-test.yaml", "chainsaw-test.yml"]);

/** Whether chainsaw reads `path` as a test file (under its default name). */
export function isChainsawTestFile(path: string): boolean {
  return TEST_FILES.has(posix.basename(path));
}

const OPERATIONS: [string, TestUse][] = [
  ["assert", "assert"],
  ["error", "error"],
  ["apply", "apply"],
  ["create", "apply"],
  ["patch", "apply"],
  ["update", "apply"],
];

/** The files the Test documents of a chainsaw test file name. */
export function chainsawReferences(path: string, documents: readonly ParsedDocument[]): TestReference[] {
  if (!isChainsawTestFile(path)) return [];
  const dir = dirOf(path);
  const references: TestReference[] = [];
  for (const { value } of documents) {
    if (!isObject(value) || value.kind !== "Test" || !isChainsawApiVersion(value.apiVersion)) continue;
    const steps = isObject(value.spec) ? value.spec.steps : undefined;
    if (!Array.isArray(steps)) continue;
    for (const step of steps) {
      const operations = isObject(step) ? step.try : undefined;
      if (!Array.isArray(operations)) continue;
      for (const operation of operations) {
        if (!isObject(operation)) continue;
        for (const [field, use] of OPERATIONS) {
          const action = operation[field];
          if (isObject(action) && typeof action.file === "string")
            references.push({ from: path, tool: "chainsaw", use, dir, path: action.file, form: "glob" });
        }
      }
    }
  }
  return references;
}

export function isChainsawApiVersion(apiVersion: unknown): boolean {
  return typeof apiVersion === "string" && apiVersion.startsWith("chainsaw.kyverno.io/");
}
