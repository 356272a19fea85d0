// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` line 12, its image 13, its `securityContext:` 14 and the first field in it 15. With
// CAPS, `capabilities:` is 15, `add:` 16 and the first capability 17.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { normalizeCapability, privilegeEscalationRule } from "../../src/rules/privilege-escalation.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { emptyContext, runRule } from "./tester.js";

/** A container: its `- name:` line, its image line, then `extra`. */
function container(name: string, extra: string[] = [], image = `ghcr.io/shop/${name}:1.0`): string[] {
  return [`  - name: ${name}`, `    image: ${image}`, ...extra];
}

/** A container securityContext with these `key: value` fields. */
const sc = (...fields: string[]) => ["    securityContext:", ...fields.map((field) => `      ${field}`)];

/** A container securityContext adding these capabilities, one per line. */
const CAPS = (...names: string[]) => [
  "    securityContext:",
  "      capabilities:",
  "        add:",
  ...names.map((name) => `          - ${name}`),
];

/** A container securityContext dropping these capabilities, one per line (the first on line 17). */
const DROP = (...names: string[]) => [
  "    securityContext:",
  "      capabilities:",
  "        drop:",
  ...names.map((name) => `          - ${name}`),
];

const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);

/** A Deployment with a pod-level securityContext (fields on lines 12, 13, …) before its containers. */
const withPod = (fields: string[], ...containers: string[][]) =>
  workload([
    ...(fields.length > 0 ? ["securityContext:", ...fields.map((field) => `  ${field}`)] : []),
    "containers:",
    ...containers.flat(),
  ]);

