import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { valueAt } from "../../src/engine/json.js";
import { resourceSet } from "../../src/engine/resource-set.js";
import type { ResourceSet, RuleContext } from "../../src/engine/rule.js";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { containerPairs, containersOf, pairContainers } from "../../src/k8s/containers.js";
import { podLabelsOf, podSpecOf } from "../../src/k8s/pods.js";
import { controlPlaneTolerationRule } from "../../src/rules/control-plane-toleration.js";
import { imageRegistryRule } from "../../src/rules/image-registry.js";
import { RULES } from "../../src/rules/index.js";
import { livenessProbeMissingRule } from "../../src/rules/liveness-probe-missing.js";
import { networkPolicyMissingRule } from "../../src/rules/network-policy-missing.js";
import { readinessProbeMissingRule } from "../../src/rules/readiness-probe-missing.js";
import { resourcesMissingRule } from "../../src/rules/resources-missing.js";
import { serviceAccountChangedRule } from "../../src/rules/service-account-changed.js";
import { fakeResource } from "../rules/pod-fixtures.js";
import { runRule } from "../rules/tester.js";

const pod = { containers: [{ name: "api", image: "nginx" }] };

describe("podSpecOf", () => {
  const cases: { kind: string; group: string; object: JsonObject; path: (string | number)[] }[] = [
    { kind: "Pod", group: "", object: { spec: pod }, path: ["spec"] },
    {
      kind: "Deployment",
      group: "apps",
      object: { spec: { template: { spec: pod } } },
      path: ["spec", "template", "spec"],
    },
    {
      kind: "StatefulSet",
      group: "apps",
      object: { spec: { template: { spec: pod } } },
      path: ["spec", "template", "spec"],
    },
    {
      kind: "DaemonSet",
      group: "apps",
      object: { spec: { template: { spec: pod } } },
      path: ["spec", "template", "spec"],
    },
    {
      kind: "ReplicaSet",
      group: "apps",
      object: { spec: { template: { spec: pod } } },
      path: ["spec", "template", "spec"],
    },
    {
      kind: "ReplicationController",
      group: "",
      object: { spec: { template: { spec: pod } } },
      path: ["spec", "template", "spec"],
    },
    {
      kind: "Job",
      group: "batch",
      object: { spec: { template: { spec: pod } } },
      path: ["spec", "template", "spec"],
    },
    {
      kind: "CronJob",
      group: "batch",
      object: { spec: { jobTemplate: { spec: { template: { spec: pod } } } } },
      path: ["spec", "jobTemplate", "spec", "template", "spec"],
    },
    { kind: "PodTemplate", group: "", object: { template: { spec: pod } }, path: ["template", "spec"] },
  ];
  it.each(cases)("finds the pod spec of a $kind", ({ kind, group, object, path }) => {
    expect(podSpecOf(fakeResource(object, kind, group))).toEqual({ spec: pod, path });
  });

  it("ignores kinds without pods, custom kinds with a workload's name, and garbage specs", () => {
    expect(podSpecOf(fakeResource({ spec: pod }, "Service", ""))).toBeUndefined();
    expect(
      podSpecOf(fakeResource({ spec: { template: { spec: pod } } }, "Job", "batch.volcano.sh")),
    ).toBeUndefined();
    expect(podSpecOf(fakeResource({ spec: null }))).toBeUndefined();
    expect(podSpecOf(fakeResource({ spec: { template: { spec: [pod] } } }))).toBeUndefined();
    expect(podSpecOf(fakeResource({ spec: { template: "oops" } }))).toBeUndefined();
    expect(podSpecOf(undefined)).toBeUndefined();
  });
});

describe("podLabelsOf", () => {
  it("reads template labels, a Pod's own labels, and scalars as text", () => {
    const deployment = fakeResource({
      spec: { template: { metadata: { labels: { app: "web", v: 2, on: true } } } },
    });
    expect(podLabelsOf(deployment)).toEqual({
      labels: { app: "web", v: "2", on: "true" },
      path: ["spec", "template", "metadata", "labels"],
    });
    const bare = fakeResource({ metadata: { labels: { app: "db" } } }, "Pod", "");
    expect(podLabelsOf(bare)).toEqual({ labels: { app: "db" }, path: ["metadata", "labels"] });
  });

  it("drops non-scalar values and reads garbage as no labels", () => {
    const odd = fakeResource({
      spec: { template: { metadata: { labels: { a: { b: 1 }, c: null, d: "x" } } } },
    });
    expect(podLabelsOf(odd)?.labels).toEqual({ d: "x" });
    expect(podLabelsOf(fakeResource({ spec: { template: { metadata: "oops" } } }))?.labels).toEqual({});
    expect(podLabelsOf(fakeResource({ spec: 5 }))?.labels).toEqual({});
    expect(podLabelsOf(fakeResource({}, "ConfigMap", ""))).toBeUndefined();
  });
});

