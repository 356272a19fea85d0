// Pods that no NetworkPolicy restricts accept traffic from anywhere. The rule fires when unselected
// pods arrive (a new workload), when pods that were selected stop being selected (labels changed, a
// policy narrowed or removed), and when a policy change opens a direction the pods had restricted
// ("Directions opened" below). Pods that were never restricted stay quiet.

import { jsonEqual } from "../engine/equal.js";
import { memo } from "../engine/memo.js";
import type { ResourceChange, ResourceSet, Rule, RuleContext } from "../engine/rule.js";
import type { Path, Resource, RuleHit } from "../engine/types.js";
import { type Labels, representativeLabels, selectorText } from "../k8s/label-selectors.js";
import {
  DIRECTIONS,
  type Direction,
  directionState,
  isNetworkPolicy,
  type Policy,
  policiesIn,
  policyOf,
  workloadLabels,
} from "../k8s/network-policies.js";
import { describeResource } from "../k8s/objects.js";
import { listed } from "../k8s/words.js";

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

// Directions opened: a NetworkPolicy change that opens a direction (ingress or egress) to all traffic for pods that
// were restricted in it. Judged by effect, with additive semantics: pods are restricted in a
// direction when a policy that selects them governs it and none of those policies admits all
// traffic there. A change is reported when such pods become open and this policy is why: it now
// admits all traffic to them, or it stopped governing the direction for them (policyTypes, a
// narrowed selector, removal) and no other policy still does.

