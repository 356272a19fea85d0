// Privileges a container gains through its securityContext: allowPrivilegeEscalation: true,
// added Linux capabilities, and running as root. Each is compared with the same container
// (same list, same name) before the change, so only what this change grants is reported: one
// finding per newly granted thing, at the field that grants it. A safeguard taken away from a
// container that stays (allowPrivilegeEscalation: false, capabilities drop ALL, the effective
// runAsNonRoot: true) is reported too, on the base side at the removed field.

import type { ResourceChange, Rule } from "../engine/rule.js";
import {
  isObject,
  type Json,
  type JsonObject,
  type Path,
  type Resource,
  type RuleHit,
  type Severity,
} from "../engine/types.js";
import {
  CONTAINER_WORD,
  type ContainerPair,
  type ContainerRef,
  containerPairs,
  isPrivileged,
} from "../k8s/containers.js";
import { describeResource } from "../k8s/objects.js";
import { podSpecOf } from "../k8s/pods.js";

/**
 * Capabilities graded critical, with what each lets a container do to its node. Each is either a
 * known container-escape primitive or gives control over the node's kernel, network or processes.
 */
export const CRITICAL_CAPABILITIES: Readonly<Record<string, string>> = {
  ALL: "it grants every capability, which is as good as privileged",
  SYS_ADMIN:
    "it allows mounts, namespace changes and much of the kernel's administration, the classic container escape",
  SYS_MODULE: "it loads kernel modules, that is arbitrary code in the node's kernel",
  SYS_PTRACE: "it traces and injects code into other processes (every process on the node with hostPID)",
  SYS_RAWIO: "it gives raw access to I/O ports and devices (/dev/mem and disks) of the node",
  SYS_BOOT: "it reboots the node or loads a new kernel with kexec",
  DAC_READ_SEARCH:
    "it bypasses read permission checks and opens files by handle, an escape to the host filesystem",
  NET_ADMIN:
    "it reconfigures interfaces, routes and firewall rules, so it can intercept or redirect node traffic",
  BPF: "it loads eBPF programs that can read kernel memory and trace every process",
};

/**
 * Capabilities graded low: NET_BIND_SERVICE (bind ports below 1024) is the only capability the
 * Restricted Pod Security Standard lets a container add, usually after `drop: [ALL]`.
 */
export const LOW_CAPABILITIES: ReadonlySet<string> = new Set(["NET_BIND_SERVICE"]);

/** Any other capability (NET_RAW, SYS_TIME, SETUID, ...) is graded high, the rule's default. */
function capabilitySeverity(capability: string): Severity | undefined {
  if (Object.hasOwn(CRITICAL_CAPABILITIES, capability)) return "critical";
  return LOW_CAPABILITIES.has(capability) ? "low" : undefined;
}

/** `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are one capability to the runtimes. */
export function normalizeCapability(value: Json): string | undefined {
  if (typeof value !== "string") return undefined;
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith("CAP_") ? upper.slice(4) : upper;
  return name === "" ? undefined : name;
}

function securityContextOf(object: JsonObject | undefined): JsonObject | undefined {
  const context = object?.securityContext;
  return isObject(context) ? context : undefined;
}

/** Added capabilities (normalized), each with the index of its first item in `add`. */
function addedCapabilities(container: ContainerRef | undefined): Map<string, number> {
  const found = new Map<string, number>();
  const capabilities = securityContextOf(container?.container)?.capabilities;
  const add = isObject(capabilities) ? capabilities.add : undefined;
  if (!Array.isArray(add)) return found;
  add.forEach((item, index) => {
    const name = normalizeCapability(item);
    if (name !== undefined && !found.has(name)) found.set(name, index);
  });
  return found;
}

/** How a container runs as root, from surest to least sure; "none" when it cannot. */
type RootLevel = "none" | "runAsNonRoot" | "runAsUser";
const ROOT_RANK: Record<RootLevel, number> = { none: 0, runAsNonRoot: 1, runAsUser: 2 };

interface RootState {
  level: RootLevel;
  /** The field that grants it, and whether it is the pod's (inherited) or the container's own. */
  path?: Path;
  fromPod?: boolean;
}

interface Setting<T> {
  value: T;
  path: Path;
  fromPod: boolean;
}

