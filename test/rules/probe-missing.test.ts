// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` line 12.

import { describe, expect, it } from "vitest";
import { livenessProbeMissingRule } from "../../src/rules/liveness-probe-missing.js";
import { readinessProbeMissingRule } from "../../src/rules/readiness-probe-missing.js";
import { type Case, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const READY = ["    readinessProbe:", "      httpGet: { path: /ready, port: 8080 }"];
const READY_QUOTED = ["    readinessProbe:", '      httpGet: { path: /ready, port: "8080" }'];
const READY_TCP = ["    readinessProbe:", "      tcpSocket: { port: 8080 }"];
const LIVE = ["    livenessProbe:", "      httpGet: { path: /healthz, port: 8080 }"];

/** A container: its `- name:` line, its image line, then `extra`. */
function container(name: string, extra: string[] = [], image = `ghcr.io/shop/${name}:1.0`): string[] {
  return [`  - name: ${name}`, `    image: ${image}`, ...extra];
}

const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);

const pod = (probe: string[]) => `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  containers:
    - name: shell
      image: busybox:1.36
${probe.map((line) => `  ${line}`).join("\n")}
`;

const cronJob = `apiVersion: batch/v1
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
`;

const readinessCases: Case[] = [
  {
    name: "new Deployment without a readinessProbe",
    head: deploy(container("api")),
    expected: [{ line: 12, side: "head", severity: "low" }],
  },
  {
    name: "new Deployment: one finding per container without a probe",
    head: deploy(container("api"), container("sidecar", READY), container("worker")),
    expected: [
      { line: 12, side: "head", severity: "low" },
      { line: 18, side: "head", severity: "low" },
    ],
  },
  {
    name: "new container without a probe in an existing workload",
    base: deploy(container("api", READY)),
    head: deploy(container("api", READY), container("sidecar")),
    expected: [{ line: 16, side: "head", severity: "low" }],
  },
  {
    name: "renamed container is a new container",
    base: deploy(container("api")),
    head: deploy(container("server")),
    expected: [{ line: 12, side: "head", severity: "low" }],
  },
  {
    name: "readinessProbe removed: points at the removed probe in base",
    base: deploy(container("api", READY)),
    head: deploy(container("api")),
    expected: [{ line: 14, side: "base", severity: "low" }],
  },
  {
    name: "readinessProbe removed while containers are reordered",
    base: deploy(container("api", READY), container("sidecar", READY)),
    head: deploy(container("sidecar", READY), container("api")),
    expected: [{ line: 14, side: "base", severity: "low" }],
  },
  {
    name: "readinessProbe emptied to {} (no handler) counts as removed",
    base: deploy(container("api", READY)),
    head: deploy(container("api", ["    readinessProbe: {}"])),
    expected: [{ line: 14, side: "base", severity: "low" }],
  },
  {
    name: "readinessProbe removed from a workload moved to another file",
    base: { "a.yaml": deploy(container("api", READY)) },
    head: { "b.yaml": deploy(container("api")) },
    expected: [{ line: 14, side: "base", severity: "low", file: "a.yaml" }],
  },
  {
    name: "new Pod without a probe",
    head: pod([]),
    expected: [{ line: 8, side: "head", severity: "low" }],
  },
  {
    name: "new CronJob when the policy adds CronJob to kinds",
    head: cronJob,
    params: { kinds: ["CronJob"] },
    expected: [{ line: 13, side: "head", severity: "low" }],
  },
  {
    name: "full-state mode reports a container that never had a probe",
    base: deploy(container("api")),
    head: deploy(container("api")),
    fullState: true,
    expected: [{ line: 12, side: "head", severity: "low" }],
  },
];

