// Manifest builders for the pod rules' tables. The text layout is fixed so that tables can state
// exact lines: pod spec line i (1-based) is file line SPEC_LINE + i - 1.

import { expect, it } from "vitest";
import type { ParamValues, Rule } from "../../src/engine/rule.js";
import type { JsonObject, Resource, Severity, Side } from "../../src/engine/types.js";
import { runRule, type SideInput } from "./tester.js";

export const SPEC_LINE = 11;

const API_VERSIONS: Record<string, string> = {
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  ReplicaSet: "apps/v1",
  ReplicationController: "v1",
  Job: "batch/v1",
  PodTemplate: "v1",
};

export interface WorkloadOptions {
  kind?: string;
  name?: string;
  namespace?: string;
  /** The template's labels as a flow mapping, e.g. `{ app: web }`. */
  labels?: string;
}

/** A workload (default Deployment shop/web, labels app=web) whose pod spec has these lines. */
export function workload(spec: readonly string[], options: WorkloadOptions = {}): string {
  const { kind = "Deployment", name = "web", namespace = "shop", labels = "{ app: web }" } = options;
  return [
    `apiVersion: ${API_VERSIONS[kind] ?? "apps/v1"}`,
    `kind: ${kind}`,
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "spec:",
    "  template:",
    "    metadata:",
    `      labels: ${labels}`,
    "    spec:",
    ...spec.map((line) => `      ${line}`),
    "",
  ].join("\n");
}

/** A resource built without the parser, for unit tests of the readers: every line is 1. */
export function fakeResource(object: JsonObject, kind = "Deployment", group = "apps"): Resource {
  return {
    identity: { apiVersion: group ? `${group}/v1` : "v1", group, kind, namespace: "shop", name: "web" },
    key: `${group}/${kind}/shop/web`,
    object,
    file: "manifest.yaml",
    side: "head",
    line: 1,
    locate: () => 1,
  };
}

/** One row of a rule's table: the findings it must produce (none for a silent case). */
export interface Case {
  name: string;
  base?: SideInput;
  head?: SideInput;
  params?: ParamValues;
  fullState?: boolean;
  expected: { line: number; side: Side; severity: Severity; file?: string }[];
}

/** Runs a table through the real engine, ESLint RuleTester style. */
export function table(rule: Rule, cases: readonly Case[]): void {
  it.each(cases)("$name", ({ base, head, params, fullState, expected }) => {
    const findings = runRule(rule, base, head, { params, fullState });
    const files = expected.some((e) => e.file !== undefined);
    const actual = findings.map(({ line, side, severity, file }) => ({
      line,
      side,
      severity,
      ...(files ? { file } : {}),
    }));
    expect(actual).toEqual(expected);
  });
}
