// rbac-escalation: a Role or ClusterRole whose effective permissions grow. Both sides are
// expanded into single grants (see k8s/rbac/grants.ts) and only grants that no rule of the base
// covers are reported, so rewriting a role without widening it stays quiet. Severity follows the
// danger of what was added, not the size of the diff. The bindings that grant the role name who
// gains each permission (k8s/rbac/bindings.ts); when the role is bound and nobody gains anything,
// nothing is said.

import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import { type Path, type Resource, type RuleHit, severityRank } from "../engine/types.js";
import { describeResource } from "../k8s/objects.js";
import {
  type Binding,
  bindingScopeText,
  bindingsGranting,
  describeSubject,
  type Holding,
  isBroadSubject,
  type Subject,
} from "../k8s/rbac/bindings.js";
import { type Danger, resourceDanger, urlDanger } from "../k8s/rbac/danger.js";
import { held, reachable } from "../k8s/rbac/effect.js";
import {
  ALL,
  type Grant,
  newGrants,
  type PolicyRule,
  priorVerbs,
  type ResourceGrant,
  readRules,
  type UrlGrant,
} from "../k8s/rbac/grants.js";
import { holdersOf, holderWorkloads } from "../k8s/rbac/holders.js";
import { builtinRolesFed, collectorsOf, isRbacKind, labelsOf } from "../k8s/rbac/roles.js";
import { listed } from "../k8s/words.js";

/** Names shown in a message before the rest are counted ("a, b, c and 4 more"). */
const NAMES_SHOWN = 5;

/** New grants on one target (a resource with a set of names, or a URL) and what it had before. */
interface Gain {
  /** The first new grant in manifest order: where the finding points. */
  first: Grant;
  verbs: string[];
  /** Undefined: every name. */
  names?: string[];
  /** Verbs it already had on these objects. */
  prior: Set<string>;
  /** Verbs it had only on some names of the resource, when the gain lifts a resourceNames limit. */
  priorByName: Set<string>;
  /** A gain on some names of a resource the role already reached by other names: the names are new. */
  newNames: boolean;
  /** Further targets of the same rule that gain the same verbs from the same start (one finding). */
  siblings: Grant[];
}

function targetKey(grant: Grant): string {
  if (grant.type === "url") return JSON.stringify(["url", grant.url]);
  return JSON.stringify(["resource", grant.apiGroup, grant.resource, grant.resourceName ?? null]);
}

/** New grants by target (URL, or group + resource + single name), verbs in manifest order. */
function gainsByTarget(grants: readonly Grant[], before: readonly PolicyRule[]): Gain[] {
  const gains = new Map<string, Gain>();
  for (const grant of grants) {
    const key = targetKey(grant);
    const gain = gains.get(key);
    if (gain) {
      if (!gain.verbs.includes(grant.verb)) gain.verbs.push(grant.verb);
      continue;
    }
    const names =
      grant.type === "resource" && grant.resourceName !== undefined ? [grant.resourceName] : undefined;
    const prior = priorVerbs(grant, before);
    // A grant on every name may lift a resourceNames limit: say what it had on some names.
    const lifted = grant.type === "resource" && !names && prior.size === 0;
    const priorByName = lifted ? priorVerbs(grant, before, true) : new Set<string>();
    const newNames = names !== undefined && prior.size === 0 && priorVerbs(grant, before, true).size > 0;
    gains.set(key, { first: grant, verbs: [grant.verb], names, prior, priorByName, newNames, siblings: [] });
  }
  return [...gains.values()];
}

/** Names of one resource that gained the same verbs become one finding. */
function mergeNames(gains: readonly Gain[]): Gain[] {
  const merged = new Map<string, Gain>();
  for (const gain of gains) {
    if (!gain.names) {
      merged.set(targetKey(gain.first), gain);
      continue;
    }
    const grant = gain.first as ResourceGrant;
    const key = JSON.stringify(["named", grant.apiGroup, grant.resource, [...gain.verbs].sort()]);
    const into = merged.get(key);
    if (!into?.names) {
      merged.set(key, { ...gain, names: [...gain.names], prior: new Set(gain.prior) });
      continue;
    }
    into.names.push(...gain.names);
    for (const verb of gain.prior) into.prior.add(verb);
  }
  return [...merged.values()];
}

const sorted = (items: Iterable<string>) => [...items].sort();

/**
 * Targets written on one line of one rule (`resources: [roles, rolebindings]`) that gain the same
 * verbs, with the same names, prior access and danger, are one risk: one finding, not one per
 * resource on the same line. Targets on lines of their own keep findings of their own.
 */
