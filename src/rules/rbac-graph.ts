// Who can do what on one side of a change: RBAC as the authorizer sees it. Bindings tie subjects
// (users, groups, service accounts) to roles; workloads run as service accounts. Following
// ServiceAccount → bindings → roles through a side's resources is what lets rules say what pods
// and people can do after a change that they could not before. Indexes are built once per side
// (memo), so following a chain costs a lookup, not a scan of the repository.

import { resourceSet } from "../engine/resource-set.js";
import { isObject, type Json, type Resource } from "../engine/types.js";
import { memo } from "./memo.js";
import { describeResource, serviceAccountOf } from "./pods.js";
import { type PolicyRule, readRules } from "./rbac.js";
import { AGGREGATION_LABEL_PREFIX, AGGREGATION_TARGETS, BUILTIN_CLUSTER_ROLES } from "./rbac-builtin.js";
import { RBAC_GROUP } from "./rbac-danger.js";
import { compileSelector, type Labels } from "./selectors.js";
import type { ResourceSet, RuleContext } from "./types.js";

const NOTHING = resourceSet([]);

/**
 * What a change is judged against: the base, or nothing at all in full-state mode, where every
 * permission in the head is reported as if it were new.
 */
export function priorSet(ctx: RuleContext): ResourceSet {
  return ctx.fullState ? NOTHING : ctx.base;
}

export type SubjectKind = "User" | "Group" | "ServiceAccount";

/** A subject as the authorizer matches it; `namespace` is set for service accounts only. */
export interface Subject {
  kind: SubjectKind;
  name: string;
  namespace: string;
}

export interface RoleRef {
  kind: "Role" | "ClusterRole";
  name: string;
}

export interface Binding {
  resource: Resource;
  /** Where the grants apply: the binding's namespace, or "" for a ClusterRoleBinding (everywhere). */
  scope: string;
  roleRef: RoleRef;
  /** Subjects with their position in the binding's `subjects` list (for line lookups). */
  subjects: { subject: Subject; index: number }[];
}

/** A role as one side resolves it. */
export interface ResolvedRole {
  /** "Role shop/reader", "ClusterRole edit (built-in)". */
  label: string;
  /** Undefined when the role is neither in the repository nor built in: what it grants is unknown. */
  rules?: PolicyRule[];
  clusterRole: boolean;
}

/** One way a subject holds permissions: a binding and the role it grants, where it applies. */
export interface Holding {
  binding: Binding;
  role: ResolvedRole;
}

/** Groups whose members are everybody (or every workload): binding anything to them is critical. */
const BROAD_GROUPS: Readonly<Record<string, string>> = {
  "system:anonymous": "anonymous requests (anyone who can reach the API server)",
  "system:unauthenticated": "unauthenticated requests (anyone who can reach the API server)",
  "system:authenticated": "every authenticated user and service account",
  "system:serviceaccounts": "every service account of every namespace",
};

export function isBroadSubject(subject: Subject): boolean {
  return subject.kind !== "ServiceAccount" && Object.hasOwn(BROAD_GROUPS, subject.name);
}

export function subjectKey(subject: Subject): string {
  return JSON.stringify([subject.kind, subject.namespace, subject.name]);
}

function roleKey(ref: RoleRef, namespace: string): string {
  return JSON.stringify([ref.kind, ref.kind === "Role" ? namespace : "", ref.name]);
}

export function isRbacKind(resource: Resource | undefined, kinds: readonly string[]): resource is Resource {
  return resource?.identity.group === RBAC_GROUP && kinds.includes(resource.identity.kind);
}

function readSubject(raw: Json, scope: string): Subject | undefined {
  if (!isObject(raw) || typeof raw.name !== "string" || raw.name === "") return undefined;
  const { kind } = raw;
  if (kind === "ServiceAccount") {
    // A RoleBinding's service account defaults to the binding's namespace; a ClusterRoleBinding's
    // must name one (the API server refuses it otherwise).
    const namespace = typeof raw.namespace === "string" && raw.namespace !== "" ? raw.namespace : scope;
    return namespace ? { kind, name: raw.name, namespace } : undefined;
  }
  if (kind === "User" || kind === "Group") return { kind, name: raw.name, namespace: "" };
  return undefined;
}

/** A RoleBinding or ClusterRoleBinding as the authorizer reads it; undefined for anything else. */
export function readBinding(resource: Resource | undefined): Binding | undefined {
  if (!isRbacKind(resource, ["RoleBinding", "ClusterRoleBinding"])) return undefined;
  const { roleRef, subjects } = resource.object;
  if (!isObject(roleRef) || typeof roleRef.name !== "string") return undefined;
  const kind = roleRef.kind;
  if (kind !== "Role" && kind !== "ClusterRole") return undefined;
  const scope = resource.identity.kind === "RoleBinding" ? resource.identity.namespace : "";
  // A ClusterRoleBinding cannot refer to a Role.
  if (!scope && kind === "Role") return undefined;
  const read: Binding["subjects"] = [];
  const seen = new Set<string>();
  if (Array.isArray(subjects)) {
    subjects.forEach((raw, index) => {
      const subject = readSubject(raw, scope);
      // A subject listed twice is bound once; the first entry is where it is granted.
      if (!subject || seen.has(subjectKey(subject))) return;
      seen.add(subjectKey(subject));
      read.push({ subject, index });
    });
  }
  return { resource, scope, roleRef: { kind, name: roleRef.name }, subjects: read };
}