/** Some pods on both sides of the change, with the policies that select them on each side. */
interface Pods {
  /** The workload that runs them; none for a representative of a selector. */
  workload?: Resource;
  base: readonly Policy[];
  head: readonly Policy[];
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

/** The known pods each policy selects, by side and key (`base:<key>`, `head:<key>`). */
type PodsByPolicy = ReadonlyMap<string, readonly Pods[]>;

/**
 * The workloads of a namespace, with the policies that select their pods on each side: computed
 * once per review and namespace, so every changed policy costs only the pods it selects.
 */
function knownPods(namespace: string, ctx: RuleContext): PodsByPolicy {
  return memo(ctx.head, `network-policy-pods:${namespace}`, () => {
    const basePolicies = policiesIn(ctx.base, namespace);
    const headPolicies = policiesIn(ctx.head, namespace);
    const byPolicy = new Map<string, Pods[]>();
    const index = (side: string, policies: readonly Policy[], pods: Pods) => {
      for (const policy of policies) {
        append(byPolicy, `${side}:${policy.resource.key}`, pods);
      }
    };
    for (const workload of ctx.head.byNamespace(namespace)) {
      const head = workloadLabels(workload);
      if (!head) continue;
      // A new workload's pods were restricted by nothing before (they are still known pods).
      const base = workloadLabels(ctx.base.byKey(workload.key)[0]);
      const pods: Pods = {
        workload,
        base: base ? basePolicies.filter((policy) => policy.selects(base.labels)) : [],
        head: headPolicies.filter((policy) => policy.selects(head.labels)),
      };
      index("base", pods.base, pods);
      index("head", pods.head, pods);
    }
    return byPolicy;
  });
}

function representative(labels: Labels, namespace: string, ctx: RuleContext): Pods {
  const selecting = (set: ResourceSet) =>
    policiesIn(set, namespace).filter((policy) => policy.selects(labels));
  return { base: selecting(ctx.base), head: selecting(ctx.head) };
}

/**
 * The pods a changed policy speaks for: the repository's workloads it selects on either side or,
 * when it selects none of them, a pod carrying just the labels its selectors require (the pods
 * may be deployed from elsewhere). A removed policy is judged on known workloads only.
 */
function podsOf(before: Policy | undefined, after: Policy | undefined, ctx: RuleContext): Pods[] {
  const namespace = (after ?? before)?.resource.identity.namespace ?? "";
  const byPolicy = knownPods(namespace, ctx);
  const known = new Set([
    ...(before ? (byPolicy.get(`base:${before.resource.key}`) ?? []) : []),
    ...(after ? (byPolicy.get(`head:${after.resource.key}`) ?? []) : []),
  ]);
  if (known.size > 0 || !after) return [...known];
  const standIns = new Map<string, Labels>();
  for (const policy of [after, before]) {
    const labels = policy && representativeLabels(policy.selector);
    if (labels) standIns.set(JSON.stringify(Object.entries(labels).sort()), labels);
  }
  return [...standIns.values()].map((labels) => representative(labels, namespace, ctx));
}

const has = (policies: readonly Policy[], policy: Policy | undefined) =>
  policy !== undefined && policies.some((p) => p.resource.key === policy.resource.key);

type Cause = "opens" | "stops";

/** Why these pods' direction went from restricted to open because of this change, if it did. */
function causeOf(pods: Pods, direction: Direction, before?: Policy, after?: Policy): Cause | undefined {
  if (directionState(pods.base, direction) !== "restricted") return undefined;
  // Pods selected by no policy at all are the unselected-workload finding's business.
  if (directionState(pods.head, direction) !== "open") return undefined;
  const opensNow = after?.opens.has(direction) && has(pods.head, after);
  const openedBefore = before?.opens.has(direction) && has(pods.base, before);
  if (opensNow && !openedBefore) return "opens";
  const governedBefore = before?.governs.has(direction) && has(pods.base, before);
  const governsNow = after?.governs.has(direction) && has(pods.head, after);
  return governedBefore && !governsNow ? "stops" : undefined;
}

const lower = (direction: Direction) => direction.toLowerCase();

/** "Deployment shop/web, Pod shop/debug and 2 more", the way messages name resources. */
/** The workloads, each named once, in a stable order. */
function workloadList(resources: readonly Resource[]): string {
  return listed([...new Set(resources.map(describeResource))].sort());
}

const workloadsOf = (lifted: readonly Pods[]) =>
  lifted.flatMap((pods) => (pods.workload ? [pods.workload] : []));

/** "pods matching app=web", or every pod of the namespace for an empty selector. */
function selectedText(policy: Policy): string {
  const selector = selectorText(policy.selector);
  return selector
    ? `pods matching ${selector}`
    : `every pod of namespace ${policy.resource.identity.namespace}`;
}

/** The pods a policy selects, with the known workloads among them: "pods matching app=web (Deployment shop/web)". */
function podsText(policy: Policy, lifted: readonly Pods[]): string {
  const workloads = workloadsOf(lifted);
  return workloads.length > 0 ? `${selectedText(policy)} (${workloadList(workloads)})` : selectedText(policy);
}

/** "which it restricted before", or the other policies that did. */
function restrictedBefore(policy: Policy, direction: Direction, lifted: readonly Pods[]): string {
  const restrictors = lifted
    .flatMap((pods) => pods.base)
    .filter((p) => p.governs.has(direction))
    .map((p) => p.resource);
  if (restrictors.some((resource) => resource.key === policy.resource.key))
    return "which it restricted before";
  return `which ${workloadList(restrictors)} restricted before`;
}

function opensHit(after: Policy, direction: Direction, lifted: readonly Pods[]): RuleHit {
  const opening = after.opens.get(direction) as { path: Path; reach: string };
  const dir = lower(direction);
  const preposition = direction === "Ingress" ? "from" : "to";
  return {
    path: opening.path,
    key: `opens:${dir}`,
    message:
      `${describeResource(after.resource)} now allows all ${dir} of ${podsText(after, lifted)}, ` +
      `${restrictedBefore(after, direction, lifted)}: this rule admits ${preposition} ${opening.reach} on every ` +
      "port, and NetworkPolicies add up, so no other policy narrows it. Allow only the peers and ports they need.",
  };
}

/** Where a dropped direction shows: the base entry that declared it, or the head's policyTypes. */
function droppedAt(before: Policy, after: Policy, direction: Direction): Pick<RuleHit, "side" | "path"> {
  const declared = before.governs.get(direction) as Path;
  if (declared[1] !== "policyTypes" && after.typesDeclared) return { path: ["spec", "policyTypes"] };
  return { side: "base", path: declared };
}

function stopsHit(
  before: Policy,
  after: Policy | undefined,
  direction: Direction,
  lifted: readonly Pods[],
): RuleHit {
  const dir = lower(direction);
  const pods = podsText(before, lifted);
  const key = `stops:${dir}`;
  const tail = `: their ${dir} was restricted before and is open to all traffic now. Keep a NetworkPolicy that restricts it.`;
  if (!after) {
    const message = `Removing ${describeResource(before.resource)} leaves no NetworkPolicy restricting the ${dir} of ${pods}${tail}`;
    return { side: "base", path: before.governs.get(direction) as Path, key, message };
  }
  const name = describeResource(after.resource);
  if (after.governs.has(direction)) {
    const workloads = workloadsOf(lifted);
    const selector = selectorText(before.selector);
    const some = selector
      ? `some pods matching ${selector}`
      : `some pods of namespace ${before.resource.identity.namespace}`;
    const left = workloads.length > 0 ? `the pods of ${workloadList(workloads)}` : some;
    const message = `${name} no longer selects ${left}, and no other NetworkPolicy restricts their ${dir}${tail}`;
    return { path: ["spec", "podSelector"], key, message };
  }
  const reason = after.typesDeclared
    ? `its policyTypes leave ${direction} out`
    : `without policyTypes it governs ${dir} only when it lists ${dir} rules`;
  const message = `${name} no longer governs ${dir} (${reason}), and no other NetworkPolicy restricts the ${dir} of ${pods}${tail}`;
  return { ...droppedAt(before, after, direction), key, message };
}

/** A NetworkPolicy change (added, changed or removed): the directions it opens for restricted pods. */
function checkOpenedDirections(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const before = isNetworkPolicy(change.before) ? policyOf(ctx.base, change.before) : undefined;
  const after = isNetworkPolicy(change.after) ? policyOf(ctx.head, change.after) : undefined;
  if (!before && !after) return [];
  const pods = podsOf(before, after, ctx);
  const hits: RuleHit[] = [];
  for (const direction of DIRECTIONS) {
    const lifted = new Map<Cause, Pods[]>();
    for (const candidate of pods) {
      const cause = causeOf(candidate, direction, before, after);
      if (cause) append(lifted, cause, candidate);
    }
    const opened = lifted.get("opens");
    if (after && opened) hits.push(opensHit(after, direction, opened));
    const stopped = lifted.get("stops");
    if (before && stopped) hits.push(stopsHit(before, after, direction, stopped));
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
