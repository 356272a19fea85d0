// Pod spec line i is file line 10 + i (see pod-fixtures). With agent(): `containers:` is line 11,
// `- name: agent` 12, its image 13; with mounts, `volumeMounts:` 14 and each mount item takes two
// lines (three when it sets readOnly). `volumes:` follows, and each volume item takes three lines:
// `- name:`, `hostPath:`, `path:`.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { hostPathRule, normalizeHostPath, sensitiveReason } from "../../src/rules/host-path.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { emptyContext, runRule } from "./tester.js";

/** A volumeMount item of a container; readOnly as written (none: no readOnly field). */
const mount = (name: string, readOnly?: string) => [
  `      - name: ${name}`,
  `        mountPath: /mnt/${name}`,
  ...(readOnly === undefined ? [] : [`        readOnly: ${readOnly}`]),
];
const RO = "true";

/** A container with these mounts. */
const container = (name: string, mounts: string[][] = [], image = `ghcr.io/ops/${name}:1.0`) => [
  `  - name: ${name}`,
  `    image: ${image}`,
  ...(mounts.length > 0 ? ["    volumeMounts:", ...mounts.flat()] : []),
];

/** A hostPath volume item. */
const host = (name: string, path: string) => [`  - name: ${name}`, "    hostPath:", `      path: ${path}`];

/** A DaemonSet ops/agent whose only container `agent` has these mounts, with these volumes. */
function agent(mounts: string[][], volumes: string[][], image?: string): string {
  return workload(
    [
      "containers:",
      ...container("agent", mounts, image),
      ...(volumes.length > 0 ? ["volumes:", ...volumes.flat()] : []),
    ],
    { kind: "DaemonSet", name: "agent", namespace: "ops" },
  );
}

const SENSITIVE = [
  "/",
  "/etc",
  "/etc/",
  "/etc/kubernetes/pki",
  "/root",
  "/root/.ssh",
  "/boot",
  "/dev",
  "/proc",
  "/proc/1/ns",
  "/sys",
  "/sys/fs/cgroup",
  "/var/lib/kubelet",
  "/var/lib/kubelet/pods",
  "/var/lib/docker",
  "/var/lib/containerd",
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/run/containerd/containerd.sock",
  "/var/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/run/crio/crio.sock",
  "/var/run",
  "/run",
  "/var",
  "/var/lib",
  "/run/containerd",
  "/var/log/../../etc",
  "//etc//ssl",
];

const ORDINARY = [
  "/var/log",
  "/data",
  "/mnt/disks/ssd0",
  "/opt/agent",
  "/var/lib/agent",
  "/etcd-data",
  "/dev/shm",
  "/sysroot",
];

