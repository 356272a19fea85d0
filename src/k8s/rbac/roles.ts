// Roles as one side of a change defines them: Roles, ClusterRoles with their aggregation
// followed (an aggregating ClusterRole holds what it collects), and the built-in ClusterRoles that
// manifests bind to without defining. Answers are memoized per side.

import { memo } from "../../engine/memo.js";
import type { ResourceSet } from "../../engine/rule.js";
import { isObject, type Json, type Resource } from "../../engine/types.js";
import { compileSelector, type Labels } from "../label-selectors.js";
import { AGGREGATION_LABEL_PREFIX, AGGREGATION_TARGETS, BUILTIN_CLUSTER_ROLES } from "./builtin-roles.js";
import { RBAC_GROUP } from "./danger.js";
import { type PolicyRule, readRules } from "./grants.js";

/** A role reference as one string; a Role is named within its namespace, a ClusterRole is not. */
export function roleKey(ref: RoleRef, namespace: string): string {
  return JSON.stringify([ref.kind, ref.kind === "Role" ? namespace : "", ref.name]);
}

export interface RoleRef {
  kind: "Role" | "ClusterRole";
  name: string;
}

/** A role as one side resolves it. */
export interface ResolvedRole {
  /** "Role shop/reader", "ClusterRole edit (built-in)". */
  label: string;
  /** Undefined when the role is neither in the repository nor built in: what it grants is unknown. */
  rules?: PolicyRule[];
  clusterRole: boolean;
}

export function isRbacKind(resource: Resource | undefined, kinds: readonly string[]): resource is Resource {
  return resource?.identity.group === RBAC_GROUP && kinds.includes(resource.identity.kind);
}

function clusterRoles(set: ResourceSet): Resource[] {
  return memo(set, "rbac:cluster-roles", () =>
    set.byKind("ClusterRole").filter((r) => isRbacKind(r, ["ClusterRole"])),
  );
}

export function labelsOf(resource: Resource): Labels {
  const raw = resource.object.metadata;
  const labels = isObject(raw) && isObject(raw.labels) ? raw.labels : {};
  const read: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (typeof value === "string") read[key] = value;
  return read;
}

/** The built-in roles a ClusterRole's aggregation labels feed, view's reaching edit and admin too. */
export function builtinRolesFed(resource: Resource): string[] {
  const labels = labelsOf(resource);
  const fed = Object.entries(AGGREGATION_TARGETS)
    .filter(([label]) => labels[`${AGGREGATION_LABEL_PREFIX}${label}`] === "true")
    .flatMap(([, targets]) => targets);
  return [...new Set(fed)];
}

/** The selectors of a ClusterRole's aggregationRule; undefined when it does not aggregate. */
export function aggregationSelectors(resource: Resource): Json[] | undefined {
  const rule = resource.object.aggregationRule;
  if (!isObject(rule)) return undefined;
  return Array.isArray(rule.clusterRoleSelectors) ? rule.clusterRoleSelectors : [];
}

/** ClusterRoles of the side that any of `selectors` selects, `self` left out. */
export function collectedRoles(set: ResourceSet, selectors: readonly Json[], self?: Resource): Resource[] {
  const matchers = selectors.map((selector) => compileSelector(selector));
  return clusterRoles(set).filter((role) => role !== self && matchers.some((m) => m(labelsOf(role))));
}

/** Built-in roles whose aggregation collects rules labelled for `name` (view → view, edit, admin). */
function builtinCollectorsOf(name: string): Json[] {
  const labels = Object.entries(AGGREGATION_TARGETS)
    .filter(([, targets]) => targets.includes(name))
    .map(([label]) => `${AGGREGATION_LABEL_PREFIX}${label}`);
  return labels.map((label) => ({ matchLabels: { [label]: "true" } }));
}

/** Rules of a ClusterRole: aggregated ones hold what they collect, followed to any depth. */
function clusterRoleRules(set: ResourceSet, name: string, visiting: Set<string>): PolicyRule[] | undefined {
  if (visiting.has(name)) return [];
  visiting.add(name);
  const defined = set.byKey(`${RBAC_GROUP}/ClusterRole//${name}`).find((r) => isRbacKind(r, ["ClusterRole"]));
  const builtin = BUILTIN_CLUSTER_ROLES.get(name);
  let rules: PolicyRule[] | undefined;
  let selectors: Json[] = [];
  if (defined) {
    const aggregation = aggregationSelectors(defined);
    rules = aggregation ? [] : readRules(defined.object);
    selectors = aggregation ?? [];
  } else if (builtin) {
    rules = readRules({ rules: [...builtin.rules] });
    selectors = builtinCollectorsOf(name);
  }
  if (!rules) return undefined;
  for (const collected of collectedRoles(set, selectors, defined)) {
    rules.push(...(clusterRoleRules(set, collected.identity.name, visiting) ?? []));
  }
  return rules;
}

/** The role a binding refers to, as the side defines it (or as Kubernetes builds it in). */
export function resolveRole(set: ResourceSet, ref: RoleRef, namespace: string): ResolvedRole {
  return memo(set, `rbac:role:${roleKey(ref, namespace)}`, () => {
    if (ref.kind === "Role") {
      const role = set
        .byKey(`${RBAC_GROUP}/Role/${namespace}/${ref.name}`)
        .find((r) => isRbacKind(r, ["Role"]));
      return {
        label: `Role ${namespace}/${ref.name}`,
        rules: role ? readRules(role.object) : undefined,
        clusterRole: false,
      };
    }
    const defined = set.byKey(`${RBAC_GROUP}/ClusterRole//${ref.name}`).length > 0;
    const builtin = !defined && BUILTIN_CLUSTER_ROLES.has(ref.name);
    return {
      label: `ClusterRole ${ref.name}${builtin ? " (built-in)" : ""}`,
      rules: clusterRoleRules(set, ref.name, new Set()),
      clusterRole: true,
    };
  });
}

/** The side's aggregating ClusterRoles with their selectors compiled. */
function aggregators(set: ResourceSet): { role: Resource; selects: (labels: Labels) => boolean }[] {
  return memo(set, "rbac:aggregators", () =>
    clusterRoles(set).flatMap((role) => {
      const matchers = (aggregationSelectors(role) ?? []).map((s) => compileSelector(s));
      return matchers.length > 0 ? [{ role, selects: (l: Labels) => matchers.some((m) => m(l)) }] : [];
    }),
  );
}

/** A ClusterRole that aggregates others: defined in the repository, or built in (no resource). */
export interface Collector {
  name: string;
  resource?: Resource;
}

/** ClusterRoles (defined or built in) whose aggregation collects a role with these labels. */
export function collectorsOf(set: ResourceSet, labels: Labels): Collector[] {
  const found: Collector[] = aggregators(set)
    .filter((aggregator) => aggregator.selects(labels))
    .map(({ role }) => ({ name: role.identity.name, resource: role }));
  for (const [label, targets] of Object.entries(AGGREGATION_TARGETS)) {
    if (labels[`${AGGREGATION_LABEL_PREFIX}${label}`] !== "true") continue;
    for (const target of targets) {
      const defined = set.byKey(`${RBAC_GROUP}/ClusterRole//${target}`).length > 0;
      // Labels for view and edit both reach admin: name each role once.
      if (!defined && !found.some((c) => c.name === target)) found.push({ name: target });
    }
  }
  return found;
}