describe("containersOf", () => {
  it("lists the requested lists with their paths; nameless containers get their index", () => {
    const spec: JsonObject = {
      initContainers: [{ name: "init" }],
      containers: [{ name: "api" }, "garbage", { image: "x" }, { name: "" }],
      ephemeralContainers: [{ name: "debug" }],
    };
    const found = containersOf(spec, ["spec"]);
    expect(found.map(({ name, list, path }) => ({ name, list, path }))).toEqual([
      { name: "api", list: "containers", path: ["spec", "containers", 0] },
      { name: "#2", list: "containers", path: ["spec", "containers", 2] },
      { name: "#3", list: "containers", path: ["spec", "containers", 3] },
      { name: "init", list: "initContainers", path: ["spec", "initContainers", 0] },
      { name: "debug", list: "ephemeralContainers", path: ["spec", "ephemeralContainers", 0] },
    ]);
    expect(containersOf(spec, [], ["initContainers"]).map((c) => c.name)).toEqual(["init"]);
  });

  it("reads garbage as no containers", () => {
    expect(containersOf({ containers: "oops" } as JsonObject, [])).toEqual([]);
    expect(containersOf({ containers: { name: "api" } } as JsonObject, [])).toEqual([]);
    expect(containersOf(undefined, [])).toEqual([]);
    expect(containersOf(null as unknown as JsonObject, [])).toEqual([]);
  });
});

describe("pairContainers", () => {
  const refs = (spec: JsonObject) => containersOf(spec, []);
  const names = (pairs: ReturnType<typeof pairContainers>) =>
    pairs.map((p) => [p.before?.path.join(".") ?? "-", p.after?.path.join(".") ?? "-"]);

  it("pairs by list and name, so a reorder pairs every container with itself", () => {
    const before = refs({ containers: [{ name: "a" }, { name: "b" }] });
    const after = refs({ containers: [{ name: "b" }, { name: "a" }] });
    expect(names(pairContainers(before, after))).toEqual([
      ["containers.1", "containers.0"],
      ["containers.0", "containers.1"],
    ]);
  });

  it("pairs a single renamed container that keeps its image (any tag), and nothing else", () => {
    const before = refs({
      containers: [
        { name: "web", image: "nginx:1.25" },
        { name: "log", image: "fluent-bit:2" },
      ],
    });
    const renamed = refs({
      containers: [
        { name: "http", image: "nginx:1.27" },
        { name: "log", image: "fluent-bit:2" },
      ],
    });
    expect(names(pairContainers(before, renamed))).toEqual([
      ["containers.0", "containers.0"],
      ["containers.1", "containers.1"],
    ]);
    const swapped = refs({
      containers: [
        { name: "miner", image: "evil/miner:1" },
        { name: "log", image: "fluent-bit:2" },
      ],
    });
    expect(names(pairContainers(before, swapped))).toEqual([
      ["-", "containers.0"],
      ["containers.1", "containers.1"],
      ["containers.0", "-"],
    ]);
    const two = refs({
      containers: [
        { name: "a", image: "nginx:1" },
        { name: "b", image: "fluent-bit:2" },
      ],
    });
    expect(names(pairContainers(before, two)).filter(([b, a]) => b !== "-" && a !== "-")).toEqual([]);
  });

  it("keeps lists apart and reports additions and removals", () => {
    const before = refs({ initContainers: [{ name: "a" }], containers: [{ name: "gone" }] });
    const after = refs({ containers: [{ name: "a" }] });
    expect(names(pairContainers(before, after))).toEqual([
      ["-", "containers.0"],
      ["containers.0", "-"],
      ["initContainers.0", "-"],
    ]);
  });

  it("pairs duplicate names in order of appearance", () => {
    const before = refs({
      containers: [
        { name: "a", image: "1" },
        { name: "a", image: "2" },
      ],
    });
    const after = refs({ containers: [{ name: "a", image: "3" }] });
    expect(names(pairContainers(before, after))).toEqual([
      ["containers.0", "containers.0"],
      ["containers.1", "-"],
    ]);
  });

  it("pairs the containers of a change; a side without a pod spec has none", () => {
    const after = fakeResource({ spec: { template: { spec: { containers: [{ name: "a" }] } } } });
    const before = fakeResource({ spec: null });
    expect(containerPairs({ before, after }).map((p) => [p.before?.name, p.after?.name])).toEqual([
      [undefined, "a"],
    ]);
  });
});

describe("valueAt", () => {
  it("walks objects and lists, and stops at anything else", () => {
    const root: Json = { a: [{ b: 1 }], c: "x" };
    expect(valueAt(root, ["a", 0, "b"])).toBe(1);
    expect(valueAt(root, ["a", "0"])).toBeUndefined();
    expect(valueAt(root, ["c", "d"])).toBeUndefined();
    expect(valueAt(root, ["toString"])).toBeUndefined();
  });
});

