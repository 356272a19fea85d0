// Pod spec line i is file line 10 + i (see pod-fixtures): a pod-level field written first is on
// line 11. The ServiceAccount's field is on line 6 of its document; `withAccount` puts the account
// after the workload, so the workload's lines do not move.

import { describe, expect, it } from "vitest";
import { resourceSet } from "../../src/engine/resource-set.js";
import type { JsonObject } from "../../src/engine/types.js";
import { automountServiceAccountTokenRule } from "../../src/rules/automount-service-account-token.js";
import { type Case, fakeResource, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const rule = automountServiceAccountTokenRule;

const CONTAINERS = ["containers:", "  - name: api", "    image: ghcr.io/shop/api:1.4.2"];

/** A Deployment shop/web; `value` is written as is (undefined: the field is left out). */
const deploy = (value?: string, extra: string[] = []) =>
  workload([
    ...(value === undefined ? [] : [`automountServiceAccountToken: ${value}`]),
    ...extra,
    ...CONTAINERS,
  ]);

const serviceAccount = (value?: string, labels = false, name = "web") =>
  [
    "apiVersion: v1",
    "kind: ServiceAccount",
    "metadata:",
    `  name: ${name}`,
    "  namespace: shop",
    ...(labels ? ["  labels: { team: shop }"] : []),
    ...(value === undefined ? [] : [`automountServiceAccountToken: ${value}`]),
    "",
  ].join("\n");

const pod = (value?: string) =>
  [
    "apiVersion: v1",
    "kind: Pod",
    "metadata: { name: debug, namespace: shop }",
    "spec:",
    ...(value === undefined ? [] : [`  automountServiceAccountToken: ${value}`]),
    "  containers: [{ name: shell, image: busybox:1.36 }]",
    "",
  ].join("\n");

/** A manifest followed by a ServiceAccount document in the same file. */
const withAccount = (manifest: string, account: string) => `${manifest}---\n${account}`;

const cases: Case[] = [
  {
    name: "a workload's explicit false turned true",
    base: deploy("false"),
    head: deploy("true"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "a workload newly sets true, overriding its ServiceAccount's opt-out",
    base: withAccount(deploy(undefined, ["serviceAccountName: web"]), serviceAccount("false")),
    head: withAccount(deploy("true", ["serviceAccountName: web"]), serviceAccount("false")),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "a workload moves to an account that does not opt out, pointing at its serviceAccountName",
    base: withAccount(
      deploy(undefined, ["serviceAccountName: locked"]),
      serviceAccount("false", false, "locked"),
    ),
    head: withAccount(
      deploy(undefined, ["serviceAccountName: web"]),
      serviceAccount("false", false, "locked"),
    ),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "the default ServiceAccount stops opting out: the pod spec, which names no account",
    base: withAccount(deploy(), serviceAccount("false", false, "default")),
    head: withAccount(deploy(undefined, ["hostname: web"]), serviceAccount(undefined, false, "default")),
    expected: [
      { line: 10, side: "head", severity: "medium" },
      { line: 20, side: "base", severity: "medium" },
    ],
  },
  {
    name: "a workload's explicit false removed, pointing at the base",
    base: deploy("false", ["serviceAccountName: web"]),
    head: deploy(undefined, ["serviceAccountName: web"]),
    expected: [{ line: 11, side: "base", severity: "medium" }],
  },
  {
    name: "YAML 1.1 spellings: no becomes yes",
    base: deploy("no"),
    head: deploy("yes"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "a false replaced by a value that is no boolean, pointing at that value",
    base: deploy("false"),
    head: deploy('"false"'),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "a new workload that sets true against its ServiceAccount's false",
    head: withAccount(deploy("true"), serviceAccount("false", false, "default")),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "a Pod's false turned true",
    base: pod("false"),
    head: pod("true"),
    expected: [{ line: 5, side: "head", severity: "medium" }],
  },
  {
    name: "a Pod's false removed",
    base: pod("false"),
    head: pod(),
    expected: [{ line: 5, side: "base", severity: "medium" }],
  },
  {
    name: "a CronJob newly sets true against the default account's false",
    base: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{ name: job, image: ghcr.io/shop/job:3 }]
---
${serviceAccount("false", false, "default")}`,
    head: `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          automountServiceAccountToken: true
          containers: [{ name: job, image: ghcr.io/shop/job:3 }]
---
${serviceAccount("false", false, "default")}`,
    expected: [{ line: 9, side: "head", severity: "medium" }],
  },
  {
    name: "a ServiceAccount's false turned true",
    base: serviceAccount("false"),
    head: serviceAccount("true"),
    expected: [{ line: 6, side: "head", severity: "medium" }],
  },
  {
    name: "a ServiceAccount's false removed",
    base: serviceAccount("false"),
    head: serviceAccount(undefined, true),
    expected: [{ line: 6, side: "base", severity: "medium" }],
  },
  {
    name: "full-state mode reports an explicit true",
    base: deploy("true"),
    head: deploy("true", ["serviceAccountName: web"]),
    fullState: true,
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  // Silent.
  {
    name: "a workload newly sets true while nothing sets false",
    base: deploy(),
    head: deploy("true"),
    expected: [],
  },
  {
    name: "a workload newly sets true while its ServiceAccount sets true",
    base: withAccount(deploy(undefined, ["serviceAccountName: web"]), serviceAccount("true")),
    head: withAccount(deploy("true", ["serviceAccountName: web"]), serviceAccount("true")),
    expected: [],
  },
  { name: "a new workload that sets true while nothing sets false", head: deploy("true"), expected: [] },
  {
    name: "a new workload that sets true while its ServiceAccount sets true",
    head: withAccount(deploy("true", ["serviceAccountName: web"]), serviceAccount("true")),
    expected: [],
  },
  {
    name: "a false moved from the pod template to its ServiceAccount",
    base: withAccount(deploy("false", ["serviceAccountName: web"]), serviceAccount()),
    head: withAccount(deploy(undefined, ["serviceAccountName: web"]), serviceAccount("false")),
    expected: [],
  },
  {
    name: "a false moved from the pod template to the default ServiceAccount",
    base: deploy("false"),
    head: withAccount(deploy(), serviceAccount("false", false, "default")),
    expected: [],
  },
  {
    name: "a ServiceAccount newly sets true",
    base: serviceAccount(),
    head: serviceAccount("true"),
    expected: [],
  },
  { name: "a new workload that leaves the field unset", head: deploy(), expected: [] },
  { name: "a new workload that sets false", head: deploy("false"), expected: [] },
  { name: "a new ServiceAccount that leaves the field unset", head: serviceAccount(), expected: [] },
  { name: "a new ServiceAccount that sets false", head: serviceAccount("false"), expected: [] },
  { name: "a workload that turns true off", base: deploy("true"), head: deploy("false"), expected: [] },
  { name: "a workload that adds false", base: deploy(), head: deploy("false"), expected: [] },
  { name: "a workload that drops an explicit true", base: deploy("true"), head: deploy(), expected: [] },
  {
    name: "an unrelated edit on a workload that sets true",
    base: deploy("true"),
    head: deploy("true", ["serviceAccountName: web"]),
    expected: [],
  },
  {
    name: "an unrelated edit on a workload that leaves it unset",
    base: deploy(),
    head: deploy(undefined, ["serviceAccountName: web"]),
    expected: [],
  },
  {
    name: "a false respelled (YAML 1.1 off) and moved within the pod spec",
    base: deploy("false"),
    head: workload([...CONTAINERS, "automountServiceAccountToken: off"]),
    expected: [],
  },
  {
    name: "a workload that sets true moved to another file",
    base: { "a.yaml": deploy("true") },
    head: { "apps/b.yaml": deploy("true") },
    expected: [],
  },
  {
    name: "a ServiceAccount that sets true, relabelled",
    base: serviceAccount("true"),
    head: serviceAccount("true", true),
    expected: [],
  },
  {
    name: "a ServiceAccount that turns true off",
    base: serviceAccount("true"),
    head: serviceAccount("false"),
    expected: [],
  },
  { name: "a workload that sets true removed", base: deploy("true"), expected: [] },
  { name: "a ServiceAccount with false removed", base: serviceAccount("false"), expected: [] },
  {
    name: "a custom resource called ServiceAccount",
    base: serviceAccount("false").replace("apiVersion: v1", "apiVersion: example.com/v1"),
    head: serviceAccount("true").replace("apiVersion: v1", "apiVersion: example.com/v1"),
    expected: [],
  },
  {
    name: "a value that is no boolean is no opt-in",
    base: deploy(),
    head: deploy('"true"'),
    expected: [],
  },
];

describe("automount-service-account-token", () => {
  table(rule, cases);

  it("says what changed, why it matters and how to fix it", () => {
    const [on] = runRule(rule, deploy("false"), deploy("true"));
    expect(on.message).toBe(
      "Deployment shop/web switches automountServiceAccountToken from false to true: its pods get a Kubernetes " +
        "API token mounted, even when their ServiceAccount opts out; a compromised container can then call the " +
        "API server with the account's permissions. Set automountServiceAccountToken: false unless the workload " +
        "talks to the API server.",
    );
    const [removed] = runRule(rule, serviceAccount("false"), serviceAccount());
    expect(removed.message).toMatch(
      /^ServiceAccount shop\/web no longer sets automountServiceAccountToken: false \(absent means true\): every pod running as this ServiceAccount gets its API token mounted/,
    );
    const account = serviceAccount("false", false, "default");
    const [set] = runRule(rule, withAccount(deploy(), account), withAccount(deploy("true"), account));
    expect(set.message).toMatch(
      /^Deployment shop\/web sets automountServiceAccountToken to true, overriding its ServiceAccount's false: /,
    );
  });

  it("keeps one fingerprint for turning it on, whichever way, and across moves", () => {
    const fp = (base: string | undefined, head: string, file = "manifest.yaml") =>
      runRule(rule, base, { [file]: head })[0].fingerprint;
    const account = serviceAccount("false", false, "default");
    expect(fp(deploy("false"), deploy("true"))).toBe(
      fp(undefined, withAccount(deploy("true"), account), "x/y.yaml"),
    );
    expect(fp(deploy("false"), deploy())).toBe(
      fp(withAccount(deploy(), account), withAccount(deploy("true"), account)),
    );
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });

  it("never throws on malformed input", () => {
    const garbage = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template: { spec: [automountServiceAccountToken, true] }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
automountServiceAccountToken: { a: 1 }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec: null
`;
    for (const [base, head] of [
      [undefined, garbage],
      [garbage, garbage.replace("{ a: 1 }", "[1]")],
      [garbage, undefined],
    ]) {
      expect(runRule(rule, base, head)).toEqual([]);
      expect(() => runRule(rule, base, head, { fullState: true })).not.toThrow();
    }
    const objects: JsonObject[] = [
      { spec: null },
      { spec: { template: { spec: "oops" } } },
      { spec: { template: { spec: { automountServiceAccountToken: null } } } },
    ];
    const context = { params: {}, base: resourceSet([]), head: resourceSet([]), fullState: false };
    const falseBefore = fakeResource({
      spec: { template: { spec: { automountServiceAccountToken: false } } },
    });
    for (const object of objects) {
      expect(rule.check({ after: fakeResource(object) }, context)).toEqual([]);
      expect(() => rule.check({ before: falseBefore, after: fakeResource(object) }, context)).not.toThrow();
    }
  });
});
