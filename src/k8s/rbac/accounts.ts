// ServiceAccounts as RBAC subjects: the ServiceAccount objects a side defines, and which one an
// account reference names when the manifest leaves its namespace out.
// The kubebuilder / operator-sdk layout writes bindings with `{kind: ServiceAccount, name: x}` and
// workloads without a namespace, and lets kustomize (or `kubectl apply -n`) set it at deploy time.
// Such a reference is the account the deployment will give it: the ServiceAccount of that name the
// side defines, when there is exactly one; otherwise an account whose namespace is only known at
// deploy time, one identity shared by every reference that leaves it out, so that a binding and the
// pods it is meant for still meet.

import { memo } from "../../engine/memo.js";
import type { ResourceSet } from "../../engine/rule.js";
import { isObject, type Resource } from "../../engine/types.js";
import { describeResource } from "../objects.js";
import { serviceAccountOf } from "../pods.js";
import type { Subject } from "./bindings.js";

/**
 * The namespace of an account no manifest places. Not a valid namespace name (the API server
 * refuses parentheses and spaces), so it never meets a real one; messages never show it raw.
 */
export const DEPLOY_TIME = "(set at deploy time)";

export function isServiceAccount(resource: Resource | undefined): resource is Resource {
  return resource?.identity.group === "" && resource.identity.kind === "ServiceAccount";
}

/** The ServiceAccount `namespace/name` as one side of the change defines it, if it does. */
export function serviceAccountIn(set: ResourceSet, namespace: string, name: string): Resource | undefined {
  return set
    .byKindIn("ServiceAccount", namespace)
    .find((r) => isServiceAccount(r) && r.identity.name === name);
}

/** Whether the manifest itself names the resource's namespace (the identity defaults it otherwise). */
export function declaresNamespace(resource: Resource): boolean {
  const metadata = resource.object.metadata;
  return isObject(metadata) && typeof metadata.namespace === "string" && metadata.namespace !== "";
}

/** The side's ServiceAccounts that leave their namespace out, by name (indexed once per side). */
function unplacedAccounts(set: ResourceSet): Map<string, Resource[]> {
  return memo(set, "rbac:unplaced-accounts", () => {
    const index = new Map<string, Resource[]>();
    for (const account of set.byKind("ServiceAccount")) {
      if (!isServiceAccount(account) || declaresNamespace(account)) continue;
      index.set(account.identity.name, [...(index.get(account.identity.name) ?? []), account]);
    }
    return index;
  });
}

/** Namespaces of the side's ServiceAccounts, by account name. */
function accountNamespaces(set: ResourceSet): Map<string, Set<string>> {
  return memo(set, "rbac:account-namespaces", () => {
    const index = new Map<string, Set<string>>();
    for (const account of set.byKind("ServiceAccount")) {
      if (!isServiceAccount(account)) continue;
      const { name, namespace } = account.identity;
      const namespaces = index.get(name) ?? new Set<string>();
      // An account that leaves its own namespace out gets it at deploy time, like its subjects.
      namespaces.add(declaresNamespace(account) ? namespace : DEPLOY_TIME);
      index.set(name, namespaces);
    }
    return index;
  });
}

/** The namespace of an account named without one: the one ServiceAccount of that name, or deploy time. */
export function unplacedAccountNamespace(set: ResourceSet, name: string): string {
  const namespaces = accountNamespaces(set).get(name);
  return namespaces?.size === 1 ? [...namespaces][0] : DEPLOY_TIME;
}

export function serviceAccount(namespace: string, name: string): Subject {
  return { kind: "ServiceAccount", namespace, name };
}

/**
 * The account a workload's pods act as, on the side `set`. Pods run as an account of their own
 * namespace, so a workload that leaves its namespace out leaves its account's out too.
 */
export function workloadAccount(set: ResourceSet, workload: Resource | undefined): Subject | undefined {
  const account = serviceAccountOf(workload);
  if (!workload || !account) return undefined;
  const namespace = declaresNamespace(workload)
    ? workload.identity.namespace
    : unplacedAccountNamespace(set, account.name);
  return serviceAccount(namespace, account.name);
}

/** The ServiceAccount object a subject names on the side, if the side defines it. */
export function accountResource(set: ResourceSet, subject: Subject): Resource | undefined {
  if (subject.namespace === DEPLOY_TIME) {
    const unplaced = unplacedAccounts(set).get(subject.name) ?? [];
    return unplaced.length === 1 ? unplaced[0] : undefined;
  }
  return serviceAccountIn(set, subject.namespace, subject.name);
}

/**
 * "service account shop/web", or "service account web (namespace set at deploy time)"; `note`
 * joins the parenthesis ("service account web (namespace set at deploy time; pods of …)").
 */
export function accountText(subject: Subject, note?: string): string {
  const deployTime = subject.namespace === DEPLOY_TIME;
  const notes = [deployTime ? "namespace set at deploy time" : "", note ?? ""].filter(Boolean);
  const name = deployTime ? subject.name : `${subject.namespace}/${subject.name}`;
  return `service account ${name}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
}

/**
 * A workload named in a message about its account. Where the account's namespace is only known at
 * deploy time, so is the workload's: the namespace its identity defaults to would mislead there.
 */
export function workloadText(workload: Resource, account: Subject): string {
  if (account.namespace === DEPLOY_TIME && !declaresNamespace(workload)) {
    return `${workload.identity.kind} ${workload.identity.name}`;
  }
  return describeResource(workload);
}
