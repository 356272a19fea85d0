// A NetworkPolicy change that opens a direction (ingress or egress) to all traffic for pods that
// were restricted in it. Judged by effect, with additive semantics: pods are restricted in a
// direction when a policy that selects them governs it and none of those policies admits all
// traffic there. A change is reported when such pods become open and this policy is why: it now
// admits all traffic to them, or it stopped governing the direction for them (policyTypes, a
// narrowed selector, removal) and no other policy still does.

import type { Path, Resource, RuleHit } from "../engine/types.js";
import { memo } from "./memo.js";
import {
  DIRECTIONS,
  type Direction,
  directionState,
  isNetworkPolicy,
  type Policy,
  policiesIn,
  policyOf,
  workloadLabels,
} from "./network-policies.js";
import { describeResource } from "./pods.js";
import { type Labels, representativeLabels, selectorText } from "./selectors.js";
import type { ResourceChange, ResourceSet, RuleContext } from "./types.js";
import { listed } from "./words.js";

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
export function checkOpenedDirections(change: ResourceChange, ctx: RuleContext): RuleHit[] {
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
