import { describe, expect, it } from "vitest";
import { rbacBindingRule } from "../../src/rules/rbac-binding.js";
import { type Case, table } from "./pod-fixtures.js";
import { binding, clusterRole, deployment, group, role, rule, sa, user } from "./rbac-fixtures.js";
import { runRule } from "./tester.js";

const readConfig = role("reader", [rule("", "configmaps", "get,list")]);
const writeConfig = role("writer", [rule("", "configmaps", "get,update")]);
const deployer = role("deployer", [rule("apps", "deployments", "create")]);
const crb = { kind: "ClusterRoleBinding" as const, name: "web-global" };

/** A ServiceAccount, without a namespace unless one is given (the kubebuilder layout). */
const account = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}`;
const KB_ACCOUNT = account("controller-manager");
/** The operator's Deployment, namespace left to kustomize. */
const KB_MANAGER = deployment("controller-manager", "controller-manager").replace("  namespace: shop\n", "");
const kbBinding = { kind: "ClusterRoleBinding" as const, name: "manager-rolebinding" };

/** shop/broad holds edit; the new account shop/narrow is bound to `role`. */
const BROAD = { "broad.yaml": binding("edit", [sa("broad")], { name: "broad" }) };
const NARROW = (roleName: string) => binding(roleName, [sa("narrow")], { name: "narrow" });

const cases: Case[] = [
  {
    name: "new RoleBinding of the built-in edit role to a service account",
    head: binding("edit", [sa("web")]),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "new ClusterRoleBinding of cluster-admin to a user",
    head: binding("cluster-admin", [user("alice")], crb),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "a role that only reads ordinary resources",
    head: { "role.yaml": readConfig, "binding.yaml": binding("reader", [sa("web")], { roleKind: "Role" }) },
    expected: [{ line: 11, side: "head", severity: "low", file: "binding.yaml" }],
  },
  {
    name: "a role that writes ordinary resources",
    head: { "role.yaml": writeConfig, "binding.yaml": binding("writer", [sa("web")], { roleKind: "Role" }) },
    expected: [{ line: 11, side: "head", severity: "medium", file: "binding.yaml" }],
  },
  {
    name: "a role holding a dangerous permission (creating workloads) is critical",
    head: { "role.yaml": deployer, "binding.yaml": binding("deployer", [sa("web")], { roleKind: "Role" }) },
    expected: [{ line: 11, side: "head", severity: "critical", file: "binding.yaml" }],
  },
  {
    name: "the built-in view role bound to every authenticated user is critical",
    head: binding("view", [group("system:authenticated")], crb),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "anonymous requests get a read-only role: critical",
    head: {
      "role.yaml": readConfig,
      "b.yaml": binding("reader", [user("system:anonymous")], { roleKind: "Role" }),
    },
    expected: [{ line: 11, side: "head", severity: "critical", file: "b.yaml" }],
  },
  {
    name: "a subject added to an existing binding: only that subject",
    base: binding("edit", [sa("web")]),
    head: binding("edit", [sa("web"), sa("jobs")]),
    expected: [{ line: 12, side: "head", severity: "critical" }],
  },
  {
    name: "subjects reordered",
    base: binding("edit", [sa("web"), sa("jobs")]),
    head: binding("edit", [sa("jobs"), sa("web")]),
    expected: [],
  },
  {
    name: "a subject removed",
    base: binding("edit", [sa("web"), sa("jobs")]),
    head: binding("edit", [sa("web")]),
    expected: [],
  },
  {
    name: "the binding removed",
    base: binding("edit", [sa("web")]),
    expected: [],
  },
  {
    name: "the binding renamed (its subjects held the role already)",
    base: binding("edit", [sa("web")], { name: "old-name" }),
    head: binding("edit", [sa("web")], { name: "new-name" }),
    expected: [],
  },
  {
    name: "the same role through a second binding",
    base: { "a.yaml": binding("view", [sa("web")], { name: "a" }) },
    head: {
      "a.yaml": binding("view", [sa("web")], { name: "a" }),
      "b.yaml": binding("view", [sa("web")], { name: "b" }),
    },
    expected: [],
  },
  {
    name: "a service account's namespace written out or left to the binding's: the same subject",
    base: { "a.yaml": binding("view", [sa("web", "shop")], { name: "a" }) },
    head: {
      "a.yaml": binding("view", [sa("web", "shop")], { name: "a" }),
      "b.yaml": binding("view", [sa("web")], { name: "b" }),
    },
    expected: [],
  },
  {
    name: "held cluster-wide already: a RoleBinding adds nothing",
    base: { "crb.yaml": binding("view", [sa("web", "shop")], crb) },
    head: { "crb.yaml": binding("view", [sa("web", "shop")], crb), "rb.yaml": binding("view", [sa("web")]) },
    expected: [],
  },
  {
    name: "held in one namespace only: a ClusterRoleBinding widens it to every namespace",
    base: { "rb.yaml": binding("view", [sa("web")]) },
    head: { "rb.yaml": binding("view", [sa("web")]), "crb.yaml": binding("view", [sa("web", "shop")], crb) },
    expected: [{ line: 11, side: "head", severity: "low", file: "crb.yaml" }],
  },
  {
    name: "a service account is in system:serviceaccounts:<namespace>: a role bound to that group is held",
    base: { "g.yaml": binding("edit", [group("system:serviceaccounts:shop")], { name: "g" }) },
    head: {
      "g.yaml": binding("edit", [group("system:serviceaccounts:shop")], { name: "g" }),
      "b.yaml": binding("edit", [sa("web")]),
    },
    expected: [],
  },
  {
    name: "the role made stronger (view → edit): one finding on roleRef",
    base: binding("view", [sa("web"), sa("jobs")]),
    head: binding("edit", [sa("web"), sa("jobs")]),
    expected: [{ line: 9, side: "head", severity: "critical" }],
  },
  {
    name: "the role made weaker (edit → view)",
    base: binding("edit", [sa("web")]),
    head: binding("view", [sa("web")]),
    expected: [],
  },
  {
    name: "the role changed and a subject added: the new subject and the kept one",
    base: binding("view", [sa("web")]),
    head: binding("edit", [sa("web"), sa("jobs")]),
    expected: [
      { line: 9, side: "head", severity: "critical" },
      { line: 12, side: "head", severity: "critical" },
    ],
  },
  {
    name: "a role neither in the repository nor built in: its grants are unknown",
    head: binding("vendor-operator", [sa("web")]),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "a binding of an unknown role renamed: its subject held that role already",
    base: binding("vendor-operator", [sa("web")], { name: "old" }),
    head: binding("vendor-operator", [sa("web")], { name: "new" }),
    expected: [],
  },
  {
    name: "the built-in system:auth-delegator is known: creating token and access reviews is medium",
    head: binding("system:auth-delegator", [sa("metrics", "kube-system")], crb),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "an unknown role bound to every unauthenticated request",
    head: binding("vendor-operator", [group("system:unauthenticated")], crb),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "a role changed in the same pull request is judged as the head defines it",
    base: { "role.yaml": readConfig, "b.yaml": binding("reader", [sa("web")], { roleKind: "Role" }) },
    head: {
      "role.yaml": role("reader", [rule("", "secrets", "get")]),
      "b.yaml": binding("reader", [sa("web"), sa("jobs")], { roleKind: "Role" }),
    },
    expected: [{ line: 12, side: "head", severity: "critical", file: "b.yaml" }],
  },
  {
    name: "a ClusterRoleBinding cannot refer to a Role (the API server refuses it)",
    head: {
      "role.yaml": deployer,
      "b.yaml": binding("deployer", [sa("web", "shop")], { ...crb, roleKind: "Role" }),
    },
    expected: [],
  },
  {
    name: "a ClusterRoleBinding's service account without a namespace: placed at deploy time, still judged",
    head: binding("edit", [sa("web")], crb),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "new ClusterRoleBinding of cluster-admin to a service account without a namespace",
    head: binding("cluster-admin", [sa("controller-manager")], crb),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "kubebuilder layout: account, Deployment and binding all without a namespace",
    head: {
      "rbac/service_account.yaml": KB_ACCOUNT,
      "manager/manager.yaml": KB_MANAGER,
      "rbac/role.yaml": clusterRole("manager-role", [rule("", "secrets", "get,list,watch")]),
      "rbac/role_binding.yaml": binding("manager-role", [sa("controller-manager")], kbBinding),
    },
    expected: [{ line: 11, side: "head", severity: "critical", file: "rbac/role_binding.yaml" }],
  },
  {
    name: "a namespace-less subject held the role already (its binding renamed)",
    base: binding("view", [sa("controller-manager")], { ...crb, name: "old" }),
    head: binding("view", [sa("controller-manager")], { ...crb, name: "new" }),
    expected: [],
  },
  {
    name: "a namespace-less subject is the one account of that name the repository defines",
    base: {
      "sa.yaml": account("controller-manager", "system"),
      "crb.yaml": binding("view", [sa("controller-manager", "system")], { ...crb, name: "a" }),
    },
    head: {
      "sa.yaml": account("controller-manager", "system"),
      "crb.yaml": binding("view", [sa("controller-manager", "system")], { ...crb, name: "a" }),
      "crb-b.yaml": binding("view", [sa("controller-manager")], { ...crb, name: "b" }),
    },
    expected: [],
  },
  {
    name: "a namespace-less RoleBinding's account without a namespace meets the namespace-less pods",
    head: {
      "manager/manager.yaml": KB_MANAGER,
      "rbac/leader.yaml": role("leader-election", [rule("", "configmaps", "get,update")]).replace(
        "  namespace: shop\n",
        "",
      ),
      "rbac/leader-binding.yaml": binding("leader-election", [sa("controller-manager")], {
        roleKind: "Role",
        name: "leader-election",
      }).replace("  namespace: shop\n", "  # namespace set by kustomize\n"),
    },
    expected: [{ line: 11, side: "head", severity: "medium", file: "rbac/leader-binding.yaml" }],
  },
  // A workload moved between accounts: its pods are who holds the new account.
  {
    name: "a new account's binding, whose only pods held more before: low, nobody gains",
    base: { ...BROAD, "app.yaml": deployment("broad") },
    head: { ...BROAD, "app.yaml": deployment("narrow"), "narrow.yaml": NARROW("view") },
    expected: [{ line: 11, side: "head", severity: "low", file: "narrow.yaml" }],
  },
  {
    name: "cluster-admin to a new account whose only pods held cluster-admin before: not critical",
    base: { "admin.yaml": binding("cluster-admin", [sa("old", "shop")], crb), "app.yaml": deployment("old") },
    head: {
      "admin.yaml": binding("cluster-admin", [sa("old", "shop")], crb),
      "app.yaml": deployment("new"),
      "new.yaml": binding("cluster-admin", [sa("new", "shop")], { ...crb, name: "new" }),
    },
    expected: [{ line: 11, side: "head", severity: "low", file: "new.yaml" }],
  },
  {
    name: "a new account's binding, broader than what its pods held: the difference, graded",
    base: { ...BROAD, "app.yaml": deployment("broad") },
    head: { ...BROAD, "app.yaml": deployment("narrow"), "narrow.yaml": NARROW("admin") },
    expected: [{ line: 11, side: "head", severity: "critical", file: "narrow.yaml" }],
  },
  {
    name: "a new account whose moved pods held view: edit's writes are new to them",
    base: { "view.yaml": binding("view", [sa("broad")], { name: "broad" }), "app.yaml": deployment("broad") },
    head: {
      "view.yaml": binding("view", [sa("broad")], { name: "broad" }),
      "app.yaml": deployment("narrow"),
      "narrow.yaml": NARROW("edit"),
    },
    expected: [{ line: 11, side: "head", severity: "critical", file: "narrow.yaml" }],
  },
  {
    name: "an aggregated ClusterRole grants what it collects",
    head: {
      "agg.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { example.com/aggregate-to-monitoring: "true" }
rules: []
`,
      "part.yaml": clusterRole(
        "pods-exec",
        [rule("", "pods/exec", "create")],
        '{ example.com/aggregate-to-monitoring: "true" }',
      ),
      "b.yaml": binding("monitoring", [sa("web")]),
    },
    expected: [{ line: 11, side: "head", severity: "critical", file: "b.yaml" }],
  },
  {
    name: "a RoleBinding cannot grant cluster-scoped resources (nodes/proxy)",
    head: {
      "role.yaml": clusterRole("node-proxy", [rule("", "nodes/proxy", "get"), rule("", "nodes", "get")]),
      "b.yaml": binding("node-proxy", [sa("web")]),
    },
    expected: [],
  },
  {
    name: "a ClusterRoleBinding of the same role does",
    head: {
      "role.yaml": clusterRole("node-proxy", [rule("", "nodes/proxy", "get")]),
      "b.yaml": binding("node-proxy", [sa("web", "shop")], crb),
    },
    expected: [{ line: 11, side: "head", severity: "critical", file: "b.yaml" }],
  },
  {
    name: "a subject listed twice is bound once",
    head: binding("edit", [sa("web"), sa("web", "shop")]),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "full state: an existing binding is judged as new (against nothing)",
    base: binding("edit", [sa("web")]),
    head: binding("edit", [sa("web")]),
    fullState: true,
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "garbage: roleRef missing, subjects not a list, unknown subject kinds",
    head: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: broken
  namespace: shop
subjects: nope
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: odd
  namespace: shop
roleRef: { kind: ClusterRole, name: edit }
subjects:
  - { kind: Robot, name: r2 }
  - 42
  - { kind: ServiceAccount }
`,
    expected: [],
  },
];

describe("rbac-binding", () => {
  table(rbacBindingRule, cases);

  it("says what the subject can now do, where, and which pods run as it", () => {
    const [finding] = runRule(rbacBindingRule, undefined, {
      "app.yaml": deployment("web"),
      "role.yaml": role("secrets", [rule("", "secrets", "get,list,watch"), rule("", "configmaps", "get")]),
      "b.yaml": binding("secrets", [sa("web")], { roleKind: "Role" }),
    });
    expect(finding.message).toBe(
      "New RoleBinding shop/web-ops grants Role shop/secrets to service account shop/web (pods of " +
        "Deployment shop/web): they can now read secrets; get configmaps in namespace shop. Reading " +
        "Secrets exposes credentials, service account tokens included; mount the Secrets a workload needs " +
        "instead, or restrict with resourceNames.",
    );
  });

  it("names a workload once when copies of it sit in several files", () => {
    const [finding] = runRule(rbacBindingRule, undefined, {
      "install.yaml": deployment("web"),
      "install-ha.yaml": deployment("web"),
      "b.yaml": binding("view", [sa("web")]),
    });
    expect(finding.message).toContain(
      "to service account shop/web (pods of Deployment shop/web): they can now",
    );
  });

  it("names cluster-admin's reach and the broad subjects plainly", () => {
    const [admin] = runRule(rbacBindingRule, undefined, binding("cluster-admin", [user("alice")], crb));
    expect(admin.message).toContain(
      "New ClusterRoleBinding web-global grants ClusterRole cluster-admin (built-in) to user alice: they can " +
        "now do anything (*) with every resource of every API group",
    );
    const [everyone] = runRule(
      rbacBindingRule,
      undefined,
      binding("view", [group("system:authenticated")], crb),
    );
    expect(everyone.message).toContain(
      "to system:authenticated (every authenticated user and service account)",
    );
    expect(everyone.message).toContain("Never bind roles to system:anonymous");
  });

  it("over partial context, says the role is not in the files read rather than not in the repository", () => {
    const [finding] = runRule(rbacBindingRule, undefined, binding("vendor-operator", [sa("web")]), {
      partialContext: true,
    });
    expect(finding.message).toContain("the role is not in the files read, so what it grants is unknown.");
    expect(finding.message).not.toContain("neither in this repository");
  });

  it("says when the role's grants are unknown", () => {
    const [finding] = runRule(rbacBindingRule, undefined, binding("vendor-operator", [sa("web")]));
    expect(finding.message).toContain(
      "grants ClusterRole vendor-operator to service account shop/web: the role is neither in this " +
        "repository nor built in, so what it grants is unknown.",
    );
  });

  it("names a namespace-less account's namespace as set at deploy time, and its pods", () => {
    const [admin] = runRule(
      rbacBindingRule,
      undefined,
      binding("cluster-admin", [sa("controller-manager")], crb),
    );
    expect(admin.message).toContain(
      "New ClusterRoleBinding web-global grants ClusterRole cluster-admin (built-in) to service account " +
        "controller-manager (namespace set at deploy time): they can now do anything (*)",
    );
    const [withPods] = runRule(rbacBindingRule, undefined, {
      "manager.yaml": KB_MANAGER,
      "b.yaml": binding("view", [sa("controller-manager")], kbBinding),
    });
    expect(withPods.message).toContain(
      "to service account controller-manager (namespace set at deploy time; pods of Deployment " +
        "controller-manager): they can now read",
    );
  });

  it("says a namespace-less RoleBinding grants where the deploy puts it", () => {
    const [finding] = runRule(rbacBindingRule, undefined, {
      "manager.yaml": KB_MANAGER,
      "b.yaml": binding("view", [sa("controller-manager")]).replace("  namespace: shop\n", "  # kustomize\n"),
    });
    expect(finding.message).toMatch(
      /^New RoleBinding default\/web-ops grants ClusterRole view \(built-in\) to service account controller-manager \(namespace set at deploy time; pods of Deployment controller-manager\): they can now read .* in the namespace set at deploy time\. /,
    );
  });

  it("in the kubebuilder layout, names the Deployment whose pods run as the account", () => {
    const [finding] = runRule(rbacBindingRule, undefined, {
      "rbac/service_account.yaml": KB_ACCOUNT,
      "manager/manager.yaml": KB_MANAGER,
      "rbac/role.yaml": clusterRole("manager-role", [rule("", "secrets", "get,list,watch")]),
      "rbac/role_binding.yaml": binding("manager-role", [sa("controller-manager")], kbBinding),
    });
    expect(finding.message).toBe(
      "New ClusterRoleBinding manager-rolebinding grants ClusterRole manager-role to service account " +
        "controller-manager (namespace set at deploy time; pods of Deployment controller-manager): they can now read " +
        "secrets cluster-wide. Reading Secrets exposes credentials, service account tokens included; mount " +
        "the Secrets a workload needs instead, or restrict with resourceNames.",
    );
  });

  it("places a namespace-less account in the one namespace that defines it, or else at deploy time", () => {
    const who = (accounts: Record<string, string>) =>
      runRule(rbacBindingRule, undefined, {
        ...accounts,
        "b.yaml": binding("view", [sa("controller-manager")], kbBinding),
      })[0].message;
    expect(who({ "sa.yaml": account("controller-manager", "system") })).toContain(
      "to service account system/controller-manager: they can now",
    );
    const twice = {
      "a.yaml": account("controller-manager", "a"),
      "b-sa.yaml": account("controller-manager", "b"),
    };
    expect(who(twice)).toContain("to service account controller-manager (namespace set at deploy time):");
  });

  it("says a moved workload's pods gain nothing when their old account held it all", () => {
    const [finding] = runRule(
      rbacBindingRule,
      { ...BROAD, "app.yaml": deployment("broad") },
      { ...BROAD, "app.yaml": deployment("narrow"), "narrow.yaml": NARROW("view") },
    );
    expect(finding.message).toMatch(
      /^New RoleBinding shop\/narrow grants ClusterRole view \(built-in\) to service account shop\/narrow \(pods of Deployment shop\/web\): its pods held all of it before \(as service account shop\/broad\), so they gain nothing; only the account itself can now read /,
    );
    expect(finding.message).not.toContain("they can now");
  });

  it("says what a moved workload's pods gain beyond their old account, and only that", () => {
    const [finding] = runRule(
      rbacBindingRule,
      { ...BROAD, "app.yaml": deployment("broad") },
      { ...BROAD, "app.yaml": deployment("narrow"), "narrow.yaml": NARROW("admin") },
    );
    expect(finding.message).toContain(
      "to service account shop/narrow (pods of Deployment shop/web): they can now read and write " +
        "rolebindings.rbac.authorization.k8s.io, roles.rbac.authorization.k8s.io; create " +
        "localsubjectaccessreviews.authorization.k8s.io in namespace shop.",
    );
    expect(finding.message).not.toContain("secrets");
  });

  it("names only the pods that gain when some of an account's pods held it before", () => {
    const [finding] = runRule(
      rbacBindingRule,
      { ...BROAD, "app.yaml": deployment("broad"), "jobs.yaml": deployment("narrow", "jobs") },
      {
        ...BROAD,
        "app.yaml": deployment("narrow"),
        "jobs.yaml": deployment("narrow", "jobs"),
        "narrow.yaml": NARROW("view"),
      },
    );
    expect(finding.severity).toBe("low");
    expect(finding.message).toContain(
      "to service account shop/narrow (pods of Deployment shop/jobs): they can now read",
    );
  });

  it("keeps its fingerprints when the subjects are reordered", () => {
    const fingerprints = (text: string) =>
      runRule(rbacBindingRule, undefined, text)
        .map((f) => f.fingerprint)
        .sort();
    expect(fingerprints(binding("edit", [sa("web"), sa("jobs")]))).toEqual(
      fingerprints(binding("edit", [sa("jobs"), sa("web")])),
    );
  });
});
