// Workloads come from pod-fixtures: Deployment shop/web with its template labels on line 9.
// Policies below carry their podSelector on line 7.

import { describe, expect, it } from "vitest";
import { networkPolicyMissingRule } from "../../src/rules/network-policy-missing.js";
import { type Case, table, type WorkloadOptions, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const CONTAINERS = ["containers:", "  - name: api", "    image: ghcr.io/shop/api:1.0"];

const web = (options: WorkloadOptions = {}, image = "ghcr.io/shop/api:1.0") =>
  workload([...CONTAINERS.slice(0, 2), `    image: ${image}`], options);

/** A NetworkPolicy whose podSelector (line 7) is the given flow mapping. */
function policy(
  name: string,
  selector: string,
  namespace = "shop",
  apiVersion = "networking.k8s.io/v1",
): string {
  return `apiVersion: ${apiVersion}
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  podSelector: ${selector}
  policyTypes: [Ingress]
`;
}

const DENY_ALL = policy("default-deny", "{}");
const SELECT_WEB = policy("web", "{ matchLabels: { app: web } }");
const SELECT_DB = policy("db", "{ matchLabels: { app: db } }");

const newPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
  labels:
    app: debug
spec:
  containers:
    - name: shell
      image: busybox:1.36
`;

const UNLABELLED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bare
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.0
`;

const cases: Case[] = [
  {
    name: "new Deployment and no NetworkPolicy at all",
    head: web(),
    expected: [{ line: 9, side: "head", severity: "medium" }],
  },
  {
    name: "new Deployment; the only policy is in another namespace",
    head: { "app.yaml": web(), "netpol.yaml": policy("default-deny", "{}", "other") },
    expected: [{ line: 9, side: "head", severity: "medium", file: "app.yaml" }],
  },
  {
    name: "new Deployment; the policy selects other pods",
    head: { "app.yaml": web(), "netpol.yaml": SELECT_DB },
    expected: [{ line: 9, side: "head", severity: "medium", file: "app.yaml" }],
  },
  {
    name: "new Deployment; matchLabels AND matchExpressions exclude it",
    head: {
      "app.yaml": web(),
      "netpol.yaml": policy(
        "web",
        "{ matchLabels: { app: web }, matchExpressions: [{ key: tier, operator: Exists }] }",
      ),
    },
    expected: [{ line: 9, side: "head", severity: "medium", file: "app.yaml" }],
  },
  {
    name: "new Deployment; a malformed selector selects nothing",
    head: {
      "app.yaml": web(),
      "netpol.yaml": policy("web", "{ matchExpressions: [{ key: app, operator: In, values: [] }] }"),
    },
    expected: [{ line: 9, side: "head", severity: "medium", file: "app.yaml" }],
  },
  {
    name: "new Pod: points at its own labels",
    head: newPod,
    expected: [{ line: 6, side: "head", severity: "medium" }],
  },
  {
    name: "new Deployment without template labels: points at the template",
    head: UNLABELLED,
    expected: [{ line: 7, side: "head", severity: "medium" }],
  },
  {
    name: "labels changed so the policy no longer selects the pods",
    base: { "app.yaml": web(), "netpol.yaml": SELECT_WEB },
    head: { "app.yaml": web({ labels: "{ app: web-v2 }" }), "netpol.yaml": SELECT_WEB },
    expected: [{ line: 9, side: "head", severity: "medium", file: "app.yaml" }],
  },
  {
    name: "policy removed while the workload also changes",
    base: { "app.yaml": web(), "netpol.yaml": SELECT_WEB },
    head: { "app.yaml": web({}, "ghcr.io/shop/api:1.1") },
    expected: [{ line: 9, side: "head", severity: "medium", file: "app.yaml" }],
  },
  {
    name: "policy removed, workload unchanged: reported on the removed policy",
    base: { "app.yaml": web(), "netpol.yaml": SELECT_WEB },
    head: { "app.yaml": web() },
    expected: [{ line: 7, side: "base", severity: "medium", file: "netpol.yaml" }],
  },
  {
    name: "policy narrowed away from an unchanged workload: reported on the policy",
    base: { "app.yaml": web(), "netpol.yaml": DENY_ALL },
    head: { "app.yaml": web(), "netpol.yaml": policy("default-deny", "{ matchLabels: { app: db } }") },
    expected: [{ line: 7, side: "head", severity: "medium", file: "netpol.yaml" }],
  },
  {
    name: "two policies removed from an unchanged workload: one finding",
    base: { "app.yaml": web(), "deny.yaml": DENY_ALL, "web.yaml": SELECT_WEB },
    head: { "app.yaml": web() },
    expected: [{ line: 7, side: "base", severity: "medium", file: "deny.yaml" }],
  },
  {
    name: "full-state mode reports a pre-existing unselected workload",
    base: web(),
    head: web(),
    fullState: true,
    expected: [{ line: 9, side: "head", severity: "medium" }],
  },
  // Silent.
  {
    name: "new Deployment with a default-deny policy in the same file",
    head: `${web()}---\n${DENY_ALL}`,
    expected: [],
  },
  {
    name: "new Deployment selected by matchLabels",
    head: { "a.yaml": web(), "b.yaml": SELECT_WEB },
    expected: [],
  },
  {
    name: "new Deployment selected by matchExpressions",
    head: {
      "a.yaml": web({ labels: "{ app: web, tier: front }" }),
      "b.yaml": policy("front", "{ matchExpressions: [{ key: tier, operator: In, values: [front, edge] }] }"),
    },
    expected: [],
  },
  {
    name: "a policy without podSelector selects the whole namespace",
    head: `${web()}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
  namespace: shop
spec:
  policyTypes: [Ingress]
`,
    expected: [],
  },
  {
    name: "an extensions/v1beta1 NetworkPolicy counts",
    head: { "a.yaml": web(), "b.yaml": policy("old", "{}", "shop", "extensions/v1beta1") },
    expected: [],
  },
  {
    name: "quoted and unquoted label values",
    head: {
      "a.yaml": web({ labels: "{ app: web, version: 2 }" }),
      "b.yaml": policy("v2", '{ matchLabels: { version: "2" } }'),
    },
    expected: [],
  },
  {
    name: "pre-existing: a workload that was never selected changes its image",
    base: web(),
    head: web({}, "ghcr.io/shop/api:1.1"),
    expected: [],
  },
  {
    name: "labels changed but still selected",
    base: { "app.yaml": web(), "netpol.yaml": SELECT_WEB },
    head: { "app.yaml": web({ labels: "{ tier: front, app: web }" }), "netpol.yaml": SELECT_WEB },
    expected: [],
  },
  {
    name: "policy narrowed but still selects the workload",
    base: { "app.yaml": web(), "netpol.yaml": DENY_ALL },
    head: { "app.yaml": web(), "netpol.yaml": policy("default-deny", "{ matchLabels: { app: web } }") },
    expected: [],
  },
  {
    name: "one of two selecting policies removed",
    base: { "app.yaml": web(), "deny.yaml": DENY_ALL, "web.yaml": SELECT_WEB },
    head: { "app.yaml": web(), "web.yaml": SELECT_WEB },
    expected: [],
  },
  {
    name: "policy and workload both moved to other files",
    base: { "a.yaml": `${web()}---\n${SELECT_WEB}` },
    head: { "b.yaml": web(), "c.yaml": SELECT_WEB },
    expected: [],
  },
  { name: "new policy added", base: web(), head: `${web()}---\n${DENY_ALL}`, expected: [] },
  {
    name: "policy and workload both removed",
    base: { "app.yaml": web(), "netpol.yaml": SELECT_WEB },
    expected: [],
  },
  {
    name: "policy removed; the workload lives in another namespace",
    base: { "app.yaml": web({ namespace: "other" }), "netpol.yaml": DENY_ALL },
    head: { "app.yaml": web({ namespace: "other" }) },
    expected: [],
  },
  {
    name: "policy removed from a workload that another policy never selected",
    base: { "app.yaml": web(), "netpol.yaml": SELECT_DB },
    head: { "app.yaml": web() },
    expected: [],
  },
  { name: "whole workload removed", base: web(), expected: [] },
  {
    name: "a PodTemplate runs no pods",
    head: web({ kind: "PodTemplate" }).replace("spec:\n  template:", "template:"),
    expected: [],
  },
];

describe("network-policy-missing", () => {
  table(networkPolicyMissingRule, cases);

  it("says which pods, which namespace, why, and how to fix it", () => {
    const [added] = runRule(networkPolicyMissingRule, undefined, web());
    expect(added.message).toBe(
      "No NetworkPolicy in namespace shop selects the pods of new Deployment shop/web (labels app=web): they " +
        "accept traffic from anywhere in the cluster. Add a NetworkPolicy whose podSelector matches them.",
    );
    const [audit] = runRule(networkPolicyMissingRule, UNLABELLED, UNLABELLED, { fullState: true });
    expect(audit.message).toMatch(
      /^No NetworkPolicy in namespace shop selects the pods of Deployment shop\/bare \(no labels\): /,
    );
    const [removed] = runRule(
      networkPolicyMissingRule,
      { "a.yaml": web(), "b.yaml": SELECT_WEB },
      { "a.yaml": web() },
    );
    expect(removed.message).toBe(
      "Removing NetworkPolicy shop/web leaves the pods of Deployment shop/web (labels app=web) selected by no " +
        "NetworkPolicy: they now accept traffic from anywhere in the cluster. Keep a NetworkPolicy that selects them.",
    );
  });
});
