// Pods that no NetworkPolicy restricts accept traffic from anywhere. The rule fires when unselected
// pods arrive (a new workload), when pods that were selected stop being selected (labels changed, a
// policy narrowed or removed), and when a policy change opens a direction the pods had restricted
// (network-policy-open.ts). Pods that were never restricted stay quiet.

import { jsonEqual } from "../engine/equal.js";
import type { Resource, RuleHit } from "../engine/types.js";
import { memo } from "./memo.js";
import { isNetworkPolicy, policiesIn, workloadLabels } from "./network-policies.js";
import { checkOpenedDirections } from "./network-policy-open.js";
import { describeResource } from "./pods.js";
import type { Labels } from "./selectors.js";
import type { ResourceChange, ResourceSet, Rule, RuleContext } from "./types.js";

function selected(set: ResourceSet, namespace: string, labels: Labels): boolean {
  return policiesIn(set, namespace).some((policy) => policy.selects(labels));
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? `labels ${pairs.sort().join(", ")}` : "no labels";
}

/** A workload change: new pods, or pods whose last selecting policy went away. */
function checkWorkload(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const { before, after } = change;
  const pods = workloadLabels(after);
  if (!after || !pods) return [];
  const { namespace } = after.identity;
  if (selected(ctx.head, namespace, pods.labels)) return [];
  const previous = workloadLabels(before);
  const what = `${describeResource(after)} (${labelText(pods.labels)})`;
  if (!previous) {
    // Full-state mode judges every resource as if it were new; "new" would mislead there.
    const subject = ctx.fullState ? what : `new ${what}`;
    const message =
      `No NetworkPolicy in namespace ${namespace} selects the pods of ${subject}: they accept traffic from ` +
      "anywhere in the cluster. Add a NetworkPolicy whose podSelector matches them.";
    return [{ path: pods.path, key: "unselected", message }];
  }
  if (!selected(ctx.base, namespace, previous.labels)) return [];
  const message =
    `The pods of ${what} are no longer selected by any NetworkPolicy: they now accept traffic from anywhere ` +
    "in the cluster. Restore their labels or a NetworkPolicy that selects them.";
  return [{ path: pods.path, key: "unselected", message }];
}

/** The base copy of a head workload that did not change, if any (a changed one is judged on its own). */
function unchangedBase(workload: Resource, ctx: RuleContext): Resource | undefined {
  return ctx.base.byKey(workload.key).find((b) => jsonEqual(b.object, workload.object));
}

/** An unchanged workload that no head policy selects, and the base policies that selected it. */
interface Orphan {
  workload: Resource;
  labels: Labels;
  culprits: string[];
}

function orphansIn(namespace: string, ctx: RuleContext): Orphan[] {
  // Every changed policy of a namespace asks the same question: answer it once per review.
  return memo(ctx.head, `orphans:${namespace}`, () => {
    const headPolicies = policiesIn(ctx.head, namespace);
    const basePolicies = policiesIn(ctx.base, namespace);
    const orphans: Orphan[] = [];
    for (const workload of ctx.head.byNamespace(namespace)) {
      const pods = workloadLabels(workload);
      if (!pods || headPolicies.some((policy) => policy.selects(pods.labels))) continue;
      const culprits = basePolicies
        .filter((policy) => policy.selects(pods.labels))
        .map((p) => p.resource.key);
      // Never selected: not this change's doing. Changed workloads are judged on their own.
      if (culprits.length === 0 || !unchangedBase(workload, ctx)) continue;
      orphans.push({ workload, labels: pods.labels, culprits: culprits.sort() });
    }
    return orphans;
  });
}

/**
 * A policy change: workloads the engine will not look at (they did not change) but that lose their
 * last selecting policy. Each is reported once, on the first such policy by identity.
 */
function checkPolicy(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const { before, after } = change;
  if (!isNetworkPolicy(before)) return [];
  const hits: RuleHit[] = [];
  for (const { workload, labels, culprits } of orphansIn(before.identity.namespace, ctx)) {
    if (culprits[0] !== before.key) continue;
    const verb = after
      ? `${describeResource(after)} no longer selects`
      : `Removing ${describeResource(before)} leaves`;
    const tail = after ? "and no other policy does" : "selected by no NetworkPolicy";
    hits.push({
      side: after ? "head" : "base",
      path: ["spec", "podSelector"],
      key: `unselected:${workload.key}`,
      message:
        `${verb} the pods of ${describeResource(workload)} (${labelText(labels)}) ${tail}: they now accept ` +
        "traffic from anywhere in the cluster. Keep a NetworkPolicy that selects them.",
    });
  }
  return hits;
}

function check(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  if (isNetworkPolicy(change.before) || isNetworkPolicy(change.after)) {
    return [...checkPolicy(change, ctx), ...checkOpenedDirections(change, ctx)];
  }
  return checkWorkload(change, ctx);
}

export const networkPolicyMissingRule: Rule = {
  id: "network-policy-missing",
  title: "Pods no NetworkPolicy restricts",
  defaultSeverity: "medium",
  needsWholeRepository: true,
  description:
    "A new workload whose pods no NetworkPolicy in its namespace selects, a workload whose pods stop being selected (labels changed, policy narrowed or removed), or a NetworkPolicy change that opens ingress or egress to all traffic for pods that were restricted there.",
  rationale:
    "Kubernetes lets every pod talk to every other pod until a NetworkPolicy selects it. Unselected pods " +
    "accept connections from anything in the cluster, so one compromised pod can reach them. Policies add " +
    "up: pods are restricted in a direction while a selecting policy governs it (policyTypes; when absent, " +
    "Ingress, plus Egress if egress rules are listed) and none of those policies has a rule admitting all " +
    "traffic there. Such a rule has no ports and no peers, or a peer that admits a whole class: an ipBlock of " +
    "0.0.0.0/0 or ::/0 without except, or namespaceSelector: {} without a narrower podSelector. One of them " +
    "opens the pods whatever the other policies say; a policy that stops governing a direction opens it unless " +
    "another still governs it. A rule limited to some ports or peers is an ordinary edit, and `ingress: []` " +
    "denies everything. Pods are the repository's workloads; a policy that selects none of them is judged on a " +
    "pod carrying just the labels its podSelector requires. An opened direction is no worse than unselected " +
    "pods, so it has the same severity.",
  remediation:
    "Add a NetworkPolicy in the workload's namespace whose podSelector matches the pod labels (a default-deny " +
    "policy with podSelector: {} covers every pod), then allow the traffic the workload needs: the peers and " +
    "ports of each direction, with that direction kept in policyTypes.",
  example: {
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
  },
  check,
};