function mergeSiblings(gains: readonly Gain[], role: Resource): Gain[] {
  const merged = new Map<string, Gain>();
  for (const gain of gains) {
    const { first } = gain;
    const key = JSON.stringify([
      first.type,
      first.rule,
      role.locate(pathOf(gain)),
      dangerOf(gain).severity,
      first.type === "resource" ? first.apiGroup : "",
      sorted(gain.verbs),
      gain.names ? sorted(gain.names) : null,
      sorted(gain.prior),
      sorted(gain.priorByName),
    ]);
    const into = merged.get(key);
    if (into) into.siblings.push(first);
    else merged.set(key, gain);
  }
  return [...merged.values()];
}

/** The gain's targets, its first one and the siblings merged into it. */
function targetsOf(gain: Gain): Grant[] {
  return [gain.first, ...gain.siblings];
}

/**
 * Already reachable with other verbs: point at the first new verb; a resource reached before by
 * other names: at the first new name; otherwise at the new resource. Grants come in manifest order,
 * so the first grant of a gain carries its first new verb and name.
 */
function pathOf(gain: Gain): Path {
  const { first } = gain;
  if (gain.prior.size > 0) return ["rules", first.rule, "verbs", first.verbIndex];
  if (first.type === "url") return ["rules", first.rule, "nonResourceURLs", first.urlIndex];
  if (gain.newNames && first.nameIndex !== undefined) {
    return ["rules", first.rule, "resourceNames", first.nameIndex];
  }
  return ["rules", first.rule, "resources", first.resourceIndex];
}

function groupLabel(apiGroup: string): string {
  if (apiGroup === "") return "core";
  return apiGroup === ALL ? "every API group" : apiGroup;
}

function targetName(grant: Grant): string {
  if (grant.type === "url") return grant.url;
  return grant.resource === ALL ? "every resource (*)" : grant.resource;
}

function targetLabel(gain: Gain): string {
  const grant = gain.first;
  const what = listed(targetsOf(gain).map(targetName), NAMES_SHOWN);
  if (grant.type === "url") return `non-resource ${gain.siblings.length > 0 ? "URLs" : "URL"} ${what}`;
  const names = gain.names ? ` named ${listed(gain.names, NAMES_SHOWN)}` : "";
  return `${what}${names} (${groupLabel(grant.apiGroup)})`;
}

/** JSON-encoded parts, so that no crafted name, group or verb can collide with another key. */
function riskKey(gain: Gain): string {
  const verbs = sorted(gain.verbs);
  const grant = gain.first;
  const targets = targetsOf(gain);
  if (grant.type === "url") {
    const urls = sorted(targets.map(targetName));
    return `url ${JSON.stringify([urls.length === 1 ? urls[0] : urls, verbs])}`;
  }
  const names = gain.names ? sorted(gain.names) : null;
  const resources = sorted(targets.map((t) => (t.type === "resource" ? t.resource : "")));
  return `resource ${JSON.stringify([grant.apiGroup, resources.length === 1 ? resources[0] : resources, names, verbs])}`;
}

/** The danger of the worst target. */
function dangerOf(gain: Gain): Danger {
  const dangers = targetsOf(gain).map((grant) =>
    grant.type === "url" ? urlDanger(gain.verbs) : resourceDanger(grant.apiGroup, grant.resource, gain.verbs),
  );
  return dangers.reduce((worst, d) => (severityRank(d.severity) > severityRank(worst.severity) ? d : worst));
}

function previously({ prior, priorByName }: Gain): string {
  if (prior.size > 0) return `it could previously only ${[...prior].join(", ")} them`;
  if (priorByName.size > 0) {
    return `it could previously ${[...priorByName].join(", ")} only some of them, by name`;
  }
  return "it had no access to them before";
}

const BROAD_ADVICE =
  "A role bound to system:anonymous, system:unauthenticated, system:authenticated or " +
  "system:serviceaccounts hands every permission it gains to everybody; bind it to named subjects instead.";

function messageOf(role: Resource, isNew: boolean, gain: Gain, danger: Danger): string {
  const { kind, name } = role.identity;
  const verbs = gain.verbs.join(", ");
  if (isNew) return `New ${kind} ${name} grants verbs ${verbs} on ${targetLabel(gain)}. ${danger.advice}`;
  return `${kind} ${name} gains verbs ${verbs} on ${targetLabel(gain)}: ${previously(gain)}. ${danger.advice}`;
}

