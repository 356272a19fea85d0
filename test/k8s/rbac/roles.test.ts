import { describe, expect, it } from "vitest";
import { resourceSet } from "../../../src/engine/resource-set.js";
import type { JsonObject, Resource } from "../../../src/engine/types.js";
import { isCovered } from "../../../src/k8s/rbac/grants.js";
import { collectorsOf, resolveRole } from "../../../src/k8s/rbac/roles.js";

const GROUP = "rbac.authorization.k8s.io";

/** An RBAC object without the parser: only identity and object matter to role resolution. */
function rbac(kind: string, name: string, fields: JsonObject, namespace = ""): Resource {
  return {
    identity: { apiVersion: `${GROUP}/v1`, group: GROUP, kind, namespace, name },
    key: `${GROUP}/${kind}/${namespace}/${name}`,
    object: { apiVersion: `${GROUP}/v1`, kind, metadata: { name }, ...fields },
    file: "rbac.yaml",
    side: "head",
    line: 1,
    locate: () => 1,
  };
}

const labelled = (labels: Record<string, string>) => ({ metadata: { labels } }) as JsonObject;
const rules = (resource: string, verb: string) => ({
  rules: [{ apiGroups: [""], resources: [resource], verbs: [verb] }],
});
const can = (set: Resource[], role: string, resource: string, verb: string) => {
  const resolved = resolveRole(resourceSet(set), { kind: "ClusterRole", name: role }, "");
  const grant = {
    type: "resource",
    apiGroup: "",
    resource,
    verb,
    rule: 0,
    resourceIndex: 0,
    verbIndex: 0,
  } as const;
  return resolved.rules !== undefined && isCovered(grant, resolved.rules);
};

describe("resolveRole", () => {
  it("knows the built-in roles: cluster-admin can do anything, view cannot read secrets, edit can", () => {
    expect(can([], "cluster-admin", "secrets", "delete")).toBe(true);
    expect(can([], "view", "pods", "list")).toBe(true);
    expect(can([], "view", "secrets", "get")).toBe(false);
    expect(can([], "edit", "secrets", "get")).toBe(true);
    expect(can([], "admin", "pods/exec", "create")).toBe(true);
  });

  it("adds to view, edit and admin what is labelled for view; to edit and admin only what is labelled for edit", () => {
    const toView = rbac("ClusterRole", "widgets", {
      ...rules("widgets", "get"),
      metadata: { name: "widgets", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
    });
    const toEdit = rbac("ClusterRole", "gadgets", {
      ...rules("gadgets", "delete"),
      metadata: { name: "gadgets", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
    });
    for (const role of ["view", "edit", "admin"])
      expect(can([toView, toEdit], role, "widgets", "get")).toBe(true);
    expect(can([toView, toEdit], "view", "gadgets", "delete")).toBe(false);
    expect(can([toView, toEdit], "admin", "gadgets", "delete")).toBe(true);
  });

  it("follows aggregation to any depth and survives a cycle", () => {
    const a = rbac("ClusterRole", "a", {
      ...labelled({ y: "1" }),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "1" } }] },
    });
    const b = rbac("ClusterRole", "b", {
      ...labelled({ x: "1" }),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { y: "1" } }] },
    });
    const leaf = rbac("ClusterRole", "leaf", { ...rules("configmaps", "get"), ...labelled({ x: "1" }) });
    expect(can([a, b, leaf], "a", "configmaps", "get")).toBe(true);
    expect(can([a, b, leaf], "b", "configmaps", "get")).toBe(true);
  });

  it("ignores the rules written in an aggregating role (the controller replaces them)", () => {
    const aggregating = rbac("ClusterRole", "agg", {
      ...rules("secrets", "get"),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "1" } }] },
    });
    expect(can([aggregating], "agg", "secrets", "get")).toBe(false);
  });

  it("knows nothing of a role that is neither defined nor built in, nor of a Role of another namespace", () => {
    expect(resolveRole(resourceSet([]), { kind: "ClusterRole", name: "vendor" }, "").rules).toBeUndefined();
    const role = rbac("Role", "reader", rules("pods", "get"), "shop");
    expect(resolveRole(resourceSet([role]), { kind: "Role", name: "reader" }, "shop").rules).toHaveLength(1);
    expect(resolveRole(resourceSet([role]), { kind: "Role", name: "reader" }, "other").rules).toBeUndefined();
  });
});

describe("collectorsOf", () => {
  it("names the repository's aggregating roles and the built-in ones a label feeds", () => {
    const agg = rbac("ClusterRole", "monitoring", {
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/monitoring": "true" } }] },
    });
    const labels = {
      "example.com/monitoring": "true",
      "rbac.authorization.k8s.io/aggregate-to-edit": "true",
    };
    expect(collectorsOf(resourceSet([agg]), labels).map((c) => c.name)).toEqual([
      "monitoring",
      "edit",
      "admin",
    ]);
    expect(collectorsOf(resourceSet([agg]), {})).toEqual([]);
  });
});