const firing: Case[] = [
  {
    name: "new hostPath mounted read-only",
    head: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    expected: [{ line: 21, side: "head", severity: "high" }],
  },
  {
    name: "new hostPath mounted without readOnly is critical",
    head: agent([mount("logs")], [host("logs", "/var/log")]),
    expected: [{ line: 20, side: "head", severity: "critical" }],
  },
  {
    name: "new hostPath mounted with readOnly: false is critical",
    head: agent([mount("logs", "false")], [host("logs", "/var/log")]),
    expected: [{ line: 21, side: "head", severity: "critical" }],
  },
  {
    name: 'readOnly: "true" (quoted: a string) is not read-only',
    head: agent([mount("logs", '"true"')], [host("logs", "/var/log")]),
    expected: [{ line: 21, side: "head", severity: "critical" }],
  },
  {
    name: "readOnly: yes is read-only",
    head: agent([mount("logs", "yes")], [host("logs", "/var/log")]),
    expected: [{ line: 21, side: "head", severity: "high" }],
  },
  ...SENSITIVE.map(
    (path): Case => ({
      name: `sensitive path ${path} is critical even unmounted`,
      head: agent([], [host("node", path)]),
      expected: [{ line: 17, side: "head", severity: "critical" }],
    }),
  ),
  ...ORDINARY.map(
    (path): Case => ({
      name: `ordinary path ${path}, unmounted, is high`,
      head: agent([], [host("node", path)]),
      expected: [{ line: 17, side: "head", severity: "high" }],
    }),
  ),
  {
    name: "hostPath volume added to an existing workload",
    base: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    head: agent(
      [mount("logs", RO), mount("sock", RO)],
      [host("logs", "/var/log"), host("sock", "/var/run/docker.sock")],
    ),
    expected: [{ line: 27, side: "head", severity: "critical" }],
  },
  {
    name: "a volume whose hostPath.path changes counts as added",
    base: agent([mount("node", RO)], [host("node", "/var/log")]),
    head: agent([mount("node", RO)], [host("node", "/etc")]),
    expected: [{ line: 21, side: "head", severity: "critical" }],
  },
  {
    name: "an emptyDir volume turned into a hostPath",
    base: agent([mount("scratch", RO)], [["  - name: scratch", "    emptyDir: {}"]]),
    head: agent([mount("scratch", RO)], [host("scratch", "/data")]),
    expected: [{ line: 21, side: "head", severity: "high" }],
  },
  {
    name: "widened to a parent directory",
    base: agent([mount("logs", RO)], [host("logs", "/var/log/pods")]),
    head: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    expected: [{ line: 21, side: "head", severity: "high" }],
  },
  {
    name: "two new volumes: one finding each",
    head: agent([], [host("a", "/data"), host("b", "/proc")]),
    expected: [
      { line: 17, side: "head", severity: "high" },
      { line: 20, side: "head", severity: "critical" },
    ],
  },
  {
    name: "read-only mount loses readOnly: points at the mount",
    base: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    head: agent([mount("logs")], [host("logs", "/var/log")]),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "readOnly: true becomes false: points at readOnly",
    base: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    head: agent([mount("logs", "false")], [host("logs", "/var/log")]),
    expected: [{ line: 17, side: "head", severity: "critical" }],
  },
  {
    name: "an unmounted hostPath volume gets a writable mount",
    base: agent([], [host("logs", "/var/log")]),
    head: agent([mount("logs")], [host("logs", "/var/log")]),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "a new container mounts a read-only hostPath writable",
    base: workload([
      "containers:",
      ...container("agent", [mount("logs", RO)]),
      "volumes:",
      ...host("logs", "/var/log"),
    ]),
    head: workload([
      "containers:",
      ...container("agent", [mount("logs", RO)]),
      ...container("shipper", [mount("logs")]),
      "volumes:",
      ...host("logs", "/var/log"),
    ]),
    expected: [{ line: 21, side: "head", severity: "critical" }],
  },
  {
    name: "a writable subdirectory of a path mounted read-only before",
    base: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    head: agent([mount("logs")], [host("logs", "/var/log/pods")]),
    expected: [{ line: 15, side: "head", severity: "critical" }],
  },
  {
    name: "mounted writable by an init container",
    head: workload([
      "initContainers:",
      ...container("setup", [mount("data")]),
      "containers:",
      ...container("agent", [mount("data", RO)]),
      "volumes:",
      ...host("data", "/data"),
    ]),
    expected: [{ line: 27, side: "head", severity: "critical" }],
  },
  {
    name: "added in a workload moved to another file",
    base: { "a.yaml": agent([], []) },
    head: { "b.yaml": agent([], [host("data", "/data")]) },
    expected: [{ line: 17, side: "head", severity: "high", file: "b.yaml" }],
  },
  {
    name: "new Pod",
    head: `apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  containers: [{ name: shell, image: busybox, volumeMounts: [{ name: root, mountPath: /host }] }]
  volumes:
    - name: root
      hostPath:
        path: /
`,
    expected: [{ line: 9, side: "head", severity: "critical" }],
  },
  {
    name: "CronJob, flow style",
    head: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{ name: report, image: report }]
          volumes: [{ name: data, hostPath: { path: /data } }]
`,
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "full-state mode reports a hostPath that was already there",
    base: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    head: agent([mount("logs", RO)], [host("logs", "/var/log")], "ghcr.io/ops/agent:1.1"),
    fullState: true,
    expected: [{ line: 21, side: "head", severity: "high" }],
  },
];

const silent: Case[] = [
  {
    name: "existing hostPath, image tag bumped",
    base: agent([mount("sock")], [host("sock", "/var/run/docker.sock")], "ghcr.io/ops/agent:1.0"),
    head: agent([mount("sock")], [host("sock", "/var/run/docker.sock")], "ghcr.io/ops/agent:1.1"),
    expected: [],
  },
  {
    name: "volumes reordered",
    base: agent([mount("a"), mount("b")], [host("a", "/data"), host("b", "/etc")]),
    head: agent([mount("b"), mount("a")], [host("b", "/etc"), host("a", "/data")]),
    expected: [],
  },
  {
    name: "volume renamed, same node path",
    base: agent([mount("logs")], [host("logs", "/var/log")]),
    head: agent([mount("varlog")], [host("varlog", "/var/log")]),
    expected: [],
  },
  {
    name: "trailing slash added to the path",
    base: agent([mount("logs")], [host("logs", "/var/log")]),
    head: agent([mount("logs")], [host("logs", "/var/log/")]),
    expected: [],
  },
  {
    name: "narrowed to a subdirectory",
    base: agent([mount("logs")], [host("logs", "/var/log")]),
    head: agent([mount("logs")], [host("logs", "/var/log/pods")]),
    expected: [],
  },
  {
    name: "a second volume for a path already mounted writable",
    base: agent([mount("logs")], [host("logs", "/var/log")]),
    head: agent([mount("logs"), mount("pods")], [host("logs", "/var/log"), host("pods", "/var/log/pods")]),
    expected: [],
  },
  {
    name: "made read-only",
    base: agent([mount("logs")], [host("logs", "/var/log")]),
    head: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    expected: [],
  },
  {
    name: "a new container mounts an existing hostPath read-only",
    base: agent([mount("logs", RO)], [host("logs", "/var/log")]),
    head: workload(
      [
        "containers:",
        ...container("agent", [mount("logs", RO)]),
        ...container("shipper", [mount("logs", RO)]),
        "volumes:",
        ...host("logs", "/var/log"),
      ],
      { kind: "DaemonSet", name: "agent", namespace: "ops" },
    ),
    expected: [],
  },
  {
    name: "moved to another file unchanged",
    base: { "a.yaml": agent([mount("sock")], [host("sock", "/var/run/docker.sock")]) },
    head: { "b.yaml": agent([mount("sock")], [host("sock", "/var/run/docker.sock")]) },
    expected: [],
  },
  {
    name: "replicas and labels change",
    base: workload(["containers:", ...container("agent"), "volumes:", ...host("d", "/data")]),
    head: workload(["containers:", ...container("agent"), "volumes:", ...host("d", "/data")], {
      labels: "{ app: web, track: canary }",
    }).replace("spec:\n  template:", "spec:\n  replicas: 3\n  template:"),
    expected: [],
  },
  {
    name: "hostPath volume removed",
    base: agent([mount("logs")], [host("logs", "/var/log")]),
    head: agent([], []),
    expected: [],
  },
  {
    name: "hostPath turned into an emptyDir",
    base: agent([mount("scratch")], [host("scratch", "/data")]),
    head: agent([mount("scratch")], [["  - name: scratch", "    emptyDir: {}"]]),
    expected: [],
  },
  {
    name: "workload removed",
    base: agent([mount("sock")], [host("sock", "/var/run/docker.sock")]),
    expected: [],
  },
  {
    name: "new volumes of other kinds",
    head: agent(
      [mount("cache"), mount("config")],
      [
        ["  - name: cache", "    emptyDir: {}"],
        ["  - name: config", "    configMap: { name: agent }"],
      ],
    ),
    expected: [],
  },
  {
    name: "a custom resource called DaemonSet",
    head: agent([], [host("root", "/")]).replace("apiVersion: apps/v1", "apiVersion: example.com/v1"),
    expected: [],
  },
  {
    name: "malformed volumes and mounts",
    head: workload([
      "containers:",
      "  - name: a",
      "    volumeMounts: oops",
      "  - name: b",
      "    volumeMounts: [5, null, { name: [x] }]",
      "volumes:",
      "  - name: a",
      "    hostPath: /etc",
      "  - name: b",
      "    hostPath: { path: 5 }",
      "  - name: c",
      '    hostPath: { path: "" }',
      "  - 7",
      "  - [hostPath]",
    ]),
    expected: [],
  },
  {
    name: "volumes not a list",
    head: workload(["containers: []", "volumes: { name: x, hostPath: { path: / } }"]),
    expected: [],
  },
];

describe("host-path", () => {
  table(hostPathRule, [...firing, ...silent]);

  it("says what is mounted, by whom, why it matters, and how to fix it", () => {
    const [sensitive] = runRule(
      hostPathRule,
      undefined,
      agent([mount("sock")], [host("sock", "/var/run/docker.sock")]),
    );
    expect(sensitive.message).toBe(
      "DaemonSet ops/agent mounts node path /var/run/docker.sock (hostPath volume `sock`), mounted writable by " +
        "container `agent`: the container runtime socket controls every container on the node, and so the " +
        "node. Prefer a ConfigMap, Secret, emptyDir or PersistentVolume; if the pod must reach the node, mount " +
        "the narrowest path with readOnly: true.",
    );
    const [ordinary] = runRule(
      hostPathRule,
      undefined,
      agent([mount("logs", RO)], [host("logs", "/var/log")]),
    );
    expect(ordinary.message).toBe(
      "DaemonSet ops/agent mounts node path /var/log (hostPath volume `logs`): files on the node are shared " +
        "with everything else that runs there and outlive the pod. Prefer a ConfigMap, Secret, emptyDir or " +
        "PersistentVolume; if the pod must reach the node, mount the narrowest path with readOnly: true.",
    );
    const [writable] = runRule(
      hostPathRule,
      agent([mount("logs", RO)], [host("logs", "/var/log")]),
      agent([mount("logs")], [host("logs", "/var/log")]),
    );
    expect(writable.message).toBe(
      "DaemonSet ops/agent now mounts node path /var/log (hostPath volume `logs`) writable in container " +
        "`agent`: a container that can write to the node can plant files that other pods and the node itself " +
        "will read. Mount it with readOnly: true.",
    );
    const [inside] = runRule(hostPathRule, undefined, agent([], [host("run", "/var/run")]));
    expect(inside.message).toContain("it contains /var/run/docker.sock: the container runtime socket");
  });

  it("changes the fingerprint when a read-only hostPath becomes writable", () => {
    const [readOnly] = runRule(
      hostPathRule,
      undefined,
      agent([mount("logs", RO)], [host("logs", "/var/log")]),
    );
    const [writable] = runRule(hostPathRule, undefined, agent([mount("logs")], [host("logs", "/var/log")]));
    expect(writable.fingerprint).not.toBe(readOnly.fingerprint);
  });

  it("normalizes node paths and grades them", () => {
    expect(["/var/run/", "/var/./run", "/var/log/../run", "//var//run"].map(normalizeHostPath)).toEqual([
      "/var/run",
      "/var/run",
      "/var/run",
      "/var/run",
    ]);
    expect(normalizeHostPath("/")).toBe("/");
    expect(sensitiveReason("/etc/ssl")).toContain("inside /etc");
    expect(sensitiveReason("/etcd")).toBeUndefined();
  });

  it("never throws on arbitrary JSON in a workload", () => {
    const context = emptyContext();
    const json = fc.jsonValue() as fc.Arbitrary<Json>;
    const some = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] });
    const path = fc.oneof(json, fc.constantFrom("/", "/etc", "/var/log", "/data/", "a/../b"));
    const name = fc.oneof(json, fc.constantFrom("a", "b"));
    const volume = fc.oneof(json, some({ name, hostPath: fc.oneof(json, some({ path })) }));
    const mountItem = fc.oneof(json, some({ name, readOnly: json }));
    const container = fc.oneof(
      json,
      some({ name: json, volumeMounts: fc.oneof(json, fc.array(mountItem, { maxLength: 3 })) }),
    );
    const spec = some({
      containers: fc.oneof(json, fc.array(container, { maxLength: 3 })),
      volumes: fc.oneof(json, fc.array(volume, { maxLength: 3 })),
    });
    const shape = fc.record({ spec: fc.oneof(json, fc.record({ template: fc.record({ spec }) })) });
    fc.assert(
      fc.property(shape, shape, (before, after) => {
        const change = {
          before: fakeResource(before as JsonObject),
          after: fakeResource(after as JsonObject),
        };
        hostPathRule.check(change, context);
        hostPathRule.check({ after: change.after }, context);
      }),
      { numRuns: 200 },
    );
  });
});
