import { describe, expect, it } from "vitest";
import { apiGroupOf, customScopesOf, identityKey, identityOf } from "../../src/engine/identity.js";
import type { JsonObject } from "../../src/engine/types.js";

describe("identityOf", () => {
  const cases: { name: string; object: JsonObject; key: string }[] = [
    {
      name: "namespaced kind without namespace lands in default",
      object: { apiVersion: "v1", kind: "Service", metadata: { name: "web" } },
      key: "/Service/default/web",
    },
    {
      name: "cluster-scoped kind ignores a written namespace",
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "ops", namespace: "x" },
      },
      key: "rbac.authorization.k8s.io/ClusterRole//ops",
    },
    {
      name: "extensions/v1beta1 Deployment is the same object as apps/v1",
      object: {
        apiVersion: "extensions/v1beta1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop" },
      },
      key: "apps/Deployment/shop/web",
    },
    {
      name: "extensions Ingress moved to networking.k8s.io",
      object: { apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "web" } },
      key: "networking.k8s.io/Ingress/default/web",
    },
    {
      name: "generateName pairs by prefix",
      object: { apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "migrate-" } },
      key: "batch/Job/default/migrate-*",
    },
  ];
  for (const { name, object, key } of cases) {
    it(name, () => {
      const id = identityOf(object);
      expect("problem" in id).toBe(false);
      if (!("problem" in id)) expect(identityKey(id)).toBe(key);
    });
  }

  it("explains objects without identity", () => {
    expect(identityOf({ replicaCount: 1 })).toEqual({ problem: "no apiVersion/kind" });
    expect(identityOf({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" })).toEqual({
      problem: "Kustomization is kustomize configuration, not a cluster object",
    });
    expect(identityOf({ apiVersion: "v1", kind: "Pod", metadata: {} })).toEqual({
      problem: "Pod without metadata.name",
    });
    expect(identityOf({ apiVersion: "v1", kind: "Pod", metadata: "oops" })).toEqual({
      problem: "Pod without metadata.name",
    });
    expect(identityOf({ apiVersion: 1, kind: "Pod" } as JsonObject)).toEqual({
      problem: "no apiVersion/kind",
    });
  });

  it("reads the scope of custom kinds from their CRDs", () => {
    const crd: JsonObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "clusterthings.example.com" },
      spec: { group: "example.com", scope: "Cluster", names: { kind: "ClusterThing" } },
    };
    const scopes = customScopesOf([crd]);
    const id = identityOf(
      { apiVersion: "example.com/v1", kind: "ClusterThing", metadata: { name: "a", namespace: "n" } },
      scopes,
    );
    expect(!("problem" in id) && id.namespace).toBe("");
    const other = identityOf(
      { apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "a" } },
      scopes,
    );
    expect(!("problem" in other) && other.namespace).toBe("default");
  });

  it("splits apiVersion into group", () => {
    expect(apiGroupOf("v1")).toBe("");
    expect(apiGroupOf("apps/v1")).toBe("apps");
  });
});