const escalation: Case[] = [
  {
    name: "new container with allowPrivilegeEscalation: true",
    head: deploy(container("api", sc("allowPrivilegeEscalation: true"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "allowPrivilegeEscalation: false becomes true",
    base: deploy(container("api", sc("allowPrivilegeEscalation: false"))),
    head: deploy(container("api", sc("allowPrivilegeEscalation: true"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "allowPrivilegeEscalation: yes added to an existing container",
    base: deploy(container("api")),
    head: deploy(container("api", sc("runAsUser: 1000", "allowPrivilegeEscalation: yes"))),
    expected: [{ line: 16, side: "head", severity: "high" }],
  },
  {
    name: "allowPrivilegeEscalation: true on a new init container",
    base: deploy(container("api")),
    head: workload([
      "initContainers:",
      ...container("setup", sc("allowPrivilegeEscalation: true")),
      "containers:",
      ...container("api"),
    ]),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
];

const capabilities: Case[] = [
  {
    name: "new container adding SYS_ADMIN (critical)",
    head: deploy(container("api", CAPS("SYS_ADMIN"))),
    expected: [{ line: 17, side: "head", severity: "critical" }],
  },
  {
    name: "SYS_PTRACE added beside an existing capability",
    base: deploy(container("api", CAPS("NET_BIND_SERVICE"))),
    head: deploy(container("api", CAPS("NET_BIND_SERVICE", "SYS_PTRACE"))),
    expected: [{ line: 18, side: "head", severity: "critical" }],
  },
  {
    name: "one finding per new capability, graded: critical, high, low",
    base: deploy(container("api")),
    head: deploy(container("api", CAPS("SYS_ADMIN", "NET_RAW", "NET_BIND_SERVICE"))),
    expected: [
      { line: 17, side: "head", severity: "critical" },
      { line: 18, side: "head", severity: "high" },
      { line: 19, side: "head", severity: "low" },
    ],
  },
  {
    name: "ALL is critical",
    base: deploy(container("api", CAPS("NET_BIND_SERVICE"))),
    head: deploy(container("api", CAPS("ALL"))),
    expected: [{ line: 17, side: "head", severity: "critical" }],
  },
  {
    name: "cap_ prefix and lower case still name a critical capability",
    head: deploy(container("api", CAPS("cap_net_admin", "Cap_Sys_Module"))),
    expected: [
      { line: 17, side: "head", severity: "critical" },
      { line: 18, side: "head", severity: "critical" },
    ],
  },
  {
    name: "a new capability beside an old one written differently",
    base: deploy(container("api", CAPS("CAP_NET_ADMIN"))),
    head: deploy(container("api", CAPS("net_admin", "CAP_SYS_TIME"))),
    expected: [{ line: 18, side: "head", severity: "high" }],
  },
  {
    name: "a capability listed twice is one finding, at its first item",
    head: deploy(container("api", CAPS("SYS_ADMIN", "CAP_SYS_ADMIN"))),
    expected: [{ line: 17, side: "head", severity: "critical" }],
  },
  {
    name: "flow-style list",
    base: deploy(container("api")),
    head: deploy(container("api", ["    securityContext: { capabilities: { add: [NET_RAW] } }"])),
    expected: [{ line: 14, side: "head", severity: "high" }],
  },
  {
    name: "capabilities added to an ephemeral container",
    base: deploy(container("api")),
    head: workload([
      "containers:",
      ...container("api"),
      "ephemeralContainers:",
      ...container("debug", CAPS("SYS_PTRACE")),
    ]),
    expected: [{ line: 20, side: "head", severity: "critical" }],
  },
];

const root: Case[] = [
  {
    name: "container runAsUser: 0",
    base: deploy(container("api")),
    head: deploy(container("api", sc("runAsUser: 0"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "container runAsUser from 1000 to 0",
    base: deploy(container("api", sc("runAsUser: 1000"))),
    head: deploy(container("api", sc("runAsUser: 0"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "container runAsNonRoot: false without runAsUser",
    base: deploy(container("api")),
    head: deploy(container("api", sc("runAsNonRoot: false"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "runAsNonRoot: true becomes false",
    base: deploy(container("api", sc("runAsNonRoot: true"))),
    head: deploy(container("api", sc("runAsNonRoot: false"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "from runAsNonRoot: false (image decides) to runAsUser: 0 (surely root)",
    base: deploy(container("api", sc("runAsNonRoot: false"))),
    head: deploy(container("api", sc("runAsNonRoot: false", "runAsUser: 0"))),
    expected: [{ line: 16, side: "head", severity: "high" }],
  },
  {
    name: "new workload with pod-level runAsUser: 0: one finding for all its containers",
    head: withPod(["runAsUser: 0"], container("api"), container("sidecar")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "pod-level runAsUser: 0 added to an existing workload",
    base: withPod([], container("api")),
    head: withPod(["runAsUser: 0"], container("api")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "pod-level runAsNonRoot: false",
    base: withPod(["runAsNonRoot: true"], container("api")),
    head: withPod(["runAsNonRoot: false"], container("api")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "a container that drops its override of a root pod",
    base: withPod(["runAsUser: 0"], container("api", sc("runAsUser: 1000"))),
    head: withPod(["runAsUser: 0"], container("api")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "a new container that inherits a root pod",
    base: withPod(["runAsUser: 0"], container("api")),
    head: withPod(["runAsUser: 0"], container("api"), container("sidecar")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "a container-level root beside a pod-level one: two fields, two findings",
    head: withPod(["runAsUser: 0"], container("api"), container("db", sc("runAsUser: 0"))),
    expected: [
      { line: 12, side: "head", severity: "high" },
      { line: 19, side: "head", severity: "high" },
    ],
  },
  {
    name: "Pod with pod-level runAsUser: 0",
    head: `apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
spec:
  securityContext:
    runAsUser: 0
  containers: [{ name: shell, image: busybox }]
`,
    expected: [{ line: 6, side: "head", severity: "high" }],
  },
];

const combined: Case[] = [
  {
    name: "one new container granted three things: three findings",
    head: deploy(
      container("api", [
        "    securityContext:",
        "      allowPrivilegeEscalation: true",
        "      runAsUser: 0",
        "      capabilities:",
        "        add: [SYS_ADMIN]",
      ]),
    ),
    expected: [
      { line: 15, side: "head", severity: "high" },
      { line: 16, side: "head", severity: "high" },
      { line: 18, side: "head", severity: "critical" },
    ],
  },
  {
    name: "granted in a workload that moves to another file",
    base: { "a.yaml": deploy(container("api")) },
    head: { "b.yaml": deploy(container("api", sc("allowPrivilegeEscalation: true"))) },
    expected: [{ line: 15, side: "head", severity: "high", file: "b.yaml" }],
  },
  {
    name: "CronJob container adds a capability",
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
              image: ghcr.io/shop/report:1.0
              securityContext: { capabilities: { add: [SYS_ADMIN] } }
`,
    expected: [{ line: 12, side: "head", severity: "critical" }],
  },
  {
    name: "full-state mode reports what was already granted",
    base: deploy(container("api", CAPS("NET_RAW"))),
    head: deploy(container("api", CAPS("NET_RAW"))),
    fullState: true,
    expected: [{ line: 17, side: "head", severity: "high" }],
  },
];

const removals: Case[] = [
  {
    name: "allowPrivilegeEscalation: false removed",
    base: deploy(container("api", sc("allowPrivilegeEscalation: false", "runAsUser: 1000"))),
    head: deploy(container("api", sc("runAsUser: 1000"))),
    expected: [{ line: 15, side: "base", severity: "high" }],
  },
  {
    name: "allowPrivilegeEscalation: false removed with the whole securityContext of an init container",
    base: workload([
      "initContainers:",
      ...container("setup", sc("allowPrivilegeEscalation: false")),
      "containers:",
      ...container("api"),
    ]),
    head: workload(["initContainers:", ...container("setup"), "containers:", ...container("api")]),
    expected: [{ line: 15, side: "base", severity: "high" }],
  },
  {
    name: "drop ALL removed (another drop stays)",
    base: deploy(container("api", DROP("NET_RAW", "all"))),
    head: deploy(container("api", DROP("NET_RAW"))),
    expected: [{ line: 18, side: "base", severity: "medium" }],
  },
  {
    name: "drop ALL removed with the capabilities",
    base: deploy(container("api", ["    securityContext:", "      capabilities: { drop: [CAP_ALL] }"])),
    head: deploy(container("api")),
    expected: [{ line: 15, side: "base", severity: "medium" }],
  },
  {
    name: "container runAsNonRoot: true removed",
    base: deploy(container("api", sc("runAsNonRoot: true"))),
    head: deploy(container("api", sc("readOnlyRootFilesystem: true"))),
    expected: [{ line: 15, side: "base", severity: "high" }],
  },
  {
    name: "pod runAsNonRoot: true removed: one finding for the containers it covered",
    base: withPod(
      ["runAsNonRoot: true"],
      container("api"),
      container("side"),
      container("own", sc("runAsUser: 1000")),
    ),
    head: withPod([], container("api"), container("side"), container("own", sc("runAsUser: 1000"))),
    expected: [{ line: 12, side: "base", severity: "high" }],
  },
  {
    name: "all three safeguards removed from one container",
    base: deploy(
      container("api", [
        "    securityContext:",
        "      allowPrivilegeEscalation: false",
        "      runAsNonRoot: true",
        "      capabilities: { drop: [ALL] }",
      ]),
    ),
    head: deploy(container("api")),
    expected: [
      { line: 15, side: "base", severity: "high" },
      { line: 16, side: "base", severity: "high" },
      { line: 17, side: "base", severity: "medium" },
    ],
  },
];

const silent: Case[] = [
  {
    name: "capabilities reordered",
    base: deploy(container("api", CAPS("NET_RAW", "SYS_TIME"))),
    head: deploy(container("api", CAPS("SYS_TIME", "NET_RAW"))),
    expected: [],
  },
  {
    name: "capability spelled differently (case, CAP_ prefix)",
    base: deploy(container("api", CAPS("cap_sys_admin"))),
    head: deploy(container("api", CAPS("SYS_ADMIN"))),
    expected: [],
  },
  {
    name: "capability removed",
    base: deploy(container("api", CAPS("SYS_ADMIN", "NET_RAW"))),
    head: deploy(container("api", CAPS("NET_RAW"))),
    expected: [],
  },
  {
    name: "a container that already added ALL adds a named capability",
    base: deploy(container("api", CAPS("ALL"))),
    head: deploy(container("api", CAPS("ALL", "SYS_ADMIN"))),
    expected: [],
  },
  {
    name: "a privileged container adds capabilities and allowPrivilegeEscalation",
    base: deploy(container("api", sc("privileged: true"))),
    head: deploy(
      container("api", [
        ...sc("privileged: true", "allowPrivilegeEscalation: true"),
        "      capabilities: { add: [SYS_ADMIN] }",
      ]),
    ),
    expected: [],
  },
  {
    name: "privileged replaced by one capability (narrower)",
    base: deploy(container("api", sc("privileged: true"))),
    head: deploy(container("api", CAPS("SYS_ADMIN"))),
    expected: [],
  },
  {
    name: "containers reordered, all with grants",
    base: deploy(container("api", CAPS("SYS_ADMIN")), container("db", sc("runAsUser: 0"))),
    head: deploy(container("db", sc("runAsUser: 0")), container("api", CAPS("SYS_ADMIN"))),
    expected: [],
  },
  {
    name: "keys reordered inside a container",
    base: deploy(container("api", sc("allowPrivilegeEscalation: true", "runAsUser: 0"))),
    head: deploy([
      "  - securityContext: { runAsUser: 0, allowPrivilegeEscalation: true }",
      "    name: api",
      "    image: ghcr.io/shop/api:1.0",
    ]),
    expected: [],
  },
  {
    name: "image tag bump on a container with grants",
    base: withPod(["runAsUser: 0"], container("api", CAPS("SYS_ADMIN"), "ghcr.io/shop/api:1.0")),
    head: withPod(["runAsUser: 0"], container("api", CAPS("SYS_ADMIN"), "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "workload with grants moved to another file",
    base: { "a.yaml": deploy(container("api", sc("allowPrivilegeEscalation: true"))) },
    head: { "b.yaml": deploy(container("api", sc("allowPrivilegeEscalation: true"))) },
    expected: [],
  },
  {
    name: "allowPrivilegeEscalation turned off",
    base: deploy(container("api", sc("allowPrivilegeEscalation: true"))),
    head: deploy(container("api", sc("allowPrivilegeEscalation: false"))),
    expected: [],
  },
  {
    name: 'allowPrivilegeEscalation: "true" (quoted: a string Kubernetes rejects)',
    head: deploy(container("api", sc('allowPrivilegeEscalation: "true"'))),
    expected: [],
  },
  {
    name: "allowPrivilegeEscalation not set (only an explicit true counts)",
    head: deploy(container("api", sc("readOnlyRootFilesystem: true"))),
    expected: [],
  },
  {
    name: "runAsUser from 0 to 1000",
    base: deploy(container("api", sc("runAsUser: 0"))),
    head: deploy(container("api", sc("runAsUser: 1000"))),
    expected: [],
  },
  {
    name: "runAsUser: 0 moved from the container to the pod",
    base: withPod([], container("api", sc("runAsUser: 0"))),
    head: withPod(["runAsUser: 0"], container("api")),
    expected: [],
  },
  {
    name: "pod-level runAsUser: 0 overridden by every container",
    head: withPod(["runAsUser: 0"], container("api", sc("runAsUser: 1000"))),
    expected: [],
  },
  {
    name: 'runAsUser: "0" (quoted: a string Kubernetes rejects)',
    head: deploy(container("api", sc('runAsUser: "0"'))),
    expected: [],
  },
  {
    name: "runAsNonRoot: false with a non-root runAsUser",
    head: deploy(container("api", sc("runAsNonRoot: false", "runAsUser: 1000"))),
    expected: [],
  },
  {
    name: "runAsUser: 0 with runAsNonRoot: true (the kubelet refuses to start it)",
    head: withPod(["runAsNonRoot: true"], container("api", sc("runAsUser: 0"))),
    expected: [],
  },
  {
    name: "from runAsUser: 0 to runAsNonRoot: false (narrower)",
    base: deploy(container("api", sc("runAsUser: 0"))),
    head: deploy(container("api", sc("runAsNonRoot: false"))),
    expected: [],
  },
  {
    name: "root container removed",
    base: deploy(container("api"), container("db", sc("runAsUser: 0"))),
    head: deploy(container("api")),
    expected: [],
  },
  { name: "workload with grants removed", base: deploy(container("api", CAPS("SYS_ADMIN"))), expected: [] },
  {
    name: "capabilities dropped, none added",
    head: deploy(container("api", ["    securityContext:", "      capabilities: { drop: [ALL] }"])),
    expected: [],
  },
  {
    name: "allowPrivilegeEscalation: false becomes true (reported on the head only)",
    base: deploy(container("api", sc("allowPrivilegeEscalation: false"))),
    head: deploy(container("api", sc("allowPrivilegeEscalation: true"))),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "runAsNonRoot: true moved from the container to the pod",
    base: withPod([], container("api", sc("runAsNonRoot: true", "allowPrivilegeEscalation: false"))),
    head: withPod(["runAsNonRoot: true"], container("api", sc("allowPrivilegeEscalation: false"))),
    expected: [],
  },
  {
    name: "runAsNonRoot: true moved from the pod to every container",
    base: withPod(["runAsNonRoot: true"], container("api"), container("db")),
    head: withPod([], container("api", sc("runAsNonRoot: true")), container("db", sc("runAsNonRoot: true"))),
    expected: [],
  },
  {
    name: "container runAsNonRoot: true removed under a pod that still has it",
    base: withPod(["runAsNonRoot: true"], container("api", sc("runAsNonRoot: true"))),
    head: withPod(["runAsNonRoot: true"], container("api")),
    expected: [],
  },
  {
    name: "runAsNonRoot: true removed, a non-zero runAsUser stays",
    base: withPod(["runAsUser: 1000"], container("api", sc("runAsNonRoot: true"))),
    head: withPod(["runAsUser: 1000"], container("api")),
    expected: [],
  },
  {
    name: "safeguards reordered (containers, keys, drop items)",
    base: deploy(
      container("api", [
        ...sc("allowPrivilegeEscalation: false", "runAsNonRoot: true"),
        "      capabilities: { drop: [NET_RAW, ALL] }",
      ]),
      container("db", DROP("ALL")),
    ),
    head: deploy(
      container("db", DROP("ALL")),
      container("api", [
        ...sc("runAsNonRoot: true", "allowPrivilegeEscalation: false"),
        "      capabilities: { drop: [all, NET_RAW] }",
      ]),
    ),
    expected: [],
  },
  {
    name: "workload with safeguards removed",
    base: deploy(
      container("api", [
        ...sc("allowPrivilegeEscalation: false", "runAsNonRoot: true"),
        "      capabilities: { drop: [ALL] }",
      ]),
    ),
    expected: [],
  },
  {
    name: "container with safeguards removed",
    base: deploy(
      container("api"),
      container("db", [
        ...sc("allowPrivilegeEscalation: false", "runAsNonRoot: true"),
        "      capabilities: { drop: [ALL] }",
      ]),
    ),
    head: deploy(container("api")),
    expected: [],
  },
  {
    name: "new workload without safeguards",
    head: deploy(container("api", sc("readOnlyRootFilesystem: true"))),
    expected: [],
  },
  {
    name: "safeguards never there, image tag bump",
    base: deploy(container("api", DROP("NET_RAW"), "ghcr.io/shop/api:1.0")),
    head: deploy(container("api", DROP("NET_RAW"), "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "a custom resource called Deployment",
    head: deploy(container("api", CAPS("SYS_ADMIN"))).replace(
      "apiVersion: apps/v1",
      "apiVersion: example.com/v1",
    ),
    expected: [],
  },
  {
    name: "malformed securityContexts and capability lists",
    head: workload([
      "securityContext: [runAsUser, 0]",
      "containers:",
      "  - name: a",
      "    securityContext: { capabilities: { add: SYS_ADMIN } }",
      "  - name: b",
      '    securityContext: { capabilities: { add: [1, null, { x: SYS_ADMIN }, [SYS_ADMIN], "", "CAP_"] } }',
      "  - name: c",
      "    securityContext: { capabilities: [SYS_ADMIN], runAsUser: [0], runAsNonRoot: nope }",
      "  - name: d",
      "    securityContext: 5",
      "  - 7",
      "initContainers: oops",
    ]),
    expected: [],
  },
];

describe("privilege-escalation", () => {
  table(privilegeEscalationRule, [
    ...escalation,
    ...capabilities,
    ...root,
    ...combined,
    ...removals,
    ...silent,
  ]);

  it("says what was granted, why it matters, and how to fix it", () => {
    const messages = runRule(
      privilegeEscalationRule,
      undefined,
      deploy(
        container("api", [
          "    securityContext:",
          "      allowPrivilegeEscalation: true",
          "      runAsNonRoot: false",
          "      capabilities: { add: [sys_admin, NET_RAW] }",
        ]),
      ),
    ).map((finding) => finding.message);
    expect(messages).toEqual([
      "Container `api` of Deployment shop/web sets allowPrivilegeEscalation: true: its processes can gain " +
        "more privileges than their parent through setuid binaries and file capabilities, so a non-root " +
        "process can become root. Set allowPrivilegeEscalation: false.",
      "Container `api` of Deployment shop/web may run as root (runAsNonRoot: false turns the non-root check " +
        "off and no runAsUser is set, so the image's user decides): a process that escapes the container is " +
        "root on the node's kernel, and root in the container owns every file in its volumes. Run as a " +
        "non-zero runAsUser with runAsNonRoot: true; if the image needs root, fix the image.",
      "Container `api` of Deployment shop/web adds capability SYS_ADMIN: it allows mounts, namespace " +
        "changes and much of the kernel's administration, the classic container escape. Remove it unless " +
        "the container cannot work without it, and start from `drop: [ALL]`.",
      "Container `api` of Deployment shop/web adds capability NET_RAW: it widens what the process may do " +
        "beyond the runtime's default set. Remove it unless the container cannot work without it, and start " +
        "from `drop: [ALL]`.",
    ]);
  });

  it("says what was removed, why it matters, and how to fix it", () => {
    const messages = runRule(
      privilegeEscalationRule,
      withPod(
        ["runAsNonRoot: true"],
        container("api", [...sc("allowPrivilegeEscalation: false"), "      capabilities: { drop: [ALL] }"]),
        container("side"),
      ),
      withPod([], container("api"), container("side")),
    ).map((finding) => finding.message);
    expect(messages).toEqual([
      "Deployment shop/web no longer sets runAsNonRoot: true for the pod, so containers `api`, `side` may " +
        "run as root: with no runAsUser set, the kubelet no longer refuses to start a root process, so the " +
        "image's user decides (root for most images). Put runAsNonRoot: true back, with a non-zero runAsUser.",
      "Container `api` of Deployment shop/web no longer sets allowPrivilegeEscalation: false: left unset, " +
        "escalation is allowed, so a non-root process runs without no_new_privs and can become root through " +
        "setuid binaries and file capabilities. Put allowPrivilegeEscalation: false back.",
      "Container `api` of Deployment shop/web no longer drops ALL capabilities: the runtime's default set " +
        "(CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW and the rest) comes back. Restore " +
        "`drop: [ALL]` and add back only the capabilities the process needs.",
    ]);
  });

  it("keeps removal fingerprints when containers are reordered or other fields change", () => {
    const base = deploy(container("a", DROP("ALL")), container("b", sc("allowPrivilegeEscalation: false")));
    const fingerprints = (head: string) =>
      runRule(privilegeEscalationRule, base, head)
        .map((f) => f.fingerprint)
        .sort();
    expect(fingerprints(deploy(container("a"), container("b")))).toEqual(
      fingerprints(
        deploy(container("b", [], "ghcr.io/shop/b:2.0"), container("a", sc("readOnlyRootFilesystem: true"))),
      ),
    );
    expect(fingerprints(deploy(container("a"), container("b")))).toHaveLength(2);
  });

  it("names the containers a pod-level root setting newly reaches", () => {
    const [maybe] = runRule(
      privilegeEscalationRule,
      undefined,
      withPod(["runAsNonRoot: false"], container("api")),
    );
    expect(maybe.message).toMatch(
      /^Deployment shop\/web sets runAsNonRoot: false for the pod, so container `api` may run as root \(no runAsUser is set, so the image's user decides\): /,
    );
    const [finding] = runRule(
      privilegeEscalationRule,
      undefined,
      withPod(["runAsUser: 0"], container("api"), container("own", sc("runAsUser: 1000")), container("side")),
    );
    expect(finding.message).toMatch(
      /^Deployment shop\/web sets runAsUser: 0 for the pod, so containers `api`, `side` run as root: /,
    );
    const [one] = runRule(
      privilegeEscalationRule,
      withPod([], container("api")),
      withPod(["runAsUser: 0"], container("api")),
    );
    expect(one.message).toMatch(
      /^Deployment shop\/web sets runAsUser: 0 for the pod, so container `api` runs as root: /,
    );
  });

  it("keeps fingerprints when containers are reordered", () => {
    const fingerprints = (text: string) =>
      runRule(privilegeEscalationRule, undefined, text)
        .map((f) => f.fingerprint)
        .sort();
    expect(fingerprints(withPod(["runAsUser: 0"], container("a", CAPS("NET_RAW")), container("b")))).toEqual(
      fingerprints(withPod(["runAsUser: 0"], container("b"), container("a", CAPS("NET_RAW")))),
    );
  });

  it("normalizes capability names", () => {
    expect(
      ["CAP_SYS_ADMIN", "sys_admin", " Cap_Sys_Admin "].map((name) => normalizeCapability(name)),
    ).toEqual(["SYS_ADMIN", "SYS_ADMIN", "SYS_ADMIN"]);
    expect([5, null, "", "CAP_", ["SYS_ADMIN"]].map((value) => normalizeCapability(value as Json))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("never throws on arbitrary JSON in a workload", () => {
    const context = emptyContext();
    const json = fc.jsonValue() as fc.Arbitrary<Json>;
    const some = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] });
    const securityContext = fc.oneof(
      json,
      some({
        allowPrivilegeEscalation: json,
        runAsUser: json,
        runAsNonRoot: json,
        privileged: json,
        capabilities: fc.oneof(json, some({ add: json, drop: json })),
      }),
    );
    const container = fc.oneof(json, some({ name: json, securityContext }));
    const list = fc.oneof(json, fc.array(container, { maxLength: 3 }));
    const spec = some({ containers: list, initContainers: list, securityContext });
    const shape = fc.record({ spec: fc.oneof(json, fc.record({ template: fc.record({ spec }) })) });
    fc.assert(
      fc.property(shape, shape, (before, after) => {
        const change = {
          before: fakeResource(before as JsonObject),
          after: fakeResource(after as JsonObject),
        };
        privilegeEscalationRule.check(change, context);
        privilegeEscalationRule.check({ after: change.after }, context);
      }),
      { numRuns: 200 },
    );
  });
});