/** A subject the role's new grant reaches, and the binding that hands it over. */
interface Gainer {
  subject: Subject;
  binding: Binding;
  /** The workloads whose pods gain, when pods run as the subject (k8s/rbac/holders.ts). */
  workloads?: Resource[];
}

/** Every single grant a gain stands for: each verb on each of its targets (and names). */
function grantsOf(gain: Gain): Grant[] {
  return targetsOf(gain).flatMap((target) =>
    gain.verbs.flatMap((verb) =>
      target.type === "resource" && gain.names
        ? gain.names.map((resourceName) => ({ ...target, verb, resourceName }))
        : [{ ...target, verb }],
    ),
  );
}

/**
 * Who the gain reaches in the head: subjects of the bindings that grant the role (directly or
 * through aggregation) whose holders (the pods that run as a service account, or the subject itself)
 * did not already hold all of it there in the base. Pods moved onto the account from one that held
 * the permission gain nothing.
 */
function gainersOf(role: Resource, gain: Gain, beforeRules: PolicyRule[], ctx: RuleContext): Gainer[] {
  const grants = grantsOf(gain);
  const gainers: Gainer[] = [];
  for (const binding of bindingsGranting(ctx.head, role)) {
    // A RoleBinding cannot hand over a cluster-scoped resource.
    const usable = grants.filter((grant) => reachable(grant, binding.scope));
    for (const { subject } of binding.subjects) {
      const gaining = holdersOf(subject, ctx).filter((holder) => {
        const prior = holder.prior.map((holding) => asPaired(holding, role, beforeRules));
        return usable.some((grant) => !held(grant, binding.scope, prior));
      });
      if (gaining.length > 0) gainers.push({ subject, binding, workloads: holderWorkloads(gaining) });
    }
  }
  return gainers;
}

/**
 * A base holding of the role under review holds what the role's paired base version held: another
 * base copy of the same role (a second file defining it) must not hide what this change adds.
 */
function asPaired(holding: Holding, role: Resource, beforeRules: PolicyRule[]): Holding {
  const { roleRef, scope } = holding.binding;
  const { kind, namespace, name } = role.identity;
  const same =
    roleRef.kind === kind && roleRef.name === name && (kind === "ClusterRole" || scope === namespace);
  return same ? { ...holding, role: { ...holding.role, rules: beforeRules } } : holding;
}

function gainerText({ subject, binding, workloads }: Gainer, role: Resource, ctx: RuleContext): string {
  const through = describeResource(binding.resource);
  const aggregated =
    binding.roleRef.name === role.identity.name ? "" : `, ClusterRole ${binding.roleRef.name} aggregating it`;
  const who = describeSubject(ctx.head, subject, workloads);
  return `${who} through ${through}${aggregated} ${bindingScopeText(binding)}`;
}

/** Who can now use the gain; bound to everybody makes any gain critical. */
interface Reach {
  text: string;
  /** Bound to subjects that mean everybody: any gain is critical. */
  broad: boolean;
  /** Bound in the repository, yet nobody gains the permission (a renamed or narrowed role). */
  noEffect: boolean;
}

function reach(role: Resource, gain: Gain, beforeRules: PolicyRule[], ctx: RuleContext): Reach {
  const holders = gainersOf(role, gain, beforeRules, ctx);
  const fed = role.identity.kind === "ClusterRole" ? builtinRolesFed(role) : [];
  const aggregated =
    fed.length > 0
      ? ` Aggregated into the built-in ${listed(fed)} ${fed.length > 1 ? "roles" : "role"}, it reaches every subject bound to ${fed.length > 1 ? "them" : "it"} in the cluster.`
      : "";
  if (holders.length === 0) {
    // Over partial context the bindings may be in files that were not read.
    const bound = ctx.partialContext || bindingsGranting(ctx.head, role).length > 0;
    const text = aggregated || (bound ? "" : " No binding in this repository grants the role yet.");
    return { text, broad: false, noEffect: bound && !aggregated && !ctx.partialContext };
  }
  const texts = [...new Set(holders.map((holder) => gainerText(holder, role, ctx)))];
  return {
    text: ` Who gains it: ${listed(texts)}.${aggregated}`,
    broad: holders.some((holder) => isBroadSubject(holder.subject)),
    noEffect: false,
  };
}

/** A ClusterRole collected by aggregating roles and bound by no binding of its own. */
function onlyAggregated(role: Resource, ctx: RuleContext): boolean {
  if (role.identity.kind !== "ClusterRole") return false;
  if (collectorsOf(ctx.head, labelsOf(role)).length === 0) return false;
  return bindingsGranting(ctx.head, role).every((binding) => binding.roleRef.name !== role.identity.name);
}

