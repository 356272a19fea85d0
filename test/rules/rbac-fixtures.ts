// Manifest builders for the RBAC rules' tables, laid out so that tables can state exact lines.

const API = "apiVersion: rbac.authorization.k8s.io/v1";

/** Rules in flow style, one line each: `rule("", "secrets", "get,list")`. */
export function rule(group: string, resources: string, verbs: string): string {
  const list = (text: string) => text.split(",").map((item) => JSON.stringify(item.trim()));
  return `  - { apiGroups: [${list(group).join(", ")}], resources: [${list(resources).join(", ")}], verbs: [${list(verbs).join(", ")}] }`;
}

/** A Role; its rules start on line 7. */
export function role(name: string, rules: string[], namespace = "shop"): string {
  return [
    API,
    "kind: Role",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "rules:",
    ...rules,
    "",
  ].join("\n");
}

/** A ClusterRole; line 5 holds the labels (a flow mapping), its rules start on line 7. */
export function clusterRole(name: string, rules: string[], labels = "{}"): string {
  return [
    API,
    "kind: ClusterRole",
    "metadata:",
    `  name: ${name}`,
    `  labels: ${labels}`,
    "rules:",
    ...rules,
    "",
  ].join("\n");
}

/** An aggregating ClusterRole; its selectors start on line 8. */
export function aggregatingRole(name: string, selectors: string[]): string {
  return [
    API,
    "kind: ClusterRole",
    "metadata:",
    `  name: ${name}`,
    "aggregationRule:",
    "  clusterRoleSelectors:",
    "    # selectors",
    ...selectors.map((selector) => `    - ${selector}`),
    "rules: []",
    "",
  ].join("\n");
}

export interface BindingOptions {
  /** RoleBinding (default, in namespace shop) or ClusterRoleBinding. */
  kind?: "RoleBinding" | "ClusterRoleBinding";
  name?: string;
  namespace?: string;
  roleKind?: "Role" | "ClusterRole";
}

/**
 * A binding; roleRef.name is on line 9 and its subjects (flow mappings) start on line 11, for both
 * kinds (a ClusterRoleBinding has a comment where the namespace would be).
 */
export function binding(roleName: string, subjects: string[], options: BindingOptions = {}): string {
  const { kind = "RoleBinding", name = "web-ops", namespace = "shop", roleKind = "ClusterRole" } = options;
  return [
    API,
    `kind: ${kind}`,
    "metadata:",
    `  name: ${name}`,
    kind === "RoleBinding" ? `  namespace: ${namespace}` : "  # cluster-wide",
    "roleRef:",
    "  apiGroup: rbac.authorization.k8s.io",
    `  kind: ${roleKind}`,
    `  name: ${roleName}`,
    "subjects:",
    ...subjects.map((subject) => `  - ${subject}`),
    "",
  ].join("\n");
}

export const sa = (name: string, namespace?: string) =>
  namespace
    ? `{ kind: ServiceAccount, name: ${name}, namespace: ${namespace} }`
    : `{ kind: ServiceAccount, name: ${name} }`;
export const group = (name: string) =>
  `{ kind: Group, name: "${name}", apiGroup: rbac.authorization.k8s.io }`;
export const user = (name: string) => `{ kind: User, name: "${name}", apiGroup: rbac.authorization.k8s.io }`;

/** Deployment shop/<name> running as service account `account`; serviceAccountName is on line 9. */
export function deployment(account: string, name = "web"): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "  namespace: shop",
    "spec:",
    "  template:",
    "    spec:",
    `      serviceAccountName: ${account}`,
    "      containers:",
    "        - { name: api, image: ghcr.io/shop/api:1.0 }",
    "",
  ].join("\n");
}