describe("every rule", () => {
  // All registered rules, so a new rule is held to the same garbage-in standard.
  const rules = RULES;

  it.each(rules.map((rule) => ({ id: rule.id, rule })))("$id: the documented example fires", ({ rule }) => {
    const example = rule.example;
    expect(example).toBeDefined();
    expect(runRule(rule, example?.before, example?.after ?? "").length).toBeGreaterThan(0);
  });

  // Through the real engine: a rule that throws becomes an input error, and runRule throws on those.
  const garbage = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    metadata: { labels: [1, 2] }
    spec:
      containers: "oops"
      initContainers: [null, 5, { name: 7, image: [x], resources: lots }]
      ephemeralContainers: { name: debug }
      tolerations: 5
      serviceAccountName: { a: 1 }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec: null
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec: { jobTemplate: { spec: { template: 5 } } }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop, labels: oops }
spec: { containers: [{ name: shell, image: "", readinessProbe: yes }], tolerations: [5, null, { operator: 7 }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: broken, namespace: shop }
spec: { podSelector: { matchLabels: 5, matchExpressions: oops } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: odd, namespace: shop }
spec: 5
`;
  const sane = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers: [{ name: api, image: nginx, readinessProbe: { exec: { command: [true] } } }]
      tolerations: [{ operator: Exists }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: odd, namespace: shop }
spec: { podSelector: {} }
`;
  it.each(rules.map((rule) => ({ id: rule.id, rule })))(
    "$id: malformed manifests never throw",
    ({ rule }) => {
      const params = { allowedRegistries: ["gcr.io"] };
      for (const [base, head] of [
        [undefined, garbage],
        [sane, garbage],
        [garbage, sane],
        [garbage, undefined],
      ]) {
        expect(() => runRule(rule, base, head, { params })).not.toThrow();
        expect(() => runRule(rule, base, head, { fullState: true })).not.toThrow();
      }
    },
  );
});

describe("malformed input never throws", () => {
  const rules = [
    readinessProbeMissingRule,
    livenessProbeMissingRule,
    resourcesMissingRule,
    imageRegistryRule,
    serviceAccountChangedRule,
    controlPlaneTolerationRule,
    networkPolicyMissingRule,
  ];
  const emptySet: ResourceSet = resourceSet([]);
  const context = (params: RuleContext["params"] = {}): RuleContext => ({
    params,
    base: emptySet,
    head: emptySet,
    fullState: false,
  });
  const garbage: JsonObject[] = [
    { spec: null },
    { spec: "oops" },
    { spec: { template: { spec: { containers: "oops", initContainers: 5, tolerations: 5 } } } },
    {
      spec: {
        template: { spec: { containers: [null, 5, "x", [], { name: 7, image: 8, resources: "lots" }] } },
      },
    },
    {
      spec: {
        template: {
          metadata: { labels: [1] },
          spec: {
            containers: [
              { name: "api", readinessProbe: "yes", livenessProbe: null, resources: { limits: 5 } },
            ],
            tolerations: [null, "x", { key: ["a"], operator: 5 }],
            serviceAccountName: 5,
            serviceAccount: { a: 1 },
          },
        },
      },
    },
  ];

  it.each(garbage.map((object) => ({ object })))("survives $object", ({ object }) => {
    const bad = fakeResource(object);
    const good = fakeResource({
      spec: { template: { spec: { containers: [{ name: "api", image: "nginx" }] } } },
    });
    for (const rule of rules) {
      for (const change of [{ after: bad }, { before: good, after: bad }, { before: bad, after: good }]) {
        expect(() => rule.check(change, context())).not.toThrow();
        expect(() =>
          rule.check(change, context({ allowedRegistries: ["gcr.io"], required: ["cpu", "."] })),
        ).not.toThrow();
      }
    }
  });

  it("survives arbitrary JSON anywhere in a workload", () => {
    const json = fc.jsonValue() as fc.Arbitrary<Json>;
    const some = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { requiredKeys: [] });
    const container = fc.oneof(
      json,
      some({ name: json, image: json, resources: json, readinessProbe: json }),
    );
    const list = (item: fc.Arbitrary<Json>) => fc.oneof(json, fc.array(item, { maxLength: 3 }));
    const spec = some({
      containers: list(container),
      initContainers: list(container),
      tolerations: list(fc.oneof(json, some({ key: json, operator: json, effect: json }))),
      serviceAccountName: json,
      serviceAccount: json,
    });
    const shape = fc.record({
      spec: fc.oneof(
        json,
        fc.record({ template: fc.oneof(json, some({ metadata: json, spec: fc.oneof(json, spec) })) }),
      ),
    });
    fc.assert(
      fc.property(shape, shape, (before, after) => {
        const change = {
          before: fakeResource(before as JsonObject),
          after: fakeResource(after as JsonObject),
        };
        for (const rule of rules) rule.check(change, context({ allowedRegistries: ["*.gcr.io"] }));
      }),
      { numRuns: 300 },
    );
  });
});
