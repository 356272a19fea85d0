import { describe, expect, it } from "vitest";
import { resourceDanger, urlDanger } from "../../src/k8s/rbac/danger.js";
import { rbacEscalationRule } from "../../src/rules/rbac-escalation.js";
import { runRule, type SideInput, summary } from "./tester.js";

const rule = rbacEscalationRule;

interface Case {
  name: string;
  before?: SideInput;
  after?: SideInput;
  /** Findings as line, side and severity, in report order; [] for a case that must stay silent. */
  expected: { line: number; side: "base" | "head"; severity: string }[];
  /** Text the first message must contain. */
  says?: string[];
}

/** A ClusterRole named ops; its rules start on line 6. */
function clusterRole(rules: string): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
rules:
${rules}`;
}

/** A Role named ops in namespace team; its rules start on line 7. */
function role(rules: string): string {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ops
  namespace: team
rules:
${rules}`;
}

const getDeployments = `  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get"]
`;

const readPodsAndServices = `  - apiGroups: [""]
    resources: ["pods", "services"]
    verbs: ["get", "list", "watch"]
`;

const readConfig = `  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list"]
`;

const appTlsSecret = `  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["app-tls"]
    verbs: ["get"]
`;

const metrics = `  - nonResourceURLs: ["/metrics"]
    verbs: ["get"]
`;

