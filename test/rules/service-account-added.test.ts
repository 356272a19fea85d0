import { describe, expect, it } from "vitest";
import { serviceAccountAddedRule } from "../../src/rules/service-account-added.js";
import { runRule, type SideInput, summary } from "./tester.js";

const rule = serviceAccountAddedRule;

interface Case {
  name: string;
  before?: SideInput;
  after?: SideInput;
  /** Findings as line, side and severity; [] for a case that must stay silent. */
  expected: { line: number; side: "base" | "head"; severity: string }[];
  /** Text the first message must contain. */
  says?: string[];
}

const account = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ci
`;

const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer-edit
  namespace: ci
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: ServiceAccount
    name: deployer
`;

const firing: Case[] = [
  {
    name: "a new ServiceAccount",
    after: account,
    expected: [{ line: 4, side: "head", severity: "low" }],
    says: ["New ServiceAccount deployer in namespace ci", "Check which Roles it will be bound to"],
  },
  {
    name: "a new ServiceAccount bound in the same change (subject namespace from the RoleBinding)",
    after: `${binding}---\n${account}`,
    expected: [{ line: 17, side: "head", severity: "low" }],
    says: ["binds it to ClusterRole edit (by RoleBinding deployer-edit)"],
  },
  {
    name: "a new ServiceAccount next to an existing one in another file",
    before: { "a.yaml": account },
    after: { "a.yaml": account, "b.yaml": account.replace("deployer", "builder") },
    expected: [{ line: 4, side: "head", severity: "low" }],
  },
  {
    name: "a new ServiceAccount inside a List, namespace defaulted",
    after: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: runner
`,
    expected: [{ line: 7, side: "head", severity: "low" }],
    says: ["New ServiceAccount runner in namespace default"],
  },
];

const silent: Case[] = [
  {
    name: "an existing ServiceAccount that gains labels",
    before: account,
    after: `${account}  labels:\n    team: ci\n`,
    expected: [],
  },
  {
    name: "an existing ServiceAccount moved to another file",
    before: { "ci/sa.yaml": account },
    after: { "ci/accounts/deployer.yaml": account },
    expected: [],
  },
  {
    name: "an existing ServiceAccount reformatted",
    before: account,
    after: `{"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"namespace": "ci", "name": "deployer"}}\n`,
    expected: [],
  },
  {
    name: "an existing ServiceAccount that stops mounting its token",
    before: account,
    after: `${account}automountServiceAccountToken: false\n`,
    expected: [],
  },
  {
    name: "a ServiceAccount removed",
    before: account,
    expected: [],
  },
  {
    name: "a custom kind called ServiceAccount",
    after: account.replace("apiVersion: v1", "apiVersion: iam.example.com/v1"),
    expected: [],
  },
];

describe("service-account-added", () => {
  it.each([...firing, ...silent])("$name", ({ before, after, expected, says }) => {
    const findings = runRule(rule, before, after);
    expect(summary(findings).map(({ line, side, severity }) => ({ line, side, severity }))).toEqual(expected);
    for (const text of says ?? []) expect(findings[0].message).toContain(text);
  });

  it("does not name bindings of another namespace's account with the same name", () => {
    const elsewhere = binding.replace("namespace: ci", "namespace: prod");
    const [finding] = runRule(rule, undefined, `${elsewhere}---\n${account}`);
    expect(finding.message).toContain("Check which Roles");
  });

  it("names a ClusterRoleBinding's explicit subject namespace", () => {
    const clusterBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: deployer-admin
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: ci}
  - oops
`;
    const [finding] = runRule(rule, undefined, { "sa.yaml": account, "rbac.yaml": clusterBinding });
    expect(finding.message).toContain("ClusterRole cluster-admin (by ClusterRoleBinding deployer-admin)");
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });
});
