// What the default policy blocks: every change a security review must see before merge fails the
// check until approved, whatever its graded severity; probes, resources and the like stay advice.
// Through the real engine, the real rules and the default pack.

import { describe, expect, it } from "vitest";
import { review } from "../../src/engine/review.js";
import { blockingFindings, findingBlocks, type ReviewResult, reviewPassed } from "../../src/engine/types.js";
import { loadPolicy } from "../../src/policy/load.js";
import { rulesOf } from "../../src/rules/catalog.js";

const deployment = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:${extra}
      containers:
      - name: web
        image: registry.example.com/web:1.4.2
        readinessProbe: {httpGet: {path: /, port: 80}}
        livenessProbe: {httpGet: {path: /, port: 80}}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 200m, memory: 128Mi}
`;

const service = (type: string) => `apiVersion: v1
kind: Service
metadata:
  name: metrics
  namespace: shop
spec:
  type: ${type}
  selector: {app: web}
  ports:
  - port: 9090
`;

const role = (verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: config-reader
  namespace: shop
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ${verbs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: config-reader
  namespace: shop
subjects:
- kind: ServiceAccount
  name: web
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: config-reader
`;

function run(base: Record<string, string>, head: Record<string, string>, config: unknown = {}): ReviewResult {
  const policy = loadPolicy(undefined, [{ source: "test", data: config }]);
  return review({
    base: new Map(Object.entries(base)),
    head: new Map(Object.entries(head)),
    policy,
    rules: rulesOf(policy),
  });
}

describe("the default policy blocks what must be reviewed before merge", () => {
  it.each([
    [
      "a Service that becomes NodePort (medium)",
      { "svc.yaml": service("ClusterIP") },
      { "svc.yaml": service("NodePort") },
      "service-node-port",
      7,
    ],
    [
      "a switch to a service account whose bindings live outside the repository",
      { "web.yaml": deployment("\n      serviceAccountName: web") },
      { "web.yaml": deployment("\n      serviceAccountName: deployer") },
      "service-account-changed",
      13,
    ],
    [
      "a Role that gains list and update on configmaps",
      { "rbac.yaml": role("[get]") },
      { "rbac.yaml": role("[get, list, update]") },
      "rbac-escalation",
      9,
    ],
  ])("%s", (_name, base, head, rule, line) => {
    const result = run(base, head);
    const findings = result.findings.filter((f) => f.rule === rule);
    expect(findings).toHaveLength(1);
    expect(findings[0].line).toBe(line);
    // Graded below the fail-on severity, and blocking all the same.
    expect(["info", "low", "medium"]).toContain(findings[0].severity);
    expect(findingBlocks(result, findings[0])).toBe(true);
    expect(reviewPassed(result)).toBe(false);
  });

  it("a new Deployment without probes passes, with the hints as findings", () => {
    const bare = deployment("").replace(/ {8}readinessProbe.*\n {8}livenessProbe.*\n/, "");
    const result = run({}, { "web.yaml": bare });
    const rules = result.findings.map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(["readiness-probe-missing", "liveness-probe-missing"]));
    expect(blockingFindings(result)).toEqual([]);
    expect(reviewPassed(result)).toBe(true);
  });

  it("a repository can make a blocking rule advice again, or make an advisory rule block", () => {
    const base = { "svc.yaml": service("ClusterIP") };
    const head = { "svc.yaml": service("NodePort") };
    expect(reviewPassed(run(base, head, { rules: { "service-node-port": { block: false } } }))).toBe(true);
    // null goes back to the severity: medium is below the default failOn, high.
    expect(reviewPassed(run(base, head, { rules: { "service-node-port": { block: null } } }))).toBe(true);
    expect(
      reviewPassed(run(base, head, { rules: { "service-node-port": { block: null } }, failOn: "medium" })),
    ).toBe(false);
    const bare = deployment("").replace(/ {8}readinessProbe.*\n/, "");
    const strict = run({}, { "web.yaml": bare }, { rules: { "readiness-probe-missing": { block: true } } });
    expect(blockingFindings(strict).map((f) => f.rule)).toEqual(["readiness-probe-missing"]);
  });

  it("failOn none reports everything and blocks nothing, the always-blocking rules included", () => {
    const result = run(
      { "svc.yaml": service("ClusterIP") },
      { "svc.yaml": service("LoadBalancer") },
      { failOn: "none" },
    );
    expect(result.findings.map((f) => f.rule)).toContain("service-load-balancer");
    expect(blockingFindings(result)).toEqual([]);
    expect(reviewPassed(result)).toBe(true);
  });

  it("refuses a block setting that is not true, false or null", () => {
    expect(() =>
      loadPolicy(undefined, [{ source: "cfg", data: { rules: { "service-node-port": { block: "yes" } } } }]),
    ).toThrow(
      /rules\.service-node-port\.block: must be true \(always blocks\), false \(never blocks\) or null/,
    );
  });
});