function isRole(resource: Resource | undefined): resource is Resource {
  return isRbacKind(resource, ["Role", "ClusterRole"]);
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  if (!isRole(after)) return [];
  const beforeRules = isRole(before) ? readRules(before.object) : [];
  const afterRules = readRules(after.object);
  const added = newGrants(beforeRules, afterRules, after.identity.kind === "ClusterRole");
  const resourceGains = mergeSiblings(
    mergeNames(
      gainsByTarget(
        added.filter((g): g is ResourceGrant => g.type === "resource"),
        beforeRules,
      ),
    ),
    after,
  );
  const urlGains = mergeSiblings(
    gainsByTarget(
      added.filter((g): g is UrlGrant => g.type === "url"),
      beforeRules,
    ),
    after,
  );
  // A new role that only reaches subjects through aggregation is rbac-aggregation's finding.
  if (!before && onlyAggregated(after, ctx)) return [];
  return [...resourceGains, ...urlGains].flatMap((gain) => {
    const { text, broad, noEffect } = reach(after, gain, beforeRules, ctx);
    // Judged by effect: a permission no subject gains changes nothing.
    if (noEffect) return [];
    // Bound to everybody, any gain is critical, and the advice must say why.
    const danger = broad ? { severity: "critical" as const, advice: BROAD_ADVICE } : dangerOf(gain);
    return [
      {
        path: pathOf(gain),
        key: riskKey(gain),
        message: `${messageOf(after, !before, gain, danger)}${text}`,
        severity: danger.severity,
      },
    ];
  });
}

export const rbacEscalationRule: Rule = {
  id: "rbac-escalation",
  title: "Role or ClusterRole gains permissions",
  defaultSeverity: "medium",
  description:
    "Flags each permission a Role or ClusterRole gains: a verb on a resource (or non-resource URL) that no " +
    "rule of the base version already allowed.",
  rationale:
    "Every verb a role gains is granted to whoever is bound to it, often a workload's service account. " +
    "Roles are compared by effective permissions with Kubernetes' own matching (wildcards, subresources " +
    "such as */scale, resourceNames, URL prefixes), so reordering, splitting, merging or narrowing rules is " +
    "silent. Severity is graded by danger. Critical: * in verbs or apiGroups, * in resources of the core group " +
    "or of a group holding an escalation path below; escalate, bind or " +
    "impersonate; create, update or patch on roles, clusterroles, rolebindings or clusterrolebindings. " +
    "High: get, list or watch on secrets; pods/exec, pods/attach, pods/ephemeralcontainers, nodes/proxy; " +
    "create on serviceaccounts/token, pods, replicationcontrollers, deployments, daemonsets, statefulsets, " +
    "replicasets, jobs, cronjobs and persistentvolumes; certificatesigningrequests/approval; writes to " +
    "validating or mutating webhook configurations and to services/status; writes to * in another group " +
    "(custom resources, say). Low: only get, list or watch on " +
    "anything else. Medium: the rest (reading * of another group included). Non-resource URLs never reach objects: low for get, head and options, " +
    "medium otherwise. A grant such as */exec carries the danger of every resource it covers. Resources written on one line of a " +
    "rule that gain the same verbs with the same danger are one finding. Aggregated " +
    "ClusterRoles are judged by the rules written in the manifest. The message names who gains each " +
    "permission: the subjects of the bindings that grant the role (directly, or through a ClusterRole that " +
    "aggregates it, built-in view, edit and admin included) that did not hold it before, with the workloads " +
    "whose pods run as each service account; a role bound to system:anonymous, system:unauthenticated, " +
    "system:authenticated or system:serviceaccounts makes any gain critical. Judged by effect: when the role " +
    "is bound in the repository and none of its subjects gains the permission (a role renamed with its " +
    "binding, access moved from a ClusterRole into a Role, a cluster-scoped resource in a role bound only by " +
    "RoleBindings, pods moved onto the role's account from one that held the permission), nothing is reported. Service accounts " +
    "written without a namespace are placed as rbac-binding places them. A finding points at the first new verb, the first new " +
    "name of a resource the role already reached by other names, or the new resource.",
  remediation:
    "Grant the specific verbs and resources the subject needs, restrict by resourceNames where you can, " +
    "and keep escalation paths (RBAC writes, secrets, exec, pod creation) to dedicated roles.",
  example: {
    before: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get"]
`,
    after: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["*"]
`,
  },
  check,
};