const silentCases: Case[] = [
  {
    name: "image tag bump on a container that never had a probe",
    base: deploy(container("api", [], "ghcr.io/shop/api:1.0")),
    head: deploy(container("api", [], "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "env added to a container that never had a probe",
    base: deploy(container("api")),
    head: deploy(container("api", ["    env:", "      - { name: MODE, value: fast }"])),
    expected: [],
  },
  {
    name: "replicas and labels change on a workload without probes",
    base: deploy(container("api")),
    head: workload(["containers:", ...container("api")], { labels: "{ app: web, track: canary }" }).replace(
      "spec:\n  template:",
      "spec:\n  replicas: 3\n  template:",
    ),
    expected: [],
  },
  {
    name: "containers reordered, none with a probe",
    base: deploy(container("api"), container("sidecar")),
    head: deploy(container("sidecar"), container("api")),
    expected: [],
  },
  {
    name: "keys reordered inside a container",
    base: deploy(container("api", READY)),
    head: deploy(["  - image: ghcr.io/shop/api:1.0", ...READY, "    name: api"]),
    expected: [],
  },
  {
    name: "workload moved to another file unchanged",
    base: { "a.yaml": deploy(container("api")) },
    head: { "b.yaml": deploy(container("api")) },
    expected: [],
  },
  {
    name: "probe content changes (httpGet to tcpSocket)",
    base: deploy(container("api", READY)),
    head: deploy(container("api", READY_TCP)),
    expected: [],
  },
  {
    name: "probe port quoted instead of unquoted",
    base: deploy(container("api", READY)),
    head: deploy(container("api", READY_QUOTED)),
    expected: [],
  },
  {
    name: "probe added",
    base: deploy(container("api")),
    head: deploy(container("api", READY)),
    expected: [],
  },
  { name: "new container with a probe", head: deploy(container("api", READY)), expected: [] },
  { name: "whole workload removed", base: deploy(container("api", READY)), expected: [] },
  {
    name: "container without a probe removed",
    base: deploy(container("api", READY), container("sidecar")),
    head: deploy(container("api", READY)),
    expected: [],
  },
  {
    name: "new init container without a probe (init containers have none)",
    base: deploy(container("api", READY)),
    head: workload(["initContainers:", ...container("migrate"), "containers:", ...container("api", READY)]),
    expected: [],
  },
  {
    name: "new ephemeral container without a probe",
    head: workload([
      "containers:",
      ...container("api", READY),
      "ephemeralContainers:",
      ...container("debug"),
    ]),
    expected: [],
  },
  {
    name: "livenessProbe removed does not concern the readiness rule",
    base: deploy(container("api", [...READY, ...LIVE])),
    head: deploy(container("api", READY)),
    expected: [],
  },
  { name: "new CronJob (not in the default kinds)", head: cronJob, expected: [] },
  {
    name: "new Job (not in the default kinds)",
    head: workload(["containers:", ...container("once")], { kind: "Job" }),
    expected: [],
  },
  {
    name: "a custom resource called Deployment",
    head: deploy(container("api")).replace("apiVersion: apps/v1", "apiVersion: example.com/v1"),
    expected: [],
  },
  {
    name: "new Deployment when the policy checks only Pods",
    head: deploy(container("api")),
    params: { kinds: ["Pod"] },
    expected: [],
  },
  { name: "new Pod with a probe", head: pod(READY), expected: [] },
];

describe("readiness-probe-missing", () => {
  table(readinessProbeMissingRule, [...readinessCases, ...silentCases]);

  it("says which container, what is missing, why, and how to fix it", () => {
    const [arrived] = runRule(readinessProbeMissingRule, undefined, deploy(container("api")));
    expect(arrived.message).toBe(
      "Container `api` of Deployment shop/web has no readinessProbe: traffic reaches it before it is ready. " +
        "Add a readinessProbe.",
    );
    const [removed] = runRule(
      readinessProbeMissingRule,
      deploy(container("api", READY)),
      deploy(container("api")),
    );
    expect(removed.message).toBe(
      "The readinessProbe of container `api` of Deployment shop/web is removed: traffic will reach it before " +
        "it is ready and while it is unhealthy. Keep the readinessProbe.",
    );
  });

  it("keeps the fingerprint when the container moves in its list", () => {
    const [first] = runRule(
      readinessProbeMissingRule,
      undefined,
      deploy(container("api"), container("b", READY)),
    );
    const [second] = runRule(
      readinessProbeMissingRule,
      undefined,
      deploy(container("b", READY), container("api")),
    );
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.line).toBe(16);
  });
});

describe("liveness-probe-missing", () => {
  table(livenessProbeMissingRule, [
    {
      name: "new Deployment without a livenessProbe (a readinessProbe is not enough)",
      head: deploy(container("api", READY)),
      expected: [{ line: 12, side: "head", severity: "low" }],
    },
    {
      name: "livenessProbe removed",
      base: deploy(container("api", [...READY, ...LIVE])),
      head: deploy(container("api", READY)),
      expected: [{ line: 16, side: "base", severity: "low" }],
    },
    {
      name: "new container without a livenessProbe",
      base: deploy(container("api", LIVE)),
      head: deploy(container("api", LIVE), container("sidecar")),
      expected: [{ line: 16, side: "head", severity: "low" }],
    },
    {
      name: "readinessProbe removed does not concern the liveness rule",
      base: deploy(container("api", [...READY, ...LIVE])),
      head: deploy(container("api", LIVE)),
      expected: [],
    },
    {
      name: "image tag bump on a container that never had a livenessProbe",
      base: deploy(container("api", [], "ghcr.io/shop/api:1.0")),
      head: deploy(container("api", [], "ghcr.io/shop/api:1.1")),
      expected: [],
    },
    {
      name: "containers reordered",
      base: deploy(container("api", LIVE), container("sidecar")),
      head: deploy(container("sidecar"), container("api", LIVE)),
      expected: [],
    },
    { name: "whole workload removed", base: deploy(container("api")), expected: [] },
  ]);

  it("explains what a missing livenessProbe means", () => {
    const [finding] = runRule(livenessProbeMissingRule, undefined, deploy(container("api", READY)));
    expect(finding.message).toBe(
      "Container `api` of Deployment shop/web has no livenessProbe: a hung process is never restarted. " +
        "Add a livenessProbe.",
    );
  });
});