/** The container's own setting when it has a well-typed one, else the pod's. */
function effective<T extends Json>(
  container: ContainerRef,
  pod: { context?: JsonObject; path: Path },
  field: string,
  typed: (value: Json | undefined) => value is T,
): Setting<T> | undefined {
  const own = securityContextOf(container.container)?.[field];
  if (typed(own)) return { value: own, path: [...container.path, "securityContext", field], fromPod: false };
  const inherited = pod.context?.[field];
  if (typed(inherited))
    return { value: inherited, path: [...pod.path, "securityContext", field], fromPod: true };
  return undefined;
}

const isNumber = (value: Json | undefined): value is number => typeof value === "number";
const isBoolean = (value: Json | undefined): value is boolean => typeof value === "boolean";

/**
 * `runAsUser: 0` runs the container as root. `runAsNonRoot: false` turns the kubelet's non-root
 * check off, so without a runAsUser the image's USER decides (root for most images). With
 * `runAsNonRoot: true` and `runAsUser: 0` the kubelet refuses to start the container: no root.
 */
function rootState(container: ContainerRef | undefined, resource: Resource | undefined): RootState {
  const pod = podSpecOf(resource);
  if (!container || !pod) return { level: "none" };
  const podContext = { context: securityContextOf(pod.spec), path: pod.path };
  const user = effective(container, podContext, "runAsUser", isNumber);
  const nonRoot = effective(container, podContext, "runAsNonRoot", isBoolean);
  if (user?.value === 0) {
    return nonRoot?.value === true
      ? { level: "none" }
      : { level: "runAsUser", path: user.path, fromPod: user.fromPod };
  }
  if (user === undefined && nonRoot?.value === false) {
    return { level: "runAsNonRoot", path: nonRoot.path, fromPod: nonRoot.fromPod };
  }
  return { level: "none" };
}

function who(resource: Resource, container: ContainerRef): string {
  return `${CONTAINER_WORD[container.list]} \`${container.name}\` of ${describeResource(resource)}`;
}

function containerId(container: ContainerRef): string {
  return `${container.list}/${container.name}`;
}

function escalationHit(resource: Resource, pair: ContainerPair, after: ContainerRef): RuleHit[] {
  if (securityContextOf(after.container)?.allowPrivilegeEscalation !== true) return [];
  if (isPrivileged(pair.before)) return [];
  if (securityContextOf(pair.before?.container)?.allowPrivilegeEscalation === true) return [];
  return [
    {
      path: [...after.path, "securityContext", "allowPrivilegeEscalation"],
      key: `escalation:${containerId(after)}`,
      message:
        `${who(resource, after)} sets allowPrivilegeEscalation: true: its processes can gain more ` +
        "privileges than their parent through setuid binaries and file capabilities, so a non-root " +
        "process can become root. Set allowPrivilegeEscalation: false.",
    },
  ];
}

function capabilityHits(resource: Resource, pair: ContainerPair, after: ContainerRef): RuleHit[] {
  // A privileged container, or one that already added ALL, already had every capability.
  if (isPrivileged(pair.before)) return [];
  const previous = addedCapabilities(pair.before);
  if (previous.has("ALL")) return [];
  const hits: RuleHit[] = [];
  for (const [capability, index] of addedCapabilities(after)) {
    if (previous.has(capability)) continue;
    const severity = capabilitySeverity(capability);
    const why = Object.hasOwn(CRITICAL_CAPABILITIES, capability)
      ? CRITICAL_CAPABILITIES[capability]
      : severity === "low"
        ? "it lets the process bind ports below 1024, which is harmless on its own"
        : "it widens what the process may do beyond the runtime's default set";
    hits.push({
      path: [...after.path, "securityContext", "capabilities", "add", index],
      key: `capability:${containerId(after)}:${capability}`,
      ...(severity ? { severity } : {}),
      message:
        `${who(resource, after)} adds capability ${capability}: ${why}. Remove it unless the container ` +
        "cannot work without it, and start from `drop: [ALL]`.",
    });
  }
  return hits;
}

interface RootGrant {
  state: RootState & { path: Path };
  containers: ContainerRef[];
}