function bindingsOf(set: ResourceSet): Binding[] {
  return memo(set, "rbac:bindings", () =>
    [...set.byKind("RoleBinding"), ...set.byKind("ClusterRoleBinding")]
      .map(readBinding)
      .filter((b): b is Binding => b !== undefined),
  );
}

function indexOf<T>(items: readonly T[], keysOf: (item: T) => string[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      const list = index.get(key);
      if (list) list.push(item);
      else index.set(key, [item]);
    }
  }
  return index;
}

function bindingsBySubject(set: ResourceSet): Map<string, Binding[]> {
  return memo(set, "rbac:bindings-by-subject", () =>
    indexOf(bindingsOf(set), (b) => [...new Set(b.subjects.map((s) => subjectKey(s.subject)))]),
  );
}

function bindingsByRole(set: ResourceSet): Map<string, Binding[]> {
  return memo(set, "rbac:bindings-by-role", () =>
    indexOf(bindingsOf(set), (b) => [roleKey(b.roleRef, b.scope)]),
  );
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

/** The groups Kubernetes puts a subject in: a service account is in its namespace's group and more. */
function groupsOf(subject: Subject): Subject[] {
  const group = (name: string): Subject => ({ kind: "Group", name, namespace: "" });
  if (subject.kind === "ServiceAccount") {
    return [
      group("system:serviceaccounts"),
      group(`system:serviceaccounts:${subject.namespace}`),
      group("system:authenticated"),
    ];
  }
  if (subject.kind === "User" && subject.name !== "system:anonymous") return [group("system:authenticated")];
  if (subject.kind === "User") return [group("system:unauthenticated")];
  return [];
}

/** Bindings that name the subject itself (not its groups). */
export function bindingsNaming(set: ResourceSet, subject: Subject): Binding[] {
  return bindingsBySubject(set).get(subjectKey(subject)) ?? [];
}

/** Every binding through which a subject (or a group it belongs to) holds a role on the side. */
export function holdingsOf(set: ResourceSet, subject: Subject): Holding[] {
  const index = bindingsBySubject(set);
  return [subject, ...groupsOf(subject)].flatMap((s) =>
    (index.get(subjectKey(s)) ?? []).map((binding) => ({
      binding,
      role: resolveRole(set, binding.roleRef, binding.scope),
    })),
  );
}

/** Bindings that grant a role, directly (its own name) or through aggregation into another role. */
export function bindingsGranting(set: ResourceSet, role: Resource): Binding[] {
  const { kind, namespace, name } = role.identity;
  const byRole = bindingsByRole(set);
  if (kind === "Role") return byRole.get(roleKey({ kind, name }, namespace)) ?? [];
  const names = new Set<string>();
  const visit = (current: Resource | undefined, currentName: string) => {
    if (names.has(currentName)) return;
    names.add(currentName);
    const labels = current ? labelsOf(current) : {};
    for (const collector of collectorsOf(set, labels)) visit(collector.resource, collector.name);
  };
  visit(role, name);
  return [...names].flatMap((n) => byRole.get(roleKey({ kind: "ClusterRole", name: n }, "")) ?? []);
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
      if (set.byKey(`${RBAC_GROUP}/ClusterRole//${target}`).length === 0) found.push({ name: target });
    }
  }
  return found;
}

/** Workloads whose pods run as each service account ("namespace/name"). */
function workloadsByAccount(set: ResourceSet): Map<string, Resource[]> {
  return memo(set, "rbac:workloads-by-account", () =>
    indexOf(
      set.all.filter((r) => r.identity.kind !== "PodTemplate"),
      (r) => {
        const account = serviceAccountOf(r);
        return account ? [`${r.identity.namespace}/${account.name}`] : [];
      },
    ),
  );
}

/** How many names a description lists before counting the rest. */
const SHOWN = 3;

export function listed(items: readonly string[]): string {
  if (items.length <= SHOWN) return items.join(", ");
  return `${items.slice(0, SHOWN).join(", ")} and ${items.length - SHOWN} more`;
}

/** Who a subject is, in words: for a service account, the workloads whose pods run as it. */
export function describeSubject(set: ResourceSet, subject: Subject): string {
  if (subject.kind === "ServiceAccount") {
    const account = `service account ${subject.namespace}/${subject.name}`;
    const workloads = workloadsByAccount(set).get(`${subject.namespace}/${subject.name}`) ?? [];
    if (workloads.length === 0) return account;
    // The same workload can sit in several files (variants of one install): name it once.
    return `${account} (pods of ${listed([...new Set(workloads.map(describeResource))])})`;
  }
  const broad = Object.hasOwn(BROAD_GROUPS, subject.name) ? BROAD_GROUPS[subject.name] : undefined;
  if (broad) return `${subject.name} (${broad})`;
  const namespaceGroup = /^system:serviceaccounts:(.+)$/.exec(subject.name);
  if (subject.kind === "Group" && namespaceGroup) {
    return `every service account of namespace ${namespaceGroup[1]}`;
  }
  return `${subject.kind === "User" ? "user" : "group"} ${subject.name}`;
}

/** "in namespace shop", or "cluster-wide" for a ClusterRoleBinding's grants. */
export function scopeText(scope: string): string {
  return scope ? `in namespace ${scope}` : "cluster-wide";
}
