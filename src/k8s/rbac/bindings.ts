// Who holds which role on one side of a change, as the authorizer sees it. Bindings tie subjects
// (users, groups, service accounts) to roles (roles.ts); workloads run as service accounts.
// Following ServiceAccount → bindings → roles through a side's resources is what lets rules say
// what pods and people can do after a change that they could not before. Indexes are built once
// per side (memo), so following a chain costs a lookup, not a scan of the repository.

import { memo } from "../../engine/memo.js";
import { resourceSet } from "../../engine/resource-set.js";
import type { ResourceSet, RuleContext } from "../../engine/rule.js";
import { isObject, type Json, type Resource } from "../../engine/types.js";
import { listed } from "../words.js";
import {
  accountText,
  DEPLOY_TIME,
  declaresNamespace,
  unplacedAccountNamespace,
  workloadAccount,
  workloadText,
} from "./accounts.js";
import {
  collectorsOf,
  isRbacKind,
  labelsOf,
  type ResolvedRole,
  type RoleRef,
  resolveRole,
  roleKey,
} from "./roles.js";

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

export interface Binding {
  resource: Resource;
  /** Where the grants apply: the binding's namespace, or "" for a ClusterRoleBinding (everywhere). */
  scope: string;
  roleRef: RoleRef;
  /** Subjects with their position in the binding's `subjects` list (for line lookups). */
  subjects: { subject: Subject; index: number }[];
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

/**
 * The namespace of a binding's service account that does not write one. The authorizer defaults it
 * to a RoleBinding's own namespace; a ClusterRoleBinding has none, and the API server accepts it
 * only once the deploy (kustomize) has filled it in. So has a RoleBinding that leaves its own
 * namespace to the deploy: both name the account the deployment will give them (accounts.ts).
 */
function defaultAccountNamespace(binding: Resource, set: ResourceSet, name: string): string {
  const isRoleBinding = binding.identity.kind === "RoleBinding";
  if (isRoleBinding && declaresNamespace(binding)) return binding.identity.namespace;
  return unplacedAccountNamespace(set, name);
}

function readSubject(raw: Json, binding: Resource, set: ResourceSet): Subject | undefined {
  if (!isObject(raw) || typeof raw.name !== "string" || raw.name === "") return undefined;
  const { kind, name } = raw;
  if (kind === "ServiceAccount") {
    const written = typeof raw.namespace === "string" && raw.namespace !== "" ? raw.namespace : undefined;
    return { kind, name, namespace: written ?? defaultAccountNamespace(binding, set, name) };
  }
  if (kind === "User" || kind === "Group") return { kind, name, namespace: "" };
  return undefined;
}

/**
 * A RoleBinding or ClusterRoleBinding as the authorizer reads it; undefined for anything else.
 * `set` is the side the binding comes from: it places service accounts named without a namespace.
 */
export function readBinding(resource: Resource | undefined, set: ResourceSet): Binding | undefined {
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
      const subject = readSubject(raw, resource, set);
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
      .map((resource) => readBinding(resource, set))
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

/** The groups Kubernetes puts a subject in: a service account is in its namespace's group and more. */
function groupsOf(subject: Subject): Subject[] {
  const group = (name: string): Subject => ({ kind: "Group", name, namespace: "" });
  if (subject.kind === "ServiceAccount") {
    // An account placed only at deploy time is in its namespace's group too, but which one is unknown.
    const namespaceGroup =
      subject.namespace === DEPLOY_TIME ? [] : [group(`system:serviceaccounts:${subject.namespace}`)];
    return [group("system:serviceaccounts"), ...namespaceGroup, group("system:authenticated")];
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
  if (kind === "Role") return bindingsByRole(set).get(roleKey({ kind, name }, namespace)) ?? [];
  return bindingsGrantingClusterRole(set, name, role);
}

/** bindingsGranting for a ClusterRole by name: defined (`role`) or built in (no resource). */
export function bindingsGrantingClusterRole(set: ResourceSet, name: string, role?: Resource): Binding[] {
  const byRole = bindingsByRole(set);
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

/** Workloads whose pods run as each service account (by subject key). */
function workloadsByAccount(set: ResourceSet): Map<string, Resource[]> {
  return memo(set, "rbac:workloads-by-account", () =>
    indexOf(
      set.all.filter((r) => r.identity.kind !== "PodTemplate"),
      (r) => {
        const account = workloadAccount(set, r);
        return account ? [subjectKey(account)] : [];
      },
    ),
  );
}

/** The workloads of the side whose pods act as `subject` (a service account), each named once. */
export function workloadsOf(set: ResourceSet, subject: Subject): Resource[] {
  if (subject.kind !== "ServiceAccount") return [];
  const workloads = workloadsByAccount(set).get(subjectKey(subject)) ?? [];
  // The same workload can sit in several files (variants of one install): count it once.
  const byKey = new Map(workloads.map((w) => [w.key, w]));
  return [...byKey.values()];
}

/**
 * Who a subject is, in words: for a service account, the workloads whose pods run as it (or only
 * `workloads`, when a message is about some of them).
 */
export function describeSubject(set: ResourceSet, subject: Subject, workloads?: readonly Resource[]): string {
  if (subject.kind === "ServiceAccount") {
    const pods = workloads ?? workloadsOf(set, subject);
    const names = [...new Set(pods.map((w) => workloadText(w, subject)))];
    return accountText(subject, names.length > 0 ? `pods of ${listed(names)}` : undefined);
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

/**
 * Where a binding grants, in words. A RoleBinding that leaves its namespace out grants wherever the
 * deploy puts it, as the accounts it names are; the namespace its identity defaults to would mislead.
 */
export function bindingScopeText(binding: Binding): string {
  if (binding.scope && !declaresNamespace(binding.resource)) return "in the namespace set at deploy time";
  return scopeText(binding.scope);
}