function rootHit(resource: Resource, grant: RootGrant): RuleHit {
  const { state, containers } = grant;
  const byUser = state.level === "runAsUser";
  let subject: string;
  if (state.fromPod) {
    const names = containers.map((c) => `\`${c.name}\``).join(", ");
    const plural = containers.length > 1;
    const runs = byUser
      ? `${plural ? "run" : "runs"} as root`
      : "may run as root (no runAsUser is set, so the image's user decides)";
    subject =
      `${describeResource(resource)} sets ${byUser ? "runAsUser: 0" : "runAsNonRoot: false"} for the pod, ` +
      `so container${plural ? "s" : ""} ${names} ${runs}`;
  } else {
    subject = byUser
      ? `${who(resource, containers[0])} runs as root (runAsUser: 0)`
      : `${who(resource, containers[0])} may run as root (runAsNonRoot: false turns the non-root check off ` +
        "and no runAsUser is set, so the image's user decides)";
  }
  return {
    path: state.path,
    key: `root:${state.level}:${state.fromPod ? "pod" : "container"}:${containers.map(containerId).sort().join(",")}`,
    message:
      `${subject}: a process that escapes the container is root on the node's kernel, and root in the ` +
      "container owns every file in its volumes. Run as a non-zero runAsUser with runAsNonRoot: true; " +
      "if the image needs root, fix the image.",
  };
}

function rootHits(change: ResourceChange, pairs: ContainerPair[]): RuleHit[] {
  const { before, after } = change;
  if (!after) return [];
  const grants = new Map<string, RootGrant>();
  for (const pair of pairs) {
    if (!pair.after) continue;
    const next = rootState(pair.after, after);
    const previous = rootState(pair.before, before);
    if (!next.path || ROOT_RANK[next.level] <= ROOT_RANK[previous.level]) continue;
    const state = { ...next, path: next.path };
    // The pod's setting is one field: one finding naming every container it newly makes root.
    const group = next.fromPod ? `pod:${next.level}` : `container:${containerId(pair.after)}`;
    const grant = grants.get(group);
    if (grant) grant.containers.push(pair.after);
    else grants.set(group, { state, containers: [pair.after] });
  }
  return [...grants.values()].map((grant) => rootHit(after, grant));
}

/** Where `drop` lists ALL (case-insensitively, with or without CAP_), if it does. */
function dropAllIndex(container: ContainerRef | undefined): number | undefined {
  const capabilities = securityContextOf(container?.container)?.capabilities;
  const drop = isObject(capabilities) ? capabilities.drop : undefined;
  if (!Array.isArray(drop)) return undefined;
  const index = drop.findIndex((item) => normalizeCapability(item) === "ALL");
  return index < 0 ? undefined : index;
}

/** allowPrivilegeEscalation: false and `drop: [ALL]` taken away from a container that stays. */
function containerRemovalHits(resource: Resource, before: ContainerRef, after: ContainerRef): RuleHit[] {
  const hits: RuleHit[] = [];
  const own = securityContextOf(after.container)?.allowPrivilegeEscalation;
  // Changed to true is reported on the head side by escalationHit.
  if (
    securityContextOf(before.container)?.allowPrivilegeEscalation === false &&
    own !== false &&
    own !== true
  ) {
    hits.push({
      side: "base",
      path: [...before.path, "securityContext", "allowPrivilegeEscalation"],
      key: `removed:allowPrivilegeEscalation:${containerId(before)}`,
      severity: "high",
      message:
        `${who(resource, before)} no longer sets allowPrivilegeEscalation: false: left unset, escalation is ` +
        "allowed, so a non-root process runs without no_new_privs and can become root through setuid " +
        "binaries and file capabilities. Put allowPrivilegeEscalation: false back.",
    });
  }
  const index = dropAllIndex(before);
  if (index !== undefined && dropAllIndex(after) === undefined) {
    hits.push({
      side: "base",
      path: [...before.path, "securityContext", "capabilities", "drop", index],
      key: `removed:drop-all:${containerId(before)}`,
      severity: "medium",
      message:
        `${who(resource, before)} no longer drops ALL capabilities: the runtime's default set (CHOWN, ` +
        "DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW and the rest) comes back. Restore `drop: [ALL]` " +
        "and add back only the capabilities the process needs.",
    });
  }
  return hits;
}

interface NonRootRemoval {
  setting: Setting<boolean>;
  containers: ContainerRef[];
}

/**
 * The effective runAsNonRoot: true taken away: the container has it neither itself nor from the
 * pod after the change, and no runAsUser either (a non-zero one keeps it non-root; 0 or
 * runAsNonRoot: false is reported on the head side by rootHits).
 */
