// network-policy-missing, part two: NetworkPolicy changes that open a direction to all traffic
// for pods that were restricted in it. Policies below have their spec on line 6, so the first
// body line is line 7. Workloads come from pod-fixtures (Deployment shop/web, labels app=web).

import { describe, expect, it } from "vitest";
import { networkPolicyMissingRule } from "../../src/rules/network-policy-missing.js";
import { type Case, table, type WorkloadOptions, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const web = (options: WorkloadOptions = {}) =>
  workload(["containers:", "  - name: api", "    image: ghcr.io/shop/api:1.0"], options);

/** A NetworkPolicy whose spec body (indented under `spec:`) starts on line 7. */
function netpol(name: string, body: string, namespace = "shop"): string {
  const spec = body
    .trim()
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec}
`;
}

const WEB = "podSelector: { matchLabels: { app: web } }";

// Ingress from the front end only: line 10 is the rule, line 11 its peer.
const FROM_FRONT = `${WEB}
policyTypes: [Ingress]
ingress:
  - from:
      - podSelector: { matchLabels: { app: front } }
    ports: [{ port: 8080 }]
`;

/** The same policy with its only ingress rule replaced (rule on line 10). */
const ingress = (rule: string) => `${WEB}\npolicyTypes: [Ingress]\ningress:\n${rule}`;

// Both directions; Egress declared on line 10, the egress rule on line 16.
const BOTH = `${WEB}
policyTypes:
  - Ingress
  - Egress
ingress:
  - from:
      - podSelector: { matchLabels: { app: front } }
egress:
  - to:
      - podSelector: { matchLabels: { app: db } }
`;

const DENY_ALL = netpol("default-deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]");
const DENY_EGRESS = netpol("deny-egress", "podSelector: {}\npolicyTypes:\n  - Egress");

const cases: Case[] = [
  {
    name: "an ingress rule `{}` replaces a restricted one",
    base: { "np.yaml": netpol("web", FROM_FRONT), "app.yaml": web() },
    head: { "np.yaml": netpol("web", ingress("  - {}")), "app.yaml": web() },
    expected: [{ line: 10, side: "head", severity: "medium", file: "np.yaml" }],
  },
  {
    name: "no workload in the repository: judged on the policy's own pods",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - {}")),
    expected: [{ line: 10, side: "head", severity: "medium" }],
  },
  {
    name: "the peers are dropped: points at the rule",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", FROM_FRONT.replace(/ {2}- from:\n.*\n {4}ports.*\n/, "  - ports: []\n")),
    expected: [{ line: 10, side: "head", severity: "medium" }],
  },
  {
    name: "`from: []` admits every peer: points at it",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - ports: []\n    from: []")),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "an ipBlock of every IPv4 address on every port: points at the peer",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - from:\n      - podSelector: {}\n      - ipBlock: { cidr: 0.0.0.0/0 }")),
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "an ipBlock of every IPv6 address",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - from:\n      - ipBlock: { cidr: '::/0', except: [] }")),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "every pod in every namespace",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - from:\n      - namespaceSelector: {}\n        podSelector: {}")),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "an egress rule `{}` replaces a restricted one",
    base: netpol("web", BOTH),
    head: netpol("web", `${BOTH.slice(0, BOTH.indexOf("egress:"))}egress:\n  - {}\n`),
    expected: [{ line: 15, side: "head", severity: "medium" }],
  },
  {
    name: "both directions opened: one finding each",
    base: netpol("web", BOTH),
    head: netpol("web", `${WEB}\npolicyTypes: [Ingress, Egress]\ningress: [{}]\negress: [{}]`),
    expected: [
      { line: 9, side: "head", severity: "medium" },
      { line: 10, side: "head", severity: "medium" },
    ],
  },
  {
    name: "Egress dropped from policyTypes: points at the removed base entry",
    base: netpol("web", BOTH),
    head: netpol("web", BOTH.replace("  - Egress\n", "")),
    expected: [{ line: 10, side: "base", severity: "medium" }],
  },
  {
    name: "flow-style policyTypes loses Egress",
    base: netpol("web", `${WEB}\npolicyTypes: [Ingress, Egress]`),
    head: netpol("web", `${WEB}\npolicyTypes: [Ingress]`),
    expected: [{ line: 8, side: "base", severity: "medium" }],
  },
  {
    name: "without policyTypes, `egress: []` stops governing egress: points at the base rules",
    base: netpol("web", `${WEB}\negress:\n  - to: [{ podSelector: { matchLabels: { app: db } } }]`),
    head: netpol("web", `${WEB}\negress: []`),
    expected: [{ line: 8, side: "base", severity: "medium" }],
  },
  {
    name: "implicit Egress replaced by policyTypes without it: points at the head's policyTypes",
    base: netpol("web", `${WEB}\negress:\n  - to: [{ podSelector: { matchLabels: { app: db } } }]`),
    head: netpol("web", `${WEB}\npolicyTypes: [Ingress]\negress:\n  - to: [{ podSelector: {} }]`),
    expected: [{ line: 8, side: "head", severity: "medium" }],
  },
  {
    name: "new allow-all policy for pods a default-deny restricted",
    base: { "app.yaml": web(), "deny.yaml": DENY_ALL },
    head: { "app.yaml": web(), "deny.yaml": DENY_ALL, "web.yaml": netpol("web", ingress("  - {}")) },
    expected: [{ line: 10, side: "head", severity: "medium", file: "web.yaml" }],
  },
  {
    name: "new allow-all policy, no workloads: judged on a pod its selector stands for",
    base: { "deny.yaml": DENY_ALL },
    head: { "deny.yaml": DENY_ALL, "web.yaml": netpol("web", ingress("  - {}")) },
    expected: [{ line: 10, side: "head", severity: "medium", file: "web.yaml" }],
  },
  {
    name: "new policy adds allow-all egress to an ingress-only one",
    base: { "app.yaml": web(), "deny.yaml": DENY_EGRESS },
    head: {
      "app.yaml": web(),
      "deny.yaml": DENY_EGRESS,
      "web.yaml": netpol(
        "web",
        `${WEB}\npolicyTypes: [Egress]\negress:\n  - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]`,
      ),
    },
    expected: [{ line: 10, side: "head", severity: "medium", file: "web.yaml" }],
  },
  {
    name: "removed egress policy while an ingress policy still selects the workload",
    base: { "app.yaml": web(), "deny.yaml": DENY_EGRESS, "web.yaml": netpol("web", FROM_FRONT) },
    head: { "app.yaml": web(), "web.yaml": netpol("web", FROM_FRONT) },
    expected: [{ line: 9, side: "base", severity: "medium", file: "deny.yaml" }],
  },
  {
    name: "egress policy narrowed away from a workload an ingress policy still selects",
    base: { "app.yaml": web(), "deny.yaml": DENY_EGRESS, "web.yaml": netpol("web", FROM_FRONT) },
    head: {
      "app.yaml": web(),
      "deny.yaml": DENY_EGRESS.replace("podSelector: {}", "podSelector: { matchLabels: { app: db } }"),
      "web.yaml": netpol("web", FROM_FRONT),
    },
    expected: [{ line: 7, side: "head", severity: "medium", file: "deny.yaml" }],
  },
  {
    name: "a null rule decodes to an empty one, which admits everything",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - ~")),
    expected: [{ line: 10, side: "head", severity: "medium" }],
  },
  // Silent.
  {
    name: "shapes the API server rejects open nothing and break nothing",
    base: netpol("web", FROM_FRONT),
    head: netpol(
      "web",
      `${WEB}\npolicyTypes: [Ingress, ingress, 7]\ningress:\n  - 42\n  - ports: oops\n  - from: { ipBlock: {} }\n` +
        "  - from: [7, { ipBlock: { cidr: 7 } }, { ipBlock: { cidr: 0.0.0.0/0, except: oops } }, { namespaceSelector: [] }]",
    ),
    expected: [],
  },
  {
    name: "rules and peers reordered",
    base: netpol(
      "web",
      ingress(
        "  - from: [{ podSelector: {} }, { ipBlock: { cidr: 10.0.0.0/8 } }]\n  - ports: [{ port: 53 }]",
      ),
    ),
    head: netpol(
      "web",
      ingress(
        "  - ports: [{ port: 53 }]\n  - from: [{ ipBlock: { cidr: 10.0.0.0/8 } }, { podSelector: {} }]",
      ),
    ),
    expected: [],
  },
  {
    name: "a narrower rule added",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", `${FROM_FRONT}  - ports: [{ port: 9090 }]\n`),
    expected: [],
  },
  {
    name: "a policy that already allowed all changes its labels",
    base: netpol("web", ingress("  - {}")),
    head: netpol("web", ingress("  - {}")).replace("metadata:\n", "metadata:\n  labels: { team: shop }\n"),
    expected: [],
  },
  {
    name: "`ingress: []` denies all: the opposite of opening",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", `${WEB}\npolicyTypes: [Ingress]\ningress: []`),
    expected: [],
  },
  {
    name: "policyTypes reordered",
    base: netpol("web", BOTH),
    head: netpol("web", BOTH.replace("  - Ingress\n  - Egress", "  - Egress\n  - Ingress")),
    expected: [],
  },
  { name: "a new default-deny policy", base: web(), head: `${web()}---\n${DENY_ALL}`, expected: [] },
  {
    name: "unrelated metadata edits",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", FROM_FRONT).replace("metadata:\n", "metadata:\n  annotations: { owner: shop }\n"),
    expected: [],
  },
  {
    name: "every peer, but on one port",
    base: netpol("web", FROM_FRONT),
    head: netpol("web", ingress("  - ports: [{ port: 443 }]")),
    expected: [],
  },
  {
    name: "every address but some, or a private range, or every pod of one namespace",
    base: netpol("web", FROM_FRONT),
    head: netpol(
      "web",
      ingress(
        "  - from:\n      - ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8] }\n      - ipBlock: { cidr: 10.0.0.0/8 }\n" +
          "      - podSelector: {}\n      - namespaceSelector: {}\n        podSelector: { matchLabels: { app: front } }",
      ),
    ),
    expected: [],
  },
  {
    name: "without policyTypes, `egress: []` never governed egress",
    base: netpol("web", `${WEB}\negress: []\ningress: [{ from: [{ podSelector: {} }] }]`),
    head: netpol("web", `${WEB}\ningress: [{ from: [{ podSelector: {} }] }]`),
    expected: [],
  },
  {
    name: "new allow-all policy; nothing restricted the pods before",
    base: web(),
    head: { "manifest.yaml": web(), "web.yaml": netpol("web", ingress("  - {}")) },
    expected: [],
  },
  {
    name: "new allow-all policy; another policy already allowed all",
    base: { "app.yaml": web(), "a.yaml": netpol("a", ingress("  - {}")), "deny.yaml": DENY_ALL },
    head: {
      "app.yaml": web(),
      "a.yaml": netpol("a", ingress("  - {}")),
      "deny.yaml": DENY_ALL,
      "b.yaml": netpol("b", ingress("  - from: []")),
    },
    expected: [],
  },
  {
    name: "new allow-all policy for a new workload",
    base: DENY_ALL,
    head: { "manifest.yaml": DENY_ALL, "app.yaml": web(), "web.yaml": netpol("web", ingress("  - {}")) },
    expected: [],
  },
  {
    name: "egress moved to a second policy with the same selector",
    base: netpol("web", BOTH),
    head: `${netpol("web", FROM_FRONT)}---\n${netpol("web-egress", `${WEB}\npolicyTypes: [Egress]\negress: [{ to: [{ podSelector: {} }] }]`)}`,
    expected: [],
  },
  {
    name: "Egress dropped, but the workload's other labels keep it under another egress policy",
    base: {
      "app.yaml": web({ labels: "{ app: web, tier: back }" }),
      "web.yaml": netpol("web", BOTH),
      "back.yaml": netpol("back", "podSelector: { matchLabels: { tier: back } }\npolicyTypes: [Egress]"),
    },
    head: {
      "app.yaml": web({ labels: "{ app: web, tier: back }" }),
      "web.yaml": netpol("web", BOTH.replace("  - Egress\n", "")),
      "back.yaml": netpol("back", "podSelector: { matchLabels: { tier: back } }\npolicyTypes: [Egress]"),
    },
    expected: [],
  },
  {
    name: "a policy removed from a workload then selected by no policy: the unselected finding only",
    base: { "app.yaml": web(), "web.yaml": netpol("web", BOTH) },
    head: { "app.yaml": web() },
    expected: [{ line: 7, side: "base", severity: "medium", file: "web.yaml" }],
  },
  {
    name: "a policy-only repository removes a policy (its pods are unknown)",
    base: { "deny.yaml": DENY_EGRESS, "web.yaml": netpol("web", FROM_FRONT) },
    head: { "web.yaml": netpol("web", FROM_FRONT) },
    expected: [],
  },
];

describe("network-policy-missing: directions opened to all traffic", () => {
  table(networkPolicyMissingRule, cases);

  it("says which direction, which pods, whom the rule admits and who restricted them before", () => {
    const [own] = runRule(
      networkPolicyMissingRule,
      { "np.yaml": netpol("web", FROM_FRONT), "app.yaml": web() },
      { "np.yaml": netpol("web", ingress("  - {}")), "app.yaml": web() },
    );
    expect(own.message).toBe(
      "NetworkPolicy shop/web now allows all ingress of pods matching app=web (Deployment shop/web), which it " +
        "restricted before: this rule admits from every peer on every port, and NetworkPolicies add up, so no " +
        "other policy narrows it. Allow only the peers and ports they need.",
    );
    const [added] = runRule(
      networkPolicyMissingRule,
      { "deny.yaml": DENY_ALL },
      {
        "deny.yaml": DENY_ALL,
        "web.yaml": netpol(
          "all",
          "podSelector: {}\npolicyTypes: [Egress]\negress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }]",
        ),
      },
    );
    expect(added.message).toBe(
      "NetworkPolicy shop/all now allows all egress of every pod of namespace shop, which NetworkPolicy " +
        "shop/default-deny restricted before: this rule admits to every IPv6 address on every port, and " +
        "NetworkPolicies add up, so no other policy narrows it. Allow only the peers and ports they need.",
    );
  });

  it("says how a direction stopped being restricted", () => {
    const [dropped] = runRule(
      networkPolicyMissingRule,
      netpol("web", BOTH),
      netpol("web", BOTH.replace("  - Egress\n", "")),
    );
    expect(dropped.message).toBe(
      "NetworkPolicy shop/web no longer governs egress (its policyTypes leave Egress out), and no other " +
        "NetworkPolicy restricts the egress of pods matching app=web: their egress was restricted before and is " +
        "open to all traffic now. Keep a NetworkPolicy that restricts it.",
    );
    const [implicit] = runRule(
      networkPolicyMissingRule,
      netpol("web", `${WEB}\negress:\n  - to: [{ podSelector: {} }]`),
      netpol("web", `${WEB}\negress: []`),
    );
    expect(implicit.message).toMatch(
      /^NetworkPolicy shop\/web no longer governs egress \(without policyTypes it governs egress only when it lists egress rules\), /,
    );
    const [removed] = runRule(
      networkPolicyMissingRule,
      { "app.yaml": web(), "deny.yaml": DENY_EGRESS, "web.yaml": netpol("web", FROM_FRONT) },
      { "app.yaml": web(), "web.yaml": netpol("web", FROM_FRONT) },
    );
    expect(removed.message).toBe(
      "Removing NetworkPolicy shop/deny-egress leaves no NetworkPolicy restricting the egress of every pod of " +
        "namespace shop (Deployment shop/web): their egress was restricted before and is open to all traffic " +
        "now. Keep a NetworkPolicy that restricts it.",
    );
  });

  it("names the workloads a narrowed policy leaves, or the pods its old selector stands for", () => {
    const narrowed = DENY_EGRESS.replace("podSelector: {}", "podSelector: { matchLabels: { app: db } }");
    const [known] = runRule(
      networkPolicyMissingRule,
      { "app.yaml": web(), "deny.yaml": DENY_EGRESS, "web.yaml": netpol("web", FROM_FRONT) },
      { "app.yaml": web(), "deny.yaml": narrowed, "web.yaml": netpol("web", FROM_FRONT) },
    );
    expect(known.message).toBe(
      "NetworkPolicy shop/deny-egress no longer selects the pods of Deployment shop/web, and no other " +
        "NetworkPolicy restricts their egress: their egress was restricted before and is open to all traffic " +
        "now. Keep a NetworkPolicy that restricts it.",
    );
    const [unknown] = runRule(
      networkPolicyMissingRule,
      { "deny.yaml": DENY_EGRESS, "all.yaml": netpol("all", "podSelector: {}\npolicyTypes: [Ingress]") },
      { "deny.yaml": narrowed, "all.yaml": netpol("all", "podSelector: {}\npolicyTypes: [Ingress]") },
    );
    expect(unknown.message).toMatch(
      /^NetworkPolicy shop\/deny-egress no longer selects some pods of namespace shop, and no other /,
    );
    expect(unknown.line).toBe(7);
  });

  it("keeps its fingerprint when the opening rule moves", () => {
    const base = netpol("web", FROM_FRONT);
    const [first] = runRule(networkPolicyMissingRule, base, netpol("web", ingress("  - {}")));
    const [moved] = runRule(
      networkPolicyMissingRule,
      base,
      netpol("web", ingress("  - ports: [{ port: 53 }]\n  - {}")),
    );
    expect(moved.line).toBe(first.line + 1);
    expect(moved.fingerprint).toBe(first.fingerprint);
  });
});
