// The user-facing ClusterRoles every cluster has (cluster-admin, admin, edit, view), described by
// what they grant in Kubernetes' default bootstrap policy. Manifests bind to them without defining
// them, so judging a binding by effect needs to know what they hold. admin, edit and view also
// collect, through aggregation labels, the rules of ClusterRoles labelled
// rbac.authorization.k8s.io/aggregate-to-<role>; edit carries view's label and admin edit's, so a
// rule aggregated to view reaches edit and admin too.

import type { JsonObject } from "../../engine/types.js";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

function rule(apiGroups: string[], resources: string[], verbs: string[]): JsonObject {
  return { apiGroups, resources, verbs };
}

const VIEW_CORE = [
  "configmaps",
  "endpoints",
  "persistentvolumeclaims",
  "persistentvolumeclaims/status",
  "pods",
  "replicationcontrollers",
  "replicationcontrollers/scale",
  "serviceaccounts",
  "services",
  "services/status",
  "bindings",
  "events",
  "limitranges",
  "namespaces",
  "namespaces/status",
  "pods/log",
  "pods/status",
  "replicationcontrollers/status",
  "resourcequotas",
  "resourcequotas/status",
];
const WORKLOADS = [
  "daemonsets",
  "deployments",
  "deployments/rollback",
  "deployments/scale",
  "replicasets",
  "replicasets/scale",
  "statefulsets",
  "statefulsets/scale",
];

const VIEW: JsonObject[] = [
  rule([""], VIEW_CORE, READ),
  rule(["apps"], ["controllerrevisions", ...WORKLOADS], READ),
  rule(["autoscaling"], ["horizontalpodautoscalers"], READ),
  rule(["batch"], ["cronjobs", "jobs"], READ),
  rule(["policy"], ["poddisruptionbudgets"], READ),
  rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], READ),
  rule(["discovery.k8s.io"], ["endpointslices"], READ),
];

const EDIT_CORE = [
  "pods",
  "pods/attach",
  "pods/exec",
  "pods/portforward",
  "pods/proxy",
  "configmaps",
  "endpoints",
  "persistentvolumeclaims",
  "replicationcontrollers",
  "replicationcontrollers/scale",
  "secrets",
  "serviceaccounts",
  "services",
  "services/proxy",
];

const EDIT: JsonObject[] = [
  ...VIEW,
  rule([""], EDIT_CORE, [...READ, ...WRITE]),
  rule([""], ["serviceaccounts"], ["impersonate"]),
  rule([""], ["serviceaccounts/token"], ["create"]),
  rule(["apps"], WORKLOADS, WRITE),
  rule(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
  rule(["batch"], ["cronjobs", "jobs"], WRITE),
  rule(["policy"], ["poddisruptionbudgets"], WRITE),
  rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
];

const ADMIN: JsonObject[] = [
  ...EDIT,
  rule(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], [...READ, ...WRITE]),
  rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
];

export interface BuiltinRole {
  rules: readonly JsonObject[];
}

export const AGGREGATION_LABEL_PREFIX = "rbac.authorization.k8s.io/aggregate-to-";

/** Built-in ClusterRoles by name. cluster-admin holds every permission, URLs included. */
export const BUILTIN_CLUSTER_ROLES: ReadonlyMap<string, BuiltinRole> = new Map([
  ["cluster-admin", { rules: [rule(["*"], ["*"], ["*"]), { nonResourceURLs: ["*"], verbs: ["*"] }] }],
  ["admin", { rules: ADMIN }],
  ["edit", { rules: EDIT }],
  ["view", { rules: VIEW }],
  // Delegated authentication and authorization, bound by every aggregated API server (metrics-server…).
  [
    "system:auth-delegator",
    {
      rules: [
        rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
        rule(["authorization.k8s.io"], ["subjectaccessreviews"], ["create"]),
      ],
    },
  ],
]);

/** The built-in roles a label feeds: view's rules flow on into edit, edit's into admin. */
export const AGGREGATION_TARGETS: Readonly<Record<string, readonly string[]>> = {
  view: ["view", "edit", "admin"],
  edit: ["edit", "admin"],
  admin: ["admin"],
};
