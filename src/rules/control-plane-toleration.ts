// Tolerations that let pods onto control-plane nodes. Tolerations are compared by what they
// tolerate, not by position: reordering is silent, and so is one that an old toleration covers.

import type { Json, Path, Resource, RuleHit } from "../engine/types.js";
import { describeResource, isObject, podSpecOf, scalarText } from "./pods.js";
import type { ResourceChange, Rule } from "./types.js";

const CONTROL_PLANE_KEYS = new Set([
  "node-role.kubernetes.io/master",
  "node-role.kubernetes.io/control-plane",
]);

/** A toleration with Kubernetes' defaults applied: "" means absent (any effect, no value). */
interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
  seconds: string;
}

function tolerationOf(item: Json): Toleration | undefined {
  if (!isObject(item)) return undefined;
  return {
    key: scalarText(item.key) ?? "",
    operator: scalarText(item.operator) || "Equal",
    value: scalarText(item.value) ?? "",
    effect: scalarText(item.effect) ?? "",
    seconds: scalarText(item.tolerationSeconds) ?? "",
  };
}

/**
 * Kubernetes 1.24 renamed the control-plane taint from `master` to `control-plane`: moving a
 * toleration from one name to the other, or adding the new name beside the old, is the routine
 * migration, not a new reach.
 */
function taintName(key: string): string {
  return key === "node-role.kubernetes.io/master" ? "node-role.kubernetes.io/control-plane" : key;
}

function canonical(t: Toleration): string {
  return JSON.stringify([t.key, t.operator, t.value, t.effect, t.seconds]);
}

function isRisky(t: Toleration): boolean {
  return CONTROL_PLANE_KEYS.has(t.key) || (t.operator === "Exists" && t.key === "");
}

/** Whether `b` tolerates every taint `t` tolerates, as long as `t` would (eviction delay included). */
function covers(b: Toleration, t: Toleration): boolean {
  const keyCovered =
    (b.key === "" && b.operator === "Exists") ||
    (taintName(b.key) === taintName(t.key) &&
      (b.operator === "Exists" || (t.operator !== "Exists" && b.value === t.value)));
  const effectCovered = b.effect === "" || b.effect === t.effect;
  // tolerationSeconds bounds how long a NoExecute taint is tolerated; absent means forever.
  const evicts = t.effect === "" || t.effect === "NoExecute";
  const secondsCovered =
    !evicts || b.seconds === "" || (t.seconds !== "" && Number(b.seconds) >= Number(t.seconds));
  return keyCovered && effectCovered && secondsCovered;
}

interface Listed {
  toleration: Toleration;
  index: number;
}

function tolerationsOf(resource: Resource | undefined): { list: Listed[]; path: Path } {
  const pod = podSpecOf(resource);
  const raw = pod?.spec.tolerations;
  const list: Listed[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((item, index) => {
      const toleration = tolerationOf(item);
      if (toleration) list.push({ toleration, index });
    });
  }
  return { list, path: pod ? [...pod.path, "tolerations"] : [] };
}

function describeToleration(t: Toleration): string {
  if (t.key === "") return "every taint (operator Exists with no key)";
  const value = t.operator === "Exists" ? "any value" : `value "${t.value}"`;
  const effect = t.effect === "" ? "any effect" : `effect ${t.effect}`;
  return `the control-plane taint ${t.key} (${value}, ${effect})`;
}

function check(change: ResourceChange): RuleHit[] {
  const { after } = change;
  if (!after) return [];
  const previous = tolerationsOf(change.before).list.map((l) => l.toleration);
  const known = new Set(previous.map(canonical));
  const current = tolerationsOf(after);
  const hits: RuleHit[] = [];
  const reported = new Set<string>();
  for (const { toleration, index } of current.list) {
    const form = canonical(toleration);
    if (!isRisky(toleration) || known.has(form) || reported.has(form)) continue;
    if (previous.some((b) => covers(b, toleration))) continue;
    reported.add(form);
    hits.push({
      path: [...current.path, index],
      key: form,
      message:
        `${describeResource(after)} now tolerates ${describeToleration(toleration)}: its pods can be scheduled ` +
        "onto control-plane nodes, next to etcd and the API server credentials. Remove the toleration unless " +
        "this is a node-level system agent that must run there.",
    });
  }
  return hits;
}

export const controlPlaneTolerationRule: Rule = {
  id: "control-plane-toleration",
  title: "Workload tolerates control-plane nodes",
  defaultSeverity: "high",
  description:
    "A pod template that gains a toleration for the node-role.kubernetes.io/control-plane or /master taint, or an operator: Exists toleration without a key (every taint).",
  rationale:
    "Control-plane nodes run etcd and the API server and hold the cluster's most sensitive credentials. " +
    "A workload scheduled there can reach them if it is compromised; the taint exists to keep ordinary pods away.",
  remediation:
    "Remove the toleration, or narrow a blanket operator: Exists toleration to the specific taints the workload must tolerate.",
  example: {
    after: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
  namespace: ops
spec:
  template:
    spec:
      tolerations:
        - key: node-role.kubernetes.io/control-plane
          operator: Exists
          effect: NoSchedule
      containers:
        - name: agent
          image: ghcr.io/ops/agent:2.0.1
`,
  },
  check,
};
