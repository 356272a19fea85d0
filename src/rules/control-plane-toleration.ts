// Tolerations that let pods onto control-plane nodes. Tolerations are compared by what they
// tolerate, not by position: reordering is silent, and so is one that the old tolerations
// together already cover for every effect that can keep a pod off a node.

import type { ResourceChange, Rule } from "../engine/rule.js";
import { isObject, type Json, type Path, type Resource, type RuleHit } from "../engine/types.js";
import { describeResource, scalarText } from "../k8s/objects.js";
import { podSpecOf } from "../k8s/pods.js";

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

const MASTER = "node-role.kubernetes.io/master";
const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";

/**
 * Whether tolerating `tolerated` also tolerates taints keyed `key`, on the clusters that are
 * supported today. Kubernetes 1.24 added the `control-plane` taint beside `master`, and 1.25 took
 * `master` away: control-plane nodes now carry only `control-plane`, so a `master` toleration
 * matches nothing there, and a `control-plane` one added beside or instead of it is what lets pods
 * onto them. The other way round, a `master` toleration added where `control-plane` is tolerated
 * reaches no node of a supported cluster that the old one did not.
 */
function keyTolerated(tolerated: string, key: string): boolean {
  return tolerated === key || (tolerated === CONTROL_PLANE && key === MASTER);
}

function canonical(t: Toleration): string {
  return JSON.stringify([t.key, t.operator, t.value, t.effect, t.seconds]);
}

/**
 * The taint effects that can keep a pod off a node: NoSchedule (not scheduled there) and NoExecute
 * (not scheduled, and evicted). PreferNoSchedule is only a scheduler preference, so tolerating it
 * never opens a node to the pod. An empty effect tolerates every effect.
 */
const BLOCKING_EFFECTS = ["NoSchedule", "NoExecute"];

function blockingEffects(t: Toleration): string[] {
  if (t.effect === "") return BLOCKING_EFFECTS;
  return t.effect === "PreferNoSchedule" ? [] : [t.effect];
}

function isRisky(t: Toleration): boolean {
  const reach = t.key === CONTROL_PLANE || t.key === MASTER || (t.operator === "Exists" && t.key === "");
  return reach && blockingEffects(t).length > 0;
}

/**
 * Whether `b` tolerates every taint with effect `effect` that `t` tolerates, as long as `t` would
 * (eviction delay included).
 */
function coversEffect(b: Toleration, t: Toleration, effect: string): boolean {
  const keyCovered =
    (b.key === "" && b.operator === "Exists") ||
    (keyTolerated(b.key, t.key) &&
      (b.operator === "Exists" || (t.operator !== "Exists" && b.value === t.value)));
  const effectCovered = b.effect === "" || b.effect === effect;
  // tolerationSeconds bounds how long a NoExecute taint is tolerated; absent means forever.
  const secondsCovered =
    effect !== "NoExecute" ||
    b.seconds === "" ||
    (t.seconds !== "" && Number(b.seconds) >= Number(t.seconds));
  return keyCovered && effectCovered && secondsCovered;
}

/**
 * Whether the old tolerations together already let the pod onto every node `t` does: for each
 * effect of `t` that can keep a pod off a node, some old toleration covers it. One toleration per
 * effect (NoSchedule from one, NoExecute from another) is as wide as a single effect-less one.
 */
function covered(previous: readonly Toleration[], t: Toleration): boolean {
  return blockingEffects(t).every((effect) => previous.some((b) => coversEffect(b, t, effect)));
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
  if (t.key === "") {
    const which = t.effect === "" ? "every taint" : `every taint with effect ${t.effect}`;
    return `${which} (operator Exists with no key)`;
  }
  const value = t.operator === "Exists" ? "any value" : `value "${t.value}"`;
  const effect = t.effect === "" ? "any effect" : `effect ${t.effect}`;
  return `the control-plane taint ${t.key} (${value}, ${effect})`;
}

/**
 * What the new toleration does beside the old `master` one, where it matches a control-plane node
 * that the `master` toleration no longer does: say so, since it reads like a routine rename.
 */
function masterNote(previous: readonly Toleration[], current: readonly Toleration[], t: Toleration): string {
  if (t.key === MASTER || !previous.some((p) => p.key === MASTER)) return "";
  const how = current.some((c) => c.key === MASTER) ? "extends" : "replaces";
  return (
    ` It ${how} the old ${MASTER} toleration, which matches no node since Kubernetes 1.25 removed that ` +
    "taint: on every supported cluster, this is what lets the pods onto control-plane nodes."
  );
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
    if (covered(previous, toleration)) continue;
    reported.add(form);
    hits.push({
      path: [...current.path, index],
      key: form,
      message:
        `${describeResource(after)} now tolerates ${describeToleration(toleration)}: its pods can be scheduled ` +
        "onto control-plane nodes, next to etcd and the API server credentials." +
        `${masterNote(
          previous,
          current.list.map((l) => l.toleration),
          toleration,
        )} Remove the toleration ` +
        "unless this is a node-level system agent that must run there.",
    });
  }
  return hits;
}

export const controlPlaneTolerationRule: Rule = {
  id: "control-plane-toleration",
  title: "Workload tolerates control-plane nodes",
  defaultSeverity: "high",
  description:
    "A pod template that gains a toleration for the node-role.kubernetes.io/control-plane or /master taint, or an operator: Exists toleration without a key (every taint), for a NoSchedule or NoExecute taint its old tolerations did not already tolerate.",
  rationale:
    "Control-plane nodes run etcd and the API server and hold the cluster's most sensitive credentials. " +
    "A workload scheduled there can reach them if it is compromised; the taint exists to keep ordinary pods away. " +
    "Only the NoSchedule and NoExecute effects keep pods off a node, so a toleration limited to PreferNoSchedule is not reported, " +
    "and neither is one that the old tolerations together already allowed (for example NoSchedule from one and NoExecute from another). " +
    "Tolerations are judged on the clusters supported today: since Kubernetes 1.25 control-plane nodes carry only the " +
    "node-role.kubernetes.io/control-plane taint, so an old node-role.kubernetes.io/master toleration covers nothing there, and a " +
    "control-plane toleration (or a keyless operator: Exists) added beside or instead of it is reported as the reach it is. " +
    "A master toleration added on its own is reported too (it still matches clusters older than 1.25); added where control-plane is " +
    "already tolerated, it reaches nothing new.",
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
