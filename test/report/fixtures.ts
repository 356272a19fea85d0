// Hand-built review results for the report tests.

import type { ExceptedFinding, ExpiredException } from "../../src/engine/exceptions.js";
import type { RuleMeta } from "../../src/engine/rule.js";
import type { Finding, InputError, ReviewResult, Severity, Skipped } from "../../src/engine/types.js";

export const HOSTILE = [
  "<img src=x onerror=alert(1)>",
  "<!-- kubedelta:fp=abc -->",
  "[click](https://evil)",
  "@octocat",
  "a|b",
  "\x1b[31mred",
  "line1\nline2",
].join(" ");

let counter = 0;

export function finding(overrides: Partial<Finding> = {}): Finding {
  counter++;
  return {
    rule: "service-load-balancer",
    severity: "high",
    file: "deploy/web.yaml",
    line: 12,
    side: "head",
    resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" },
    message: "type changed from ClusterIP to LoadBalancer.",
    fingerprint: `fp${counter.toString().padStart(4, "0")}`,
    ...overrides,
  };
}

export function result(
  parts: {
    findings?: Finding[];
    excepted?: ExceptedFinding[];
    expiredExceptions?: ExpiredException[];
    errors?: InputError[];
    skipped?: Skipped[];
    failOn?: Severity;
  } = {},
): ReviewResult {
  return {
    findings: parts.findings ?? [],
    excepted: parts.excepted ?? [],
    expiredExceptions: parts.expiredExceptions ?? [],
    errors: parts.errors ?? [],
    skipped: parts.skipped ?? [],
    failOn: parts.failOn ?? "high",
    stats: {
      filesBase: 2,
      filesHead: 3,
      filesParsed: 4,
      parseCacheHits: 1,
      bytesParsed: 2048,
      resourcesBase: 5,
      resourcesHead: 6,
      added: 1,
      removed: 0,
      changed: 2,
      unchanged: 3,
      moved: 0,
    },
  };
}

export function rule(id: string, defaultSeverity: Severity = "high"): RuleMeta {
  return {
    id,
    title: `Title of ${id}`,
    defaultSeverity,
    description: `What ${id} flags.`,
    rationale: `Why ${id} matters.`,
    remediation: `How to fix ${id}.`,
  };
}

export const RULES: RuleMeta[] = [
  rule("service-load-balancer", "high"),
  rule("privileged-container", "critical"),
  rule("missing-probe", "low"),
];

export const docsUrl = (id: string): string => `https://kubedelta.example/rules/${id}`;

export const lookup = (id: string): RuleMeta | undefined => RULES.find((r) => r.id === id);
