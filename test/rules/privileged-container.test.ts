// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` line 12, its image 13; a container's `securityContext:` follows on 14, `privileged:` 15.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { privilegedContainerRule } from "../../src/rules/privileged-container.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { emptyContext, runRule } from "./tester.js";

const PRIV = ["    securityContext:", "      privileged: true"];
const sc = (value: string) => ["    securityContext:", `      privileged: ${value}`];

/** A container: its `- name:` line, its image line, then `extra`. */
function container(name: string, extra: string[] = [], image = `ghcr.io/shop/${name}:1.0`): string[] {
  return [`  - name: ${name}`, `    image: ${image}`, ...extra];
}

const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);

const pod = (extra: string[]) => `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  containers:
    - name: shell
      image: busybox:1.36
${extra.map((line) => `  ${line}`).join("\n")}
`;

const cronJob = (extra: string[]) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: ghcr.io/shop/report:1.0
${extra.map((line) => `          ${line}`).join("\n")}
`;

const podTemplate = (extra: string[]) => `apiVersion: v1
kind: PodTemplate
metadata:
  name: runner
  namespace: ci
template:
  spec:
    containers:
      - name: job
        image: ghcr.io/ci/job:1.0
${extra.map((line) => `    ${line}`).join("\n")}
`;

const firing: Case[] = [
  {
    name: "new Deployment with a privileged container",
    head: deploy(container("api", PRIV)),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "existing container turns privileged on",
    base: deploy(container("api")),
    head: deploy(container("api", PRIV)),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "privileged: false becomes true",
    base: deploy(container("api", sc("false"))),
    head: deploy(container("api", PRIV)),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "privileged: yes (YAML 1.1, as Kubernetes reads it)",
    base: deploy(container("api")),
    head: deploy(container("api", sc("yes"))),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "privileged: True and on",
    head: deploy(container("a", sc("True")), container("b", sc("on"))),
    expected: [
      { line: 15, side: "head", severity: "critical" },
      { line: 19, side: "head", severity: "critical" },
    ],
  },
  {
    name: "flow-style securityContext",
    base: deploy(container("api")),
    head: deploy(container("api", ["    securityContext: { runAsUser: 1000, privileged: true }"])),
    expected: [{ line: 14, side: "head", severity: "critical" }],
  },
  {
    name: "new privileged container beside an unprivileged one",
    base: deploy(container("api")),
    head: deploy(container("api"), container("debug", PRIV)),
    expected: [{ line: 17, side: "head", severity: "critical" }],
  },
  {
    name: "new privileged init container",
    base: deploy(container("api")),
    head: workload(["initContainers:", ...container("setup", PRIV), "containers:", ...container("api")]),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "new privileged ephemeral container",
    base: deploy(container("api")),
    head: workload(["containers:", ...container("api"), "ephemeralContainers:", ...container("debug", PRIV)]),
    expected: [{ line: 18, side: "head", severity: "critical" }],
  },
  {
    name: "privileged container moved to another list is a new container there",
    base: deploy(container("setup", PRIV), container("api")),
    head: workload(["initContainers:", ...container("setup", PRIV), "containers:", ...container("api")]),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "a privileged container renamed, same image: not new",
    base: deploy(container("api", PRIV, "ghcr.io/shop/api:1.0")),
    head: deploy(container("server", PRIV, "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "renamed privileged container with another image is a new container",
    base: deploy(container("api", PRIV)),
    head: deploy(container("server", PRIV)),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "one of two containers turns privileged while they are reordered",
    base: deploy(container("api"), container("sidecar", PRIV)),
    head: deploy(container("sidecar", PRIV), container("api", PRIV)),
    expected: [{ line: 19, side: "head", severity: "critical" }],
  },
  {
    name: "turned on in a workload that moves to another file",
    base: { "a.yaml": deploy(container("api")) },
    head: { "b.yaml": deploy(container("api", PRIV)) },
    expected: [{ line: 15, side: "head", severity: "critical", file: "b.yaml" }],
  },
  {
    name: "new Pod",
    head: pod(PRIV),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "CronJob container turns privileged",
    base: cronJob([]),
    head: cronJob(PRIV),
    expected: [{ line: 16, side: "head", severity: "critical" }],
  },
  {
    name: "PodTemplate",
    head: podTemplate(PRIV),
    expected: [{ line: 12, side: "head", severity: "critical" }],
  },
  ...["StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"].map(
    (kind): Case => ({
      name: `new ${kind}`,
      head: workload(["containers:", ...container("api", PRIV)], { kind }),
      expected: [{ line: 15, side: "head", severity: "critical" }],
    }),
  ),
  {
    name: "full-state mode reports a container that was already privileged",
    base: deploy(container("api", PRIV)),
    head: deploy(container("api", PRIV, "ghcr.io/shop/api:1.1")),
    fullState: true,
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
];

const silent: Case[] = [
  {
    name: "already privileged, image tag bumped",
    base: deploy(container("api", PRIV, "ghcr.io/shop/api:1.0")),
    head: deploy(container("api", PRIV, "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "already privileged, written yes before and true after",
    base: deploy(container("api", sc("yes"))),
    head: deploy(container("api", PRIV)),
    expected: [],
  },
  {
    name: "replicas change on a privileged workload",
    base: deploy(container("api", PRIV)),
    head: deploy(container("api", PRIV)).replace("spec:\n  template:", "spec:\n  replicas: 3\n  template:"),
    expected: [],
  },
  {
    name: "privileged containers reordered",
    base: deploy(container("api", PRIV), container("sidecar", PRIV)),
    head: deploy(container("sidecar", PRIV), container("api", PRIV)),
    expected: [],
  },
  {
    name: "keys reordered inside a privileged container",
    base: deploy(container("api", PRIV)),
    head: deploy([
      "  - securityContext: { privileged: true }",
      "    image: ghcr.io/shop/api:1.0",
      "    name: api",
    ]),
    expected: [],
  },
  {
    name: "privileged workload moved to another file",
    base: { "a.yaml": deploy(container("api", PRIV)) },
    head: { "b.yaml": deploy(container("api", PRIV)) },
    expected: [],
  },
  {
    name: "privileged turned off",
    base: deploy(container("api", PRIV)),
    head: deploy(container("api", sc("false"))),
    expected: [],
  },
  {
    name: "privileged removed",
    base: deploy(container("api", PRIV)),
    head: deploy(container("api")),
    expected: [],
  },
  { name: "privileged workload removed", base: deploy(container("api", PRIV)), expected: [] },
  {
    name: "privileged container removed",
    base: deploy(container("api"), container("debug", PRIV)),
    head: deploy(container("api")),
    expected: [],
  },
  {
    name: 'quoted "true" is a string (Kubernetes rejects it), not privileged',
    base: deploy(container("api")),
    head: deploy(container("api", sc('"true"'))),
    expected: [],
  },
  { name: "privileged: 1 is not a boolean", head: deploy(container("api", sc("1"))), expected: [] },
  { name: "privileged: no", head: deploy(container("api", sc("no"))), expected: [] },
  { name: "new unprivileged container", head: deploy(container("api")), expected: [] },
  {
    name: "a custom resource called Deployment",
    head: deploy(container("api", PRIV)).replace("apiVersion: apps/v1", "apiVersion: example.com/v1"),
    expected: [],
  },
  {
    name: "malformed securityContext and containers",
    head: workload([
      "containers:",
      "  - name: a",
      "    securityContext: privileged",
      "  - name: b",
      "    securityContext: [{ privileged: true }]",
      "  - privileged: true",
      "  - 5",
      "initContainers: { name: x, securityContext: { privileged: true } }",
      "ephemeralContainers: oops",
    ]),
    expected: [],
  },
  {
    name: "pod-level privileged is not a field Kubernetes knows",
    head: workload(["securityContext: { privileged: true }", "containers:", ...container("api")]),
    expected: [],
  },
];

describe("privileged-container", () => {
  table(privilegedContainerRule, [...firing, ...silent]);

  it("says which container, what changed, why, and how to fix it", () => {
    const [added] = runRule(privilegedContainerRule, undefined, deploy(container("api", PRIV)));
    expect(added.message).toBe(
      "Container `api` of Deployment shop/web runs privileged (securityContext.privileged: true): it gets " +
        "every Linux capability, every host device and no seccomp or AppArmor confinement, so escaping to the " +
        "node is trivial. Remove `privileged: true` and add only the capabilities the container needs.",
    );
    const [turned] = runRule(
      privilegedContainerRule,
      deploy(container("api")),
      workload(["initContainers:", ...container("api", PRIV)]),
    );
    expect(turned.message).toMatch(/^Init container `api` of Deployment shop\/web runs privileged/);
    const [changed] = runRule(
      privilegedContainerRule,
      deploy(container("api")),
      deploy(container("api", PRIV)),
    );
    expect(changed.message).toMatch(/^Container `api` of Deployment shop\/web becomes privileged/);
  });

  it("keeps the fingerprint when the container moves in its list", () => {
    const [first] = runRule(
      privilegedContainerRule,
      undefined,
      deploy(container("api", PRIV), container("b")),
    );
    const [second] = runRule(
      privilegedContainerRule,
      undefined,
      deploy(container("b"), container("api", PRIV)),
    );
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.line).toBe(17);
  });

  it("never throws on arbitrary JSON in a workload", () => {
    const context = emptyContext();
    const json = fc.jsonValue() as fc.Arbitrary<Json>;
    const container = fc.oneof(json, fc.record({ name: json, securityContext: json }, { requiredKeys: [] }));
    const list = fc.oneof(json, fc.array(container, { maxLength: 3 }));
    const spec = fc.record({ containers: list, initContainers: list }, { requiredKeys: [] });
    const shape = fc.record({ spec: fc.oneof(json, fc.record({ template: fc.record({ spec: spec }) })) });
    fc.assert(
      fc.property(shape, shape, (before, after) => {
        const change = {
          before: fakeResource(before as JsonObject),
          after: fakeResource(after as JsonObject),
        };
        privilegedContainerRule.check(change, context);
        privilegedContainerRule.check({ after: change.after }, context);
      }),
      { numRuns: 200 },
    );
  });
});