function nonRootRemovalHits(change: ResourceChange, pairs: ContainerPair[]): RuleHit[] {
  const { before, after } = change;
  const basePod = podSpecOf(before);
  const headPod = podSpecOf(after);
  if (!before || !basePod || !headPod) return [];
  const baseContext = { context: securityContextOf(basePod.spec), path: basePod.path };
  const headContext = { context: securityContextOf(headPod.spec), path: headPod.path };
  const removals = new Map<string, NonRootRemoval>();
  for (const pair of pairs) {
    if (!pair.before || !pair.after) continue;
    const previous = effective(pair.before, baseContext, "runAsNonRoot", isBoolean);
    if (previous?.value !== true) continue;
    if (effective(pair.after, headContext, "runAsNonRoot", isBoolean) !== undefined) continue;
    if (effective(pair.after, headContext, "runAsUser", isNumber) !== undefined) continue;
    // The pod's setting is one field: one finding naming every container it no longer covers.
    const group = previous.fromPod ? "pod" : `container:${containerId(pair.before)}`;
    const removal = removals.get(group);
    if (removal) removal.containers.push(pair.before);
    else removals.set(group, { setting: previous, containers: [pair.before] });
  }
  return [...removals.values()].map(({ setting, containers }) => {
    const names = containers.map((c) => `\`${c.name}\``).join(", ");
    const subject = setting.fromPod
      ? `${describeResource(before)} no longer sets runAsNonRoot: true for the pod, so container` +
        `${containers.length > 1 ? "s" : ""} ${names} may run as root`
      : `${who(before, containers[0])} no longer sets runAsNonRoot: true and may run as root`;
    return {
      side: "base" as const,
      path: setting.path,
      key: `removed:runAsNonRoot:${setting.fromPod ? "pod" : "container"}:${containers.map(containerId).sort().join(",")}`,
      severity: "high" as const,
      message:
        `${subject}: with no runAsUser set, the kubelet no longer refuses to start a root process, so the ` +
        "image's user decides (root for most images). Put runAsNonRoot: true back, with a non-zero runAsUser.",
    };
  });
}

function check(change: ResourceChange): RuleHit[] {
  const { before, after } = change;
  if (!after) return [];
  const pairs = containerPairs(change);
  const hits: RuleHit[] = [];
  for (const pair of pairs) {
    if (!pair.after) continue;
    hits.push(...escalationHit(after, pair, pair.after), ...capabilityHits(after, pair, pair.after));
    if (before && pair.before) hits.push(...containerRemovalHits(before, pair.before, pair.after));
  }
  hits.push(...rootHits(change, pairs), ...nonRootRemovalHits(change, pairs));
  return hits;
}

export const privilegeEscalationRule: Rule = {
  id: "privilege-escalation",
  title: "Container gains privileges",
  defaultSeverity: "high",
  description:
    "A container (init and ephemeral ones included) that newly sets allowPrivilegeEscalation: true, adds Linux capabilities, or runs as root through runAsUser: 0 or runAsNonRoot: false (its own, or the pod's when it does not override it); or an existing container that loses allowPrivilegeEscalation: false, `drop: [ALL]`, or its effective runAsNonRoot: true.",
  rationale:
    "Each of these widens what a compromised process can do. allowPrivilegeEscalation lets setuid binaries " +
    "turn a non-root process into root; capabilities hand out slices of root (SYS_ADMIN, SYS_MODULE, " +
    "SYS_PTRACE, SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH, NET_ADMIN, BPF and ALL are container-escape or " +
    "node-control primitives and are graded critical; NET_BIND_SERVICE, the one capability the Restricted " +
    "Pod Security Standard allows, is graded low; every other one high); and a container running as root " +
    "is root on the node's kernel if it escapes. Capabilities are compared as sets, case-insensitively and " +
    "with or without the CAP_ prefix; a container that was privileged or already added ALL gains nothing " +
    "new. Taking a safeguard away widens the same way: without allowPrivilegeEscalation: false setuid " +
    "binaries work again, without `drop: [ALL]` the runtime's default capabilities come back (graded " +
    "medium), and without runAsNonRoot: true (and no runAsUser) the image may run as root; these are " +
    "reported at the removed line. Only what the change grants or removes is reported, once per " +
    "container and grant.",
  remediation:
    "Set allowPrivilegeEscalation: false, drop ALL capabilities and add back only those the process needs, " +
    "and run as a non-zero runAsUser with runAsNonRoot: true.",
  example: {
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
          securityContext:
            capabilities:
              add: [SYS_ADMIN]
`,
  },
  check,
};
