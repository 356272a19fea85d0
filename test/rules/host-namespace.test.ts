// Pod spec line i is file line 10 + i (see pod-fixtures): the host fields come first, on lines
// 11, 12, …, then the containers.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { hostNamespaceRule } from "../../src/rules/host-namespace.js";
import { type Case, fakeResource, table, type WorkloadOptions, workload } from "./pod-fixtures.js";
import { emptyContext, runRule } from "./tester.js";

const CONTAINERS = ["containers:", "  - name: agent", "    image: ghcr.io/ops/agent:1.0"];

/** A workload whose pod spec starts with these fields. */
const pod = (fields: string[], options: WorkloadOptions = {}, image = "ghcr.io/ops/agent:1.0") =>
  workload([...fields, "containers:", "  - name: agent", `    image: ${image}`], options);

const firing: Case[] = [
  {
    name: "new workload with hostNetwork: true",
    head: pod(["hostNetwork: true"]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "hostPID turned on (absent before)",
    base: pod([]),
    head: pod(["hostPID: true"]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "hostIPC from false to true",
    base: pod(["hostIPC: false"]),
    head: pod(["hostIPC: true"]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "hostNetwork: yes (YAML 1.1, as Kubernetes reads it)",
    base: pod(["hostNetwork: no"]),
    head: pod(["hostNetwork: yes"]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "all three: one finding each",
    head: pod(["hostIPC: true", "hostNetwork: true", "hostPID: true"]),
    expected: [
      { line: 11, side: "head", severity: "high" },
      { line: 12, side: "head", severity: "high" },
      { line: 13, side: "head", severity: "high" },
    ],
  },
  {
    name: "one more turned on beside one already on",
    base: pod(["hostNetwork: true"]),
    head: pod(["hostNetwork: true", "hostPID: true"]),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "turned on in a workload moved to another file",
    base: { "a.yaml": pod([]) },
    head: { "b.yaml": pod(["hostNetwork: true"]) },
    expected: [{ line: 11, side: "head", severity: "high", file: "b.yaml" }],
  },
  ...["DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job"].map(
    (kind): Case => ({
      name: `new ${kind}`,
      head: pod(["hostPID: true"], { kind }),
      expected: [{ line: 11, side: "head", severity: "high" }],
    }),
  ),
  {
    name: "new Pod",
    head: `apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  hostNetwork: true
  containers: [{ name: shell, image: busybox }]
`,
    expected: [{ line: 5, side: "head", severity: "high" }],
  },
  {
    name: "CronJob",
    base: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{ name: report, image: report }]
`,
    head: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          hostIPC: true
          containers: [{ name: report, image: report }]
`,
    expected: [{ line: 9, side: "head", severity: "high" }],
  },
  {
    name: "PodTemplate",
    head: `apiVersion: v1
kind: PodTemplate
metadata: { name: runner, namespace: ci }
template:
  spec:
    hostPID: true
    containers: [{ name: job, image: job }]
`,
    expected: [{ line: 6, side: "head", severity: "high" }],
  },
  {
    name: "full-state mode reports a workload that already shared the network",
    base: pod(["hostNetwork: true"]),
    head: pod(["hostNetwork: true"]),
    fullState: true,
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
];

const silent: Case[] = [
  {
    name: "already on, image tag bumped",
    base: pod(["hostNetwork: true"], {}, "ghcr.io/ops/agent:1.0"),
    head: pod(["hostNetwork: true"], {}, "ghcr.io/ops/agent:1.1"),
    expected: [],
  },
  {
    name: "already on, written yes before and true after",
    base: pod(["hostPID: yes"]),
    head: pod(["hostPID: true"]),
    expected: [],
  },
  {
    name: "replicas change on a workload sharing the network",
    base: pod(["hostNetwork: true"]),
    head: pod(["hostNetwork: true"]).replace("spec:\n  template:", "spec:\n  replicas: 3\n  template:"),
    expected: [],
  },
  {
    name: "fields reordered",
    base: pod(["hostNetwork: true", "hostPID: true"]),
    head: workload([...CONTAINERS, "hostPID: true", "hostNetwork: true"]),
    expected: [],
  },
  {
    name: "moved to another file unchanged",
    base: { "a.yaml": pod(["hostIPC: true"]) },
    head: { "b.yaml": pod(["hostIPC: true"]) },
    expected: [],
  },
  { name: "turned off", base: pod(["hostNetwork: true"]), head: pod(["hostNetwork: false"]), expected: [] },
  { name: "removed", base: pod(["hostPID: true"]), head: pod([]), expected: [] },
  { name: "workload removed", base: pod(["hostNetwork: true"]), expected: [] },
  {
    name: "explicitly false in a new workload",
    head: pod(["hostNetwork: false", "hostPID: no"]),
    expected: [],
  },
  {
    name: 'quoted "true" (a string Kubernetes rejects)',
    head: pod(['hostNetwork: "true"', "hostPID: 'yes'", "hostIPC: 1"]),
    expected: [],
  },
  {
    name: "hostNetwork on a container (not where Kubernetes reads it)",
    head: workload(["containers:", "  - name: api", "    image: api", "    hostNetwork: true"]),
    expected: [],
  },
  {
    name: "a custom resource called DaemonSet",
    head: pod(["hostNetwork: true"], { kind: "DaemonSet" }).replace(
      "apiVersion: apps/v1",
      "apiVersion: example.com/v1",
    ),
    expected: [],
  },
  {
    name: "a Service with hostNetwork in its spec",
    head: "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { hostNetwork: true }\n",
    expected: [],
  },
  {
    name: "malformed pod spec",
    head: "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\nspec: { template: { spec: [hostNetwork, true] } }\n",
    expected: [],
  },
];

describe("host-namespace", () => {
  table(hostNamespaceRule, [...firing, ...silent]);

  it("says which namespace, why it matters, and how to fix it", () => {
    const [finding] = runRule(hostNamespaceRule, pod([]), pod(["hostPID: true"]));
    expect(finding.message).toBe(
      "Deployment shop/web turns on hostPID: its pods see every process on the node, with its command line " +
        "and environment (secrets included); a container with enough privilege can signal, trace or enter " +
        "them. Remove hostPID unless this is a node-level system agent that cannot work without it.",
    );
  });

  it("never throws on arbitrary JSON in a workload", () => {
    const context = emptyContext();
    const json = fc.jsonValue() as fc.Arbitrary<Json>;
    const spec = fc.oneof(
      json,
      fc.record({ hostNetwork: json, hostPID: json, hostIPC: json }, { requiredKeys: [] }),
    );
    const shape = fc.record({
      spec: fc.oneof(json, fc.record({ template: fc.oneof(json, fc.record({ spec })) })),
    });
    fc.assert(
      fc.property(shape, shape, (before, after) => {
        const change = {
          before: fakeResource(before as JsonObject),
          after: fakeResource(after as JsonObject),
        };
        hostNamespaceRule.check(change, context);
        hostNamespaceRule.check({ after: change.after }, context);
      }),
      { numRuns: 200 },
    );
  });
});