const firing: Case[] = [
  {
    name: "get becomes * (the documented example)",
    before: clusterRole(getDeployments),
    after: clusterRole(getDeployments.replace('["get"]', '["*"]')),
    expected: [{ line: 8, side: "head", severity: "critical" }],
    says: [
      "ClusterRole ops gains verbs * on deployments (apps): it could previously only get them. Wildcards grant " +
        "every current and future verb; grant the specific verbs needed.",
    ],
  },
  {
    name: "verbs added to a block list: the line of the first new verb",
    before: clusterRole(getDeployments),
    after: clusterRole(`  - apiGroups:
      - apps
    resources:
      - deployments
    verbs:
      - get
      - list
      - create
`),
    expected: [{ line: 12, side: "head", severity: "high" }],
    says: [
      "gains verbs list, create on deployments (apps): it could previously only get them",
      "Creating pods",
    ],
  },
  {
    name: "a resource added to a rule: the line of the resource entry",
    before: clusterRole(readConfig),
    after: clusterRole(`  - apiGroups: [""]
    resources:
      - configmaps
      - secrets
    verbs: ["get", "list"]
`),
    expected: [{ line: 9, side: "head", severity: "high" }],
    says: ["gains verbs get, list on secrets (core): it had no access to them before", "Reading Secrets"],
  },
  {
    name: "a new Role: resources on one line gaining the same verbs are one finding, low for reads",
    after: role(readPodsAndServices),
    expected: [{ line: 8, side: "head", severity: "low" }],
    says: ["New Role ops grants verbs get, list, watch on pods, services (core)"],
  },
  {
    name: "an existing Role gains a verb",
    before: role(readConfig),
    after: role(readConfig.replace('"list"]', '"list", "update"]')),
    expected: [{ line: 9, side: "head", severity: "medium" }],
    says: ["Role ops gains verbs update on configmaps (core): it could previously only get, list them"],
  },
  {
    name: "wildcard resources",
    before: clusterRole(getDeployments),
    after: clusterRole(getDeployments.replace('["deployments"]', '["*"]')),
    expected: [{ line: 7, side: "head", severity: "critical" }],
    says: ["on every resource (*) (apps)", "wildcard resource"],
  },
  {
    name: "wildcard apiGroups",
    before: clusterRole(getDeployments),
    after: clusterRole(getDeployments.replace('["apps"]', '["*"]')),
    expected: [{ line: 7, side: "head", severity: "critical" }],
    says: ["on deployments (every API group)", "wildcard API group"],
  },
  {
    name: "pods does not cover pods/exec",
    before: clusterRole(readPodsAndServices),
    after: clusterRole(readPodsAndServices.replace('"services"]', '"services", "pods/exec"]')),
    expected: [{ line: 7, side: "head", severity: "high" }],
    says: ["on pods/exec (core): it had no access to them before", "Exec, attach"],
  },
  {
    name: "*/scale widens deployments/scale",
    before: clusterRole(`  - apiGroups: ["apps"]
    resources: ["deployments/scale"]
    verbs: ["get", "update"]
`),
    after: clusterRole(`  - apiGroups: ["apps"]
    resources: ["*/scale"]
    verbs: ["get", "update"]
`),
    expected: [{ line: 7, side: "head", severity: "medium" }],
  },
  {
    name: "*/exec carries the danger of pods/exec",
    after: clusterRole(`  - apiGroups: [""]
    resources: ["*/exec"]
    verbs: ["create"]
`),
    expected: [{ line: 7, side: "head", severity: "high" }],
  },
  {
    name: "a resourceNames limit lifted",
    before: clusterRole(appTlsSecret),
    after: clusterRole(appTlsSecret.replace('    resourceNames: ["app-tls"]\n', "")),
    expected: [{ line: 7, side: "head", severity: "high" }],
    says: ["gains verbs get on secrets (core): it could previously get only some of them, by name"],
  },
  {
    name: "a name added to resourceNames: the resourceNames line, not the resource's",
    before: clusterRole(appTlsSecret),
    after: clusterRole(appTlsSecret.replace('["app-tls"]', '["app-tls", "db-password"]')),
    expected: [{ line: 8, side: "head", severity: "high" }],
    says: ["gains verbs get on secrets named db-password (core)"],
  },
  {
    name: "a name added below others in a block list: that name's line",
    before: clusterRole(appTlsSecret),
    after: clusterRole(
      appTlsSecret.replace('["app-tls"]', "\n      - app-tls\n      - db-password\n      - api-token"),
    ),
    expected: [{ line: 10, side: "head", severity: "high" }],
    says: ["gains verbs get on secrets named db-password, api-token (core)"],
  },
  {
    name: "a new rule naming objects of a resource the role never reached: the resource line",
    before: clusterRole(getDeployments),
    after: clusterRole(getDeployments + appTlsSecret),
    expected: [{ line: 10, side: "head", severity: "high" }],
    says: ["gains verbs get on secrets named app-tls (core): it had no access to them before"],
  },
  {
    name: "a non-resource URL added to a ClusterRole",
    before: clusterRole(getDeployments),
    after: clusterRole(getDeployments + metrics),
    expected: [{ line: 9, side: "head", severity: "low" }],
    says: ["gains verbs get on non-resource URL /metrics"],
  },
  {
    name: "a non-resource URL gains * verbs: the verb line, medium",
    before: clusterRole(metrics),
    after: clusterRole(metrics.replace('["get"]', '["get", "*"]')),
    expected: [{ line: 7, side: "head", severity: "medium" }],
  },
  {
    name: "an exact URL does not cover a prefix pattern",
    before: clusterRole(metrics.replace("/metrics", "/logs")),
    after: clusterRole(metrics.replace("/metrics", "/logs/*")),
    expected: [{ line: 6, side: "head", severity: "low" }],
  },
  {
    name: "escalate and bind on roles",
    before: clusterRole(getDeployments),
    after: clusterRole(`${getDeployments}  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    verbs: ["bind", "escalate"]
`),
    expected: [{ line: 10, side: "head", severity: "critical" }],
    says: ["escalate, bind and impersonate"],
  },
  {
    name: "creating rolebindings",
    after: role(`  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["rolebindings"]
    verbs: ["create"]
`),
    expected: [{ line: 8, side: "head", severity: "critical" }],
    says: ["Writing roles or bindings"],
  },
  {
    name: "impersonating users",
    after: clusterRole(`  - apiGroups: [""]
    resources: ["users", "groups"]
    verbs: ["impersonate"]
`),
    expected: [{ line: 7, side: "head", severity: "critical" }],
  },
  {
    name: "two new resources in a block list: one finding each, on its own line",
    before: clusterRole(readConfig),
    after: clusterRole(`  - apiGroups: [""]
    resources:
      - configmaps
      - nodes/proxy
      - events
    verbs: ["get", "list"]
`),
    expected: [
      { line: 9, side: "head", severity: "high" },
      { line: 10, side: "head", severity: "low" },
    ],
  },
  {
    name: "a rule split in two with one verb added: only the added verb",
    before: clusterRole(readPodsAndServices),
    after: clusterRole(`  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["services"]
    verbs: ["watch", "list", "get", "delete"]
`),
    expected: [{ line: 11, side: "head", severity: "medium" }],
    says: ["gains verbs delete on services (core)"],
  },
  {
    name: "a malformed base grants nothing, so the fixed head is new",
    before: clusterRole(getDeployments.replace('["get"]', "get")),
    after: clusterRole(getDeployments),
    expected: [{ line: 7, side: "head", severity: "low" }],
  },
  {
    name: "a Role replaced by a ClusterRole of the same name is a new ClusterRole",
    before: role(readConfig),
    after: clusterRole(readConfig),
    expected: [{ line: 7, side: "head", severity: "low" }],
    says: ["New ClusterRole ops"],
  },
  {
    name: "a grant on an aggregated ClusterRole's own rules",
    before: `${clusterRole("  []\n").replace("rules:\n  []\n", "")}aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        rbac.example.com/aggregate-to-ops: "true"
rules: []
`,
    after: `${clusterRole("  []\n").replace("rules:\n  []\n", "")}aggregationRule:
  clusterRoleSelectors:
    - matchLabels:
        rbac.example.com/aggregate-to-ops: "true"
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["list"]
`,
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
];

const silent: Case[] = [
  {
    name: "rules reordered",
    before: clusterRole(getDeployments + readPodsAndServices + metrics),
    after: clusterRole(metrics + readPodsAndServices + getDeployments),
    expected: [],
  },
  {
    name: "verbs, resources and groups reordered inside a rule",
    before: clusterRole(`  - apiGroups: ["", "apps"]
    resources: ["pods", "deployments"]
    verbs: ["get", "list"]
`),
    after: clusterRole(`  - apiGroups: ["apps", ""]
    resources: ["deployments", "pods"]
    verbs: ["list", "get"]
`),
    expected: [],
  },
  {
    name: "a rule split by resource and by verb",
    before: clusterRole(readPodsAndServices),
    after: clusterRole(`  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["services"]
    verbs: ["get"]
  - apiGroups: [""]
    resources: ["services"]
    verbs: ["list", "watch"]
`),
    expected: [],
  },
  {
    name: "two rules merged into an equivalent one",
    before: clusterRole(`  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["services"]
    verbs: ["get", "list", "watch"]
`),
    after: clusterRole(readPodsAndServices),
    expected: [],
  },
  {
    name: "duplicate rules and duplicate entries",
    before: clusterRole(readPodsAndServices),
    after: clusterRole(readPodsAndServices + readPodsAndServices.replace('"pods"', '"pods", "pods"')),
    expected: [],
  },
  {
    name: "narrowed: verbs and a resource removed",
    before: clusterRole(readPodsAndServices),
    after: clusterRole(`  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get"]
`),
    expected: [],
  },
  {
    name: "narrowed by resourceNames",
    before: clusterRole(appTlsSecret.replace('    resourceNames: ["app-tls"]\n', "")),
    after: clusterRole(appTlsSecret),
    expected: [],
  },
  {
    name: "reformatted: block lists, unquoted scalars, JSON",
    before: clusterRole(readPodsAndServices),
    after: `{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "ops"},
  "rules": [{"verbs": ["watch", "get", "list"], "resources": ["services", "pods"], "apiGroups": [""]}]}
`,
    expected: [],
  },
  {
    name: "flow lists become block lists",
    before: clusterRole(readPodsAndServices),
    after: clusterRole(`  - apiGroups:
      - ""
    resources:
      - pods
      - services
    verbs:
      - get
      - 'list'
      - watch
`),
    expected: [],
  },
  {
    name: "a role moved to another file",
    before: { "rbac/ops.yaml": clusterRole(getDeployments) },
    after: { "clusters/prod/rbac.yaml": `# moved\n${clusterRole(getDeployments)}` },
    expected: [],
  },
  {
    name: "a pre-existing wildcard role that gains a label",
    before: clusterRole(getDeployments.replace('["get"]', '["*"]')),
    after: clusterRole(getDeployments.replace('["get"]', '["*"]')).replace(
      "  name: ops\n",
      "  name: ops\n  labels:\n    team: platform\n",
    ),
    expected: [],
  },
  {
    name: "a role removed",
    before: clusterRole(getDeployments.replace('["get"]', '["*"]')),
    expected: [],
  },
  {
    name: "wildcards on every axis in the base cover anything on resources",
    before: clusterRole(`  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`),
    after: clusterRole(`  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
  - apiGroups: ["", "apps"]
    resources: ["pods/exec", "deployments/scale", "secrets"]
    resourceNames: ["x"]
    verbs: ["create", "escalate", "*"]
`),
    expected: [],
  },
  {
    name: "a wildcard group in the base covers a named group",
    before: clusterRole(getDeployments.replace('["apps"]', '["*"]')),
    after: clusterRole(getDeployments),
    expected: [],
  },
  {
    name: "resources * in the base covers subresources",
    before: clusterRole(`  - apiGroups: [""]
    resources: ["*"]
    verbs: ["create", "get"]
`),
    after: clusterRole(`  - apiGroups: [""]
    resources: ["pods/exec", "pods/log", "secrets"]
    verbs: ["create", "get"]
`),
    expected: [],
  },
  {
    name: "*/scale in the base covers deployments/scale",
    before: clusterRole(`  - apiGroups: ["apps"]
    resources: ["*/scale"]
    verbs: ["update"]
`),
    after: clusterRole(`  - apiGroups: ["apps"]
    resources: ["deployments/scale", "statefulsets/scale"]
    verbs: ["update"]
`),
    expected: [],
  },
  {
    name: "URL prefixes and * in the base cover URLs",
    before: clusterRole(`  - nonResourceURLs: ["/logs/*", "/healthz*"]
    verbs: ["get"]
  - nonResourceURLs: ["*"]
    verbs: ["head"]
`),
    after: clusterRole(`  - nonResourceURLs: ["/logs/kube-apiserver.log", "/healthz", "/healthz/etcd"]
    verbs: ["get"]
  - nonResourceURLs: ["/metrics", "/version"]
    verbs: ["head"]
`),
    expected: [],
  },
  {
    name: "non-resource URLs on a namespaced Role grant nothing",
    after: role(metrics),
    expected: [],
  },
  {
    name: "a new aggregated ClusterRole without rules, and its selector changing",
    before: `${clusterRole("")}  []
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {a: "1"}
`,
    after: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {a: "1"}
    - matchLabels: {b: "1"}
`,
    expected: [],
  },
  {
    name: "a custom kind called ClusterRole",
    after: clusterRole(getDeployments).replace("rbac.authorization.k8s.io/v1", "iam.example.com/v1"),
    expected: [],
  },
  {
    name: "malformed rules in the head grant nothing and never throw",
    before: clusterRole(getDeployments),
    after: clusterRole(`${getDeployments}  - apiGroups: ["apps"]
    resources: ["secrets"]
    verbs: get
  - apiGroups: ["apps"]
    resources: ["daemonsets"]
  - resources: ["secrets"]
    verbs: ["get"]
  - "oops"
  - apiGroups: [""]
    resources: [7, {a: 1}]
    verbs: [null]
  - apiGroups: [""]
    resources: ["pods"]
    resourceNames: 5
    verbs: ["*"]
`),
    expected: [],
  },
  {
    name: "rules that are not a list",
    before: clusterRole(getDeployments),
    after: clusterRole("  oops: 1\n"),
    expected: [],
  },
];

describe("rbac-escalation", () => {
  it.each([...firing, ...silent])("$name", ({ before, after, expected, says }) => {
    const findings = runRule(rule, before, after);
    expect(summary(findings).map(({ line, side, severity }) => ({ line, side, severity }))).toEqual(expected);
    for (const text of says ?? []) expect(findings[0].message).toContain(text);
  });

  it("keys findings by permission, not position: a reorder keeps every fingerprint", () => {
    const after = clusterRole(getDeployments.replace('["get"]', '["*"]') + readPodsAndServices);
    const reordered = clusterRole(readPodsAndServices + getDeployments.replace('["get"]', '["*"]'));
    const a = runRule(rule, undefined, after).map((f) => f.fingerprint);
    const b = runRule(rule, undefined, { "other.yaml": reordered }).map((f) => f.fingerprint);
    expect(a).toHaveLength(2);
    expect(new Set(b)).toEqual(new Set(a));
  });

  it("gives a new verb a new fingerprint", () => {
    const get = runRule(rule, undefined, clusterRole(getDeployments));
    const list = runRule(rule, undefined, clusterRole(getDeployments.replace('"get"', '"list"')));
    expect(get[0].fingerprint).not.toBe(list[0].fingerprint);
  });

  it("keeps crafted names from colliding with real ones in the fingerprint", () => {
    const one = runRule(rule, undefined, clusterRole(appTlsSecret.replace('["app-tls"]', '["x,y"]')));
    const two = runRule(rule, undefined, clusterRole(appTlsSecret.replace('["app-tls"]', '["x", "y"]')));
    expect(one[0].fingerprint).not.toBe(two[0].fingerprint);
  });

  it("reports pre-existing grants in full-state mode", () => {
    const findings = runRule(
      rule,
      clusterRole(getDeployments),
      clusterRole(getDeployments).replace("ops\n", "ops\n  labels: {a: b}\n"),
      {
        fullState: true,
      },
    );
    expect(summary(findings)).toMatchObject([{ line: 8, severity: "low" }]);
  });

  it("fails the review with a clear message on a role too large to compare", () => {
    const many = (prefix: string, count: number) =>
      JSON.stringify(Array.from({ length: count }, (_, i) => `${prefix}${i}`));
    const huge = clusterRole(`  - apiGroups: ${many("g", 60)}
    resources: ${many("r", 60)}
    verbs: ${many("v", 60)}
`);
    expect(() => runRule(rule, undefined, huge)).toThrow(/too large to compare/);
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(summary(runRule(rule, before, after))).toMatchObject([{ line: 8, severity: "critical" }]);
  });
});

describe("resourceDanger", () => {
  const cases: [string, string, string[], string][] = [
    ["apps", "deployments", ["*"], "critical"],
    ["", "*", ["get"], "critical"],
    ["*", "configmaps", ["get"], "critical"],
    ["", "users", ["impersonate"], "critical"],
    ["", "serviceaccounts", ["impersonate"], "critical"],
    ["rbac.authorization.k8s.io", "roles", ["escalate"], "critical"],
    ["rbac.authorization.k8s.io", "clusterrolebindings", ["patch"], "critical"],
    ["rbac.authorization.k8s.io", "rolebindings", ["update"], "critical"],
    ["rbac.authorization.k8s.io", "roles", ["get", "list"], "low"],
    ["", "secrets", ["watch"], "high"],
    ["", "secrets", ["create"], "medium"],
    ["", "pods/exec", ["get"], "high"],
    ["", "pods/attach", ["create"], "high"],
    ["", "pods/ephemeralcontainers", ["patch"], "high"],
    ["", "nodes/proxy", ["get"], "high"],
    ["", "serviceaccounts/token", ["create"], "high"],
    ["", "pods", ["create"], "high"],
    ["apps", "daemonsets", ["create"], "high"],
    ["apps", "statefulsets", ["create"], "high"],
    ["batch", "cronjobs", ["create"], "high"],
    ["batch", "jobs", ["get", "create"], "high"],
    ["certificates.k8s.io", "certificatesigningrequests/approval", ["update"], "high"],
    ["admissionregistration.k8s.io", "mutatingwebhookconfigurations", ["patch"], "high"],
    ["admissionregistration.k8s.io", "validatingwebhookconfigurations", ["list"], "low"],
    ["", "persistentvolumes", ["create"], "high"],
    ["", "services/status", ["patch"], "high"],
    ["", "*/status", ["update"], "high"],
    ["apps", "*/scale", ["update"], "medium"],
    ["", "configmaps", ["update"], "medium"],
    ["", "pods/portforward", ["create"], "medium"],
    ["", "pods", ["delete"], "medium"],
    ["", "pods", ["get", "list", "watch"], "low"],
    ["example.com", "widgets", ["list"], "low"],
    ["example.com", "pods", ["create"], "medium"],
    ["", "*", ["get"], "critical"],
    ["apps", "*", ["get"], "critical"],
    ["rbac.authorization.k8s.io", "*", ["list"], "critical"],
    ["example.com", "*", ["get", "list", "watch"], "medium"],
    ["example.com", "*", ["create"], "high"],
    ["example.com", "*", ["*"], "critical"],
  ];
  it.each(cases)("%s %s %j is %s", (group, resource, verbs, severity) => {
    expect(resourceDanger(group, resource, verbs).severity).toBe(severity);
  });

  it("grades non-resource URLs low for reads and medium otherwise", () => {
    expect(urlDanger(["get", "head"]).severity).toBe("low");
    expect(urlDanger(["post"]).severity).toBe("medium");
    expect(urlDanger(["*"]).severity).toBe("medium");
  });
});
