// Who a resource is. Two manifests describe the same object when group, kind, namespace and
// name agree, so identity must see through spelling differences Kubernetes itself ignores.

import type { JsonObject, ResourceIdentity } from "./types.js";

// Kinds the API server keeps outside namespaces. A namespace written on them is ignored.
const CLUSTER_SCOPED_KINDS = new Set([
  "APIService",
  "CertificateSigningRequest",
  "ClusterIssuer",
  "ClusterRole",
  "ClusterRoleBinding",
  "ComponentStatus",
  "CSIDriver",
  "CSINode",
  "CustomResourceDefinition",
  "FlowSchema",
  "IngressClass",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PodSecurityPolicy",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "RuntimeClass",
  "SelfSubjectAccessReview",
  "SelfSubjectRulesReview",
  "StorageClass",
  "SubjectAccessReview",
  "TokenReview",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
]);

// Kinds that moved between API groups: the old spelling names the same stored object.
const GROUP_ALIASES: Record<string, Record<string, string>> = {
  extensions: {
    DaemonSet: "apps",
    Deployment: "apps",
    ReplicaSet: "apps",
    Ingress: "networking.k8s.io",
    NetworkPolicy: "networking.k8s.io",
    PodSecurityPolicy: "policy",
  },
};

/** The API group of an apiVersion: "apps/v1" → "apps", "v1" → "" (core). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function canonicalGroup(group: string, kind: string): string {
  return GROUP_ALIASES[group]?.[kind] ?? group;
}

/**
 * Whether a kind is cluster-scoped. Custom kinds are looked up in the CRDs the change carries
 * (`customScopes`: "group/kind" → true when cluster-scoped); unknown custom kinds are namespaced,
 * which is what most CRDs are.
 */
export function isClusterScoped(
  group: string,
  kind: string,
  customScopes?: ReadonlyMap<string, boolean>,
): boolean {
  const custom = customScopes?.get(`${group}/${kind}`);
  if (custom !== undefined) return custom;
  return CLUSTER_SCOPED_KINDS.has(kind);
}

export function identityKey(id: ResourceIdentity): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`;
}

function stringField(object: JsonObject | undefined, field: string): string | undefined {
  const value = object?.[field];
  return typeof value === "string" ? value : undefined;
}

export const NO_KIND = "no apiVersion/kind";

// Groups whose objects configure a tool and are never sent to a cluster.
const TOOL_CONFIG_GROUPS = new Set(["kustomize.config.k8s.io", "config.kubernetes.io"]);

/** Reads an object's identity, or says why it has none. */
export function identityOf(
  object: JsonObject,
  customScopes?: ReadonlyMap<string, boolean>,
): ResourceIdentity | { problem: string } {
  const apiVersion = stringField(object, "apiVersion");
  const kind = stringField(object, "kind");
  if (!apiVersion || !kind) return { problem: NO_KIND };
  if (TOOL_CONFIG_GROUPS.has(apiGroupOf(apiVersion)))
    return { problem: `${kind} is kustomize configuration, not a cluster object` };
  const metadata = object.metadata;
  const meta = metadata && typeof metadata === "object" && !Array.isArray(metadata) ? metadata : undefined;
  // generateName objects get a fresh name on every create: pair them by the prefix.
  const name =
    stringField(meta, "name") ?? (stringField(meta, "generateName") ? `${meta?.generateName}*` : "");
  if (!name) return { problem: `${kind} without metadata.name` };
  const group = canonicalGroup(apiGroupOf(apiVersion), kind);
  const namespace = isClusterScoped(group, kind, customScopes)
    ? ""
    : stringField(meta, "namespace") || "default";
  return { apiVersion, group, kind, namespace, name };
}

/** "group/kind" → cluster-scoped?, for the CustomResourceDefinitions among these objects. */
export function customScopesOf(objects: Iterable<JsonObject>): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const object of objects) {
    if (object.kind !== "CustomResourceDefinition") continue;
    const spec = object.spec as JsonObject | undefined;
    const names = spec?.names as JsonObject | undefined;
    const group = stringField(spec, "group");
    const kind = stringField(names, "kind");
    if (group !== undefined && kind) scopes.set(`${group}/${kind}`, spec?.scope === "Cluster");
  }
  return scopes;
}
