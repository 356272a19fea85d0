// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` 12, its image 13, `ports:` 14, the first port item 15 and its hostPort 16.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { hostPortRule } from "../../src/rules/host-port.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { emptyContext, runRule } from "./tester.js";

/** A port item: containerPort on its `-` line, then `key: value` fields. */
const port = (containerPort: number, ...fields: string[]) => [
  `      - containerPort: ${containerPort}`,
  ...fields.map((field) => `        ${field}`),
];

/** A container with these port items. */
function container(name: string, ports: string[][] = [], image = `ghcr.io/shop/${name}:1.0`): string[] {
  return [
    `  - name: ${name}`,
    `    image: ${image}`,
    ...(ports.length > 0 ? ["    ports:", ...ports.flat()] : []),
  ];
}

const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);

const firing: Case[] = [
  {
    name: "new Deployment with a hostPort",
    head: deploy(container("api", [port(8080, "hostPort: 8080")])),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "hostPort added to an existing port",
    base: deploy(container("api", [port(8080)])),
    head: deploy(container("api", [port(8080, "hostPort: 8080")])),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "hostPort value changed",
    base: deploy(container("api", [port(8080, "hostPort: 8080")])),
    head: deploy(container("api", [port(8080, "hostPort: 80")])),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "hostPort from 0 (none) to a port",
    base: deploy(container("api", [port(53, "hostPort: 0")])),
    head: deploy(container("api", [port(53, "hostPort: 53")])),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "same hostPort, new protocol",
    base: deploy(container("dns", [port(53, "hostPort: 53")])),
    head: deploy(container("dns", [port(53, "hostPort: 53"), port(53, "hostPort: 53", "protocol: UDP")])),
    expected: [{ line: 18, side: "head", severity: "medium" }],
  },
  {
    name: "hostIP widened from 127.0.0.1 to every address",
    base: deploy(container("api", [port(8080, "hostPort: 8080", "hostIP: 127.0.0.1")])),
    head: deploy(container("api", [port(8080, "hostPort: 8080")])),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "a second hostPort beside an existing one",
    base: deploy(container("api", [port(8080, "hostPort: 8080")])),
    head: deploy(container("api", [port(8080, "hostPort: 8080"), port(9090, "hostPort: 9090")])),
    expected: [{ line: 18, side: "head", severity: "medium" }],
  },
  {
    name: "new container with a hostPort",
    base: deploy(container("api")),
    head: deploy(container("api"), container("proxy", [port(443, "hostPort: 443")])),
    expected: [{ line: 18, side: "head", severity: "medium" }],
  },
  {
    name: "hostPort moved to a renamed container",
    base: deploy(container("api", [port(8080, "hostPort: 8080")])),
    head: deploy(container("server", [port(8080, "hostPort: 8080")])),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "hostPort on an init container (a native sidecar)",
    head: workload([
      "initContainers:",
      ...container("proxy", [port(15001, "hostPort: 15001")]),
      "    restartPolicy: Always",
      "containers:",
      ...container("api"),
    ]),
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
  {
    name: "flow-style ports",
    base: deploy(container("api")),
    head: deploy([
      "  - name: api",
      "    image: api",
      "    ports: [{ containerPort: 80, hostPort: 80 }, { containerPort: 81, hostPort: 81 }]",
    ]),
    expected: [
      { line: 14, side: "head", severity: "medium" },
      { line: 14, side: "head", severity: "medium" },
    ],
  },
  {
    name: "added in a workload moved to another file",
    base: { "a.yaml": deploy(container("api", [port(8080)])) },
    head: { "b.yaml": deploy(container("api", [port(8080, "hostPort: 8080")])) },
    expected: [{ line: 16, side: "head", severity: "medium", file: "b.yaml" }],
  },
  ...["DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job"].map(
    (kind): Case => ({
      name: `new ${kind}`,
      head: workload(["containers:", ...container("api", [port(80, "hostPort: 80")])], { kind }),
      expected: [{ line: 16, side: "head", severity: "medium" }],
    }),
  ),
  {
    name: "new Pod",
    head: `apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  containers:
    - name: shell
      image: busybox
      ports:
        - containerPort: 22
          hostPort: 2222
`,
    expected: [{ line: 10, side: "head", severity: "medium" }],
  },
  {
    name: "CronJob",
    head: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: report
              ports: [{ containerPort: 80, hostPort: 80 }]
`,
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "full-state mode reports a hostPort that was already there",
    base: deploy(container("api", [port(8080, "hostPort: 8080")])),
    head: deploy(container("api", [port(8080, "hostPort: 8080")], "ghcr.io/shop/api:1.1")),
    fullState: true,
    expected: [{ line: 16, side: "head", severity: "medium" }],
  },
];

const silent: Case[] = [
  {
    name: "a host port on a pod that was already on the host network (the port was bound already)",
    base: workload([
      "hostNetwork: true",
      "containers:",
      ...container("api", [port(8080)], "ghcr.io/shop/api:1.0"),
    ]),
    head: workload([
      "hostNetwork: true",
      "containers:",
      ...container("api", [port(8080, "hostPort: 8080")], "ghcr.io/shop/api:1.0"),
    ]),
    expected: [],
  },
  {
    name: "existing hostPort, image tag bumped",
    base: deploy(container("api", [port(8080, "hostPort: 8080")], "ghcr.io/shop/api:1.0")),
    head: deploy(container("api", [port(8080, "hostPort: 8080")], "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "ports reordered",
    base: deploy(container("dns", [port(53, "hostPort: 53"), port(53, "hostPort: 53", "protocol: UDP")])),
    head: deploy(container("dns", [port(53, "hostPort: 53", "protocol: UDP"), port(53, "hostPort: 53")])),
    expected: [],
  },
  {
    name: "containers reordered",
    base: deploy(container("api", [port(80, "hostPort: 80")]), container("side", [port(81, "hostPort: 81")])),
    head: deploy(container("side", [port(81, "hostPort: 81")]), container("api", [port(80, "hostPort: 80")])),
    expected: [],
  },
  {
    name: "containerPort changes behind the same hostPort",
    base: deploy(container("api", [port(8080, "hostPort: 80")])),
    head: deploy(container("api", [port(9090, "hostPort: 80")])),
    expected: [],
  },
  {
    name: "protocol TCP made explicit",
    base: deploy(container("api", [port(80, "hostPort: 80")])),
    head: deploy(container("api", [port(80, "hostPort: 80", "protocol: TCP")])),
    expected: [],
  },
  {
    name: "hostIP narrowed to 127.0.0.1",
    base: deploy(container("api", [port(80, "hostPort: 80")])),
    head: deploy(container("api", [port(80, "hostPort: 80", "hostIP: 127.0.0.1")])),
    expected: [],
  },
  {
    name: "hostIP 0.0.0.0 made implicit",
    base: deploy(container("api", [port(80, "hostPort: 80", "hostIP: 0.0.0.0")])),
    head: deploy(container("api", [port(80, "hostPort: 80")])),
    expected: [],
  },
  {
    name: "port renamed",
    base: deploy(container("api", [port(80, "hostPort: 80", "name: http")])),
    head: deploy(container("api", [port(80, "hostPort: 80", "name: web")])),
    expected: [],
  },
  {
    name: "moved to another file unchanged",
    base: { "a.yaml": deploy(container("api", [port(80, "hostPort: 80")])) },
    head: { "b.yaml": deploy(container("api", [port(80, "hostPort: 80")])) },
    expected: [],
  },
  {
    name: "replicas change",
    base: deploy(container("api", [port(80, "hostPort: 80")])),
    head: deploy(container("api", [port(80, "hostPort: 80")])).replace(
      "spec:\n  template:",
      "spec:\n  replicas: 3\n  template:",
    ),
    expected: [],
  },
  {
    name: "hostPort removed",
    base: deploy(container("api", [port(80, "hostPort: 80")])),
    head: deploy(container("api", [port(80)])),
    expected: [],
  },
  { name: "workload removed", base: deploy(container("api", [port(80, "hostPort: 80")])), expected: [] },
  { name: "containerPort only", head: deploy(container("api", [port(8080)])), expected: [] },
  {
    name: "hostPort: 0 binds nothing",
    head: deploy(container("api", [port(80, "hostPort: 0")])),
    expected: [],
  },
  {
    name: 'hostPort: "80" (quoted: a string Kubernetes rejects)',
    head: deploy(container("api", [port(80, 'hostPort: "80"')])),
    expected: [],
  },
  {
    name: "a custom resource called Deployment",
    head: deploy(container("api", [port(80, "hostPort: 80")])).replace(
      "apiVersion: apps/v1",
      "apiVersion: example.com/v1",
    ),
    expected: [],
  },
  {
    name: "malformed ports",
    head: deploy([
      "  - name: a",
      "    ports: 80",
      "  - name: b",
      "    ports: [5, null, [80], { hostPort: [80] }, { hostPort: -1 }, { hostPort: 1.5 }, { hostPort: { a: 1 } }]",
      "  - 3",
    ]),
    expected: [],
  },
];

describe("host-port", () => {
  table(hostPortRule, [...firing, ...silent]);

  it("reports a port listed twice once", () => {
    const findings = runRule(
      hostPortRule,
      undefined,
      deploy(container("api", [port(80, "hostPort: 80"), port(8080, "hostPort: 80")])),
    );
    expect(findings.map((f) => f.line)).toEqual([16]);
  });

  it("says which container and port, why it matters, and how to fix it", () => {
    const [all] = runRule(hostPortRule, undefined, deploy(container("api", [port(8080, "hostPort: 8080")])));
    expect(all.message).toBe(
      "Container `api` of Deployment shop/web binds host port 8080/TCP on every address of each node it runs " +
        "on: the port is reachable by anyone who can reach the node, outside the Service layer, and only one " +
        "such pod fits on a node. Remove hostPort and expose the container through a Service.",
    );
    const [one] = runRule(
      hostPortRule,
      undefined,
      workload([
        "initContainers:",
        ...container("dns", [port(53, "hostPort: 53", "protocol: UDP", "hostIP: 10.0.0.1")]),
      ]),
    );
    expect(one.message).toMatch(
      /^Init container `dns` of Deployment shop\/web binds host port 53\/UDP on node address 10\.0\.0\.1: /,
    );
  });

  it("never throws on arbitrary JSON in a workload", () => {
    const context = emptyContext();
    const json = fc.jsonValue() as fc.Arbitrary<Json>;
    const some = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] });
    const portItem = fc.oneof(
      json,
      some({ hostPort: fc.oneof(json, fc.integer({ min: -1, max: 70000 })), protocol: json, hostIP: json }),
    );
    const container = fc.oneof(
      json,
      some({ name: json, ports: fc.oneof(json, fc.array(portItem, { maxLength: 3 })) }),
    );
    const spec = some({ containers: fc.oneof(json, fc.array(container, { maxLength: 3 })) });
    const shape = fc.record({ spec: fc.oneof(json, fc.record({ template: fc.record({ spec }) })) });
    fc.assert(
      fc.property(shape, shape, (before, after) => {
        const change = {
          before: fakeResource(before as JsonObject),
          after: fakeResource(after as JsonObject),
        };
        hostPortRule.check(change, context);
        hostPortRule.check({ after: change.after }, context);
      }),
      { numRuns: 200 },
    );
  });
});
