// RBAC followed across files: ServiceAccount → bindings → roles, through the head and base sets.
// The workload, the binding and the role each live in their own file, as in real repositories.

import { describe, expect, it } from "vitest";
import { rbacEscalationRule } from "../../src/rules/rbac-escalation.js";
import { serviceAccountChangedRule } from "../../src/rules/service-account-changed.js";
import { type Case, table } from "./pod-fixtures.js";
import { binding, clusterRole, deployment, group, role, rule, sa } from "./rbac-fixtures.js";
import { runRule } from "./tester.js";

const readConfig = rule("", "configmaps", "get");
const deleteSecrets = rule("", "secrets", "delete");
const crb = { kind: "ClusterRoleBinding" as const, name: "everyone" };

// The kubebuilder / operator-sdk layout: nothing names a namespace, kustomize sets it at deploy time.
const KB_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: controller-manager\n";
const kbManager = (account = "controller-manager") =>
  deployment(account, "controller-manager").replace("  namespace: shop\n", "");
const managerBinding = (roleName: string) =>
  binding(roleName, [sa("controller-manager")], { kind: "ClusterRoleBinding", name: "manager" });
/** ClusterRole manager; its rules start on line 7. */
const managerRole = (...rules: string[]) => clusterRole("manager", [readConfig, ...rules]);
const secretsWildcard = rule("", "secrets", "*");

/** Service account shop/broad holds edit; shop/narrow is bound to Role ops only. */
const moved = {
  "rbac/broad.yaml": binding("edit", [sa("broad")], { name: "broad" }),
  "rbac/ops-binding.yaml": binding("ops", [sa("narrow")], { roleKind: "Role", name: "ops" }),
};

describe("rbac-escalation through accounts named without a namespace, and moved workloads", () => {
  const cases: Case[] = [
    {
      name: "a ClusterRole gains * on secrets, bound only to a namespace-less service account",
      base: { "role.yaml": managerRole(), "crb.yaml": managerBinding("manager") },
      head: { "role.yaml": managerRole(secretsWildcard), "crb.yaml": managerBinding("manager") },
      expected: [{ line: 8, side: "head", severity: "critical", file: "role.yaml" }],
    },
    {
      name: "the same in the kubebuilder layout (account and Deployment without a namespace)",
      base: {
        "sa.yaml": KB_ACCOUNT,
        "manager.yaml": kbManager(),
        "role.yaml": managerRole(),
        "crb.yaml": managerBinding("manager"),
      },
      head: {
        "sa.yaml": KB_ACCOUNT,
        "manager.yaml": kbManager(),
        "role.yaml": managerRole(secretsWildcard),
        "crb.yaml": managerBinding("manager"),
      },
      expected: [{ line: 8, side: "head", severity: "critical", file: "role.yaml" }],
    },
    {
      name: "the only pods of the role's account held the permission before, under their old account",
      base: { ...moved, "app.yaml": deployment("broad"), "role.yaml": role("ops", [readConfig]) },
      head: {
        ...moved,
        "app.yaml": deployment("narrow"),
        "role.yaml": role("ops", [readConfig, deleteSecrets]),
      },
      expected: [],
    },
    {
      name: "pods that move onto the role's account from one that did not hold the permission gain it",
      base: {
        "rbac/ops-binding.yaml": moved["rbac/ops-binding.yaml"],
        "app.yaml": deployment("broad"),
        "role.yaml": role("ops", [readConfig]),
      },
      head: {
        "rbac/ops-binding.yaml": moved["rbac/ops-binding.yaml"],
        "app.yaml": deployment("narrow"),
        "role.yaml": role("ops", [readConfig, deleteSecrets]),
      },
      expected: [{ line: 8, side: "head", severity: "medium", file: "role.yaml" }],
    },
  ];
  table(rbacEscalationRule, cases);

  it("says who gains it: the account, its namespace set at deploy time", () => {
    const [finding] = runRule(
      rbacEscalationRule,
      { "role.yaml": managerRole(), "crb.yaml": managerBinding("manager") },
      { "role.yaml": managerRole(secretsWildcard), "crb.yaml": managerBinding("manager") },
    );
    expect(finding.message).toMatch(
      / Who gains it: service account controller-manager \(namespace set at deploy time\) through ClusterRoleBinding manager cluster-wide\.$/,
    );
  });

  it("names the Deployment whose namespace-less pods run as the account", () => {
    const before = {
      "manager.yaml": kbManager(),
      "role.yaml": managerRole(),
      "crb.yaml": managerBinding("manager"),
    };
    const after = { ...before, "role.yaml": managerRole(secretsWildcard) };
    const [alone] = runRule(rbacEscalationRule, before, after);
    expect(alone.message).toContain(
      "Who gains it: service account controller-manager (namespace set at deploy time; pods of Deployment " +
        "controller-manager) through ClusterRoleBinding manager cluster-wide.",
    );
    const [withAccount] = runRule(
      rbacEscalationRule,
      { ...before, "sa.yaml": KB_ACCOUNT },
      { ...after, "sa.yaml": KB_ACCOUNT },
    );
    expect(withAccount.message).toContain(
      "Who gains it: service account controller-manager (namespace set at deploy time; pods of Deployment controller-manager)",
    );
  });
});

describe("rbac-escalation follows the role to whoever holds it", () => {
  const base = {
    "apps/web.yaml": deployment("web"),
    "rbac/role.yaml": role("ops", [readConfig]),
    "rbac/binding.yaml": binding("ops", [sa("web")], { roleKind: "Role" }),
  };

  it("names the pods that can now use the new permission", () => {
    const head = { ...base, "rbac/role.yaml": role("ops", [readConfig, rule("", "pods/exec", "create")]) };
    const [finding] = runRule(rbacEscalationRule, base, head);
    expect(finding).toMatchObject({ file: "rbac/role.yaml", line: 8, severity: "high" });
    expect(finding.message).toMatch(
      / Who gains it: service account shop\/web \(pods of Deployment shop\/web\) through RoleBinding shop\/web-ops in namespace shop\.$/,
    );
  });

  it("is silent when every subject of the role held the permission already (judged by effect)", () => {
    const withEdit = { ...base, "rbac/edit.yaml": binding("edit", [sa("web")], { name: "web-edit" }) };
    const head = { ...withEdit, "rbac/role.yaml": role("ops", [readConfig, deleteSecrets]) };
    expect(runRule(rbacEscalationRule, withEdit, head)).toEqual([]);
  });

  it("counts a subject as gaining when any verb of the gain is new to it, not only the first", () => {
    const reader = {
      "rbac/reader.yaml": role("reader", [rule("", "secrets", "get")]),
      "rbac/reader-b.yaml": binding("reader", [sa("web")], { roleKind: "Role", name: "reader" }),
    };
    const before = { ...base, ...reader };
    const after = {
      ...before,
      "rbac/role.yaml": role("ops", [readConfig, rule("", "secrets", "get,delete")]),
    };
    const [finding] = runRule(rbacEscalationRule, before, after);
    expect(finding?.message).toContain("Who gains it: service account shop/web");
  });

  it("is not hidden by a second base copy of the role that already had the permission", () => {
    const withRule = role("ops", [readConfig, deleteSecrets]);
    const before = { "a-experimental/role.yaml": withRule, ...base };
    const after = { ...base, "rbac/role.yaml": withRule };
    const [finding] = runRule(rbacEscalationRule, before, after);
    expect(finding).toMatchObject({ file: "rbac/role.yaml", line: 8 });
    expect(finding.message).toContain("Who gains it: service account shop/web");
  });

  it("is silent on a role renamed together with its binding", () => {
    const before = {
      "rbac/role.yaml": role("app-secrets", [rule("", "secrets", "get")]),
      "rbac/binding.yaml": binding("app-secrets", [sa("web")], { roleKind: "Role", name: "app-secrets" }),
    };
    const after = {
      "rbac/role.yaml": role("web-secrets", [rule("", "secrets", "get")]),
      "rbac/binding.yaml": binding("web-secrets", [sa("web")], { roleKind: "Role", name: "web-secrets" }),
    };
    expect(runRule(rbacEscalationRule, before, after)).toEqual([]);
  });

  it("is silent when a cluster-wide grant moves into a namespaced Role (a narrowing)", () => {
    const before = {
      "rbac/role.yaml": clusterRole("reader", [rule("", "secrets", "get")]),
      "rbac/binding.yaml": binding("reader", [sa("web", "shop")], {
        kind: "ClusterRoleBinding",
        name: "reader",
      }),
    };
    const after = {
      "rbac/role.yaml": role("reader", [rule("", "secrets", "get")]),
      "rbac/binding.yaml": binding("reader", [sa("web")], { roleKind: "Role", name: "reader" }),
    };
    expect(runRule(rbacEscalationRule, before, after)).toEqual([]);
  });

  it("does not count RoleBinding subjects as gaining a cluster-scoped resource", () => {
    const before = {
      "rbac/role.yaml": clusterRole("ops", [readConfig]),
      "rbac/binding.yaml": binding("ops", [sa("web")]),
    };
    const after = {
      ...before,
      "rbac/role.yaml": clusterRole("ops", [
        readConfig,
        rule("rbac.authorization.k8s.io", "clusterrolebindings", "create"),
      ]),
    };
    expect(runRule(rbacEscalationRule, before, after)).toEqual([]);
    const clusterWide = {
      ...after,
      "rbac/crb.yaml": binding("ops", [sa("web", "shop")], { kind: "ClusterRoleBinding", name: "ops" }),
    };
    const [finding] = runRule(
      rbacEscalationRule,
      { ...before, "rbac/crb.yaml": clusterWide["rbac/crb.yaml"] },
      clusterWide,
    );
    expect(finding.severity).toBe("critical");
    expect(finding.message).toContain(
      "Who gains it: service account shop/web through ClusterRoleBinding ops",
    );
    expect(finding.message).not.toContain("RoleBinding shop/web-ops");
  });

  it("says a role aggregated into the built-in roles reaches their subjects, bound here or not", () => {
    const labelled = '{ rbac.authorization.k8s.io/aggregate-to-edit: "true" }';
    const before = { "rbac/widgets.yaml": clusterRole("widgets", [readConfig], labelled) };
    const after = { "rbac/widgets.yaml": clusterRole("widgets", [readConfig, deleteSecrets], labelled) };
    const [finding] = runRule(rbacEscalationRule, before, after);
    expect(finding.message).toMatch(
      / Aggregated into the built-in edit, admin roles, it reaches every subject bound to them in the cluster\.$/,
    );
    expect(finding.message).not.toContain("No binding");
  });

  it("leaves a new role reached only through aggregation to rbac-aggregation", () => {
    const labelled = '{ rbac.authorization.k8s.io/aggregate-to-edit: "true" }';
    const head = {
      "rbac/widgets.yaml": clusterRole("widgets", [rule("example.com", "widgets", "*")], labelled),
    };
    expect(runRule(rbacEscalationRule, {}, head)).toEqual([]);
    const bound = { ...head, "rbac/b.yaml": binding("widgets", [sa("web")]) };
    expect(runRule(rbacEscalationRule, {}, bound)).toHaveLength(1);
  });

  it("in full state, names every holder (nothing is judged as held before)", () => {
    const head = { ...base, "rbac/role.yaml": role("ops", [readConfig, deleteSecrets]) };
    const [finding] = runRule(rbacEscalationRule, head, head, { fullState: true });
    expect(finding.message).toContain("Who gains it: service account shop/web (pods of Deployment shop/web)");
  });

  it("says when nothing binds the role yet", () => {
    const unbound = { "rbac/role.yaml": role("ops", [readConfig]) };
    const [finding] = runRule(rbacEscalationRule, unbound, {
      "rbac/role.yaml": role("ops", [readConfig, deleteSecrets]),
    });
    expect(finding.message).toMatch(/ No binding in this repository grants the role yet\.$/);
    expect(finding.severity).toBe("medium");
  });

  it("claims nothing about unread files when only the changed files were read", () => {
    const unbound = { "rbac/role.yaml": role("ops", [readConfig]) };
    const head = { "rbac/role.yaml": role("ops", [readConfig, deleteSecrets]) };
    const [finding] = runRule(rbacEscalationRule, unbound, head, { partialContext: true });
    expect(finding.message).not.toContain("No binding");
  });

  it("raises any gain to critical when the role is bound to every authenticated user", () => {
    const broad = {
      "rbac/role.yaml": clusterRole("reader", [readConfig]),
      "rbac/binding.yaml": binding("reader", [group("system:authenticated")], crb),
    };
    const head = {
      ...broad,
      "rbac/role.yaml": clusterRole("reader", [readConfig, rule("", "services", "get")]),
    };
    const [finding] = runRule(rbacEscalationRule, broad, head);
    expect(finding.severity).toBe("critical");
    expect(finding.message).not.toContain("low risk");
    expect(finding.message).toContain("hands every permission it gains to everybody");
    expect(finding.message).toContain(
      "Who gains it: system:authenticated (every authenticated user and service account) through " +
        "ClusterRoleBinding everyone cluster-wide.",
    );
  });

  it("follows an aggregation label to the subjects of the built-in role", () => {
    const labelled = '{ rbac.authorization.k8s.io/aggregate-to-view: "true" }';
    const viewers = {
      "rbac/widgets.yaml": clusterRole("widgets", [rule("example.com", "widgets", "get")], labelled),
      "rbac/binding.yaml": binding("edit", [group("auditors")], { ...crb, name: "auditors" }),
    };
    const head = {
      ...viewers,
      "rbac/widgets.yaml": clusterRole(
        "widgets",
        [rule("example.com", "widgets", "get"), rule("example.com", "gadgets", "delete")],
        labelled,
      ),
    };
    const [finding] = runRule(rbacEscalationRule, viewers, head);
    expect(finding.message).toContain(
      "Who gains it: group auditors through ClusterRoleBinding auditors, ClusterRole edit aggregating it cluster-wide.",
    );
  });
});

describe("service-account-changed says what the pods can now do", () => {
  const rbac = {
    "rbac/admin-binding.yaml": binding("cluster-admin", [sa("admin", "shop")], {
      kind: "ClusterRoleBinding",
      name: "admin",
    }),
    "rbac/reader.yaml": role("secret-reader", [rule("", "secrets", "get,list,watch")]),
    "rbac/reader-binding.yaml": binding("secret-reader", [sa("reporter")], {
      roleKind: "Role",
      name: "reporter",
    }),
    "rbac/web-binding.yaml": binding("view", [sa("web")], { name: "web" }),
    "rbac/viewer-binding.yaml": binding("view", [sa("viewer")], { name: "viewer" }),
  };
  const switching = (to: string) =>
    runRule(
      serviceAccountChangedRule,
      { ...rbac, "apps/web.yaml": deployment("web") },
      { ...rbac, "apps/web.yaml": deployment(to) },
    );

  it("to an account bound to cluster-admin: critical, with what it can do", () => {
    const [finding] = switching("admin");
    expect(finding).toMatchObject({ file: "apps/web.yaml", line: 9, severity: "critical" });
    expect(finding.message).toContain(
      "Deployment shop/web switches its service account from `web` to `admin`: its pods lose the old " +
        "account's permissions and can now do anything (*) with every resource of every API group, URL * " +
        "cluster-wide. Wildcards grant",
    );
  });

  it("to an account that reads secrets: high", () => {
    const [finding] = switching("reporter");
    expect(finding.severity).toBe("high");
    expect(finding.message).toContain("can now read secrets in namespace shop.");
  });

  it("to an account with nothing more than the old one: the rule's own severity", () => {
    const [finding] = switching("viewer");
    expect(finding.severity).toBe("medium");
    expect(finding.message).toContain("gain none that this repository's RBAC grants beyond them");
  });

  it("over partial context, never says the new account gains nothing", () => {
    const [finding] = runRule(
      serviceAccountChangedRule,
      { "apps/web.yaml": deployment("web") },
      { "apps/web.yaml": deployment("admin") },
      { partialContext: true },
    );
    expect(finding.message).toContain("gain every permission bound to the new one");
    expect(finding.message).not.toContain("gain none");
  });

  it("to an account bound to a role the repository does not define", () => {
    const unknown = {
      ...rbac,
      "rbac/vendor.yaml": binding("vendor-operator", [sa("vendor")], { name: "vendor" }),
    };
    const [finding] = runRule(
      serviceAccountChangedRule,
      { ...unknown, "apps/web.yaml": deployment("web") },
      { ...unknown, "apps/web.yaml": deployment("vendor") },
    );
    expect(finding.message).toContain(
      "It is also bound to ClusterRole vendor-operator, which this repository does not define.",
    );
  });

  it("a new workload running as an account already bound to cluster-admin: critical", () => {
    const [finding] = runRule(serviceAccountChangedRule, rbac, {
      ...rbac,
      "apps/tool.yaml": deployment("admin", "tool"),
    });
    expect(finding).toMatchObject({ file: "apps/tool.yaml", line: 9, severity: "critical" });
    expect(finding.message).toContain(
      "New Deployment shop/tool runs as service account `admin`: its pods can do anything (*) with every resource",
    );
  });

  it("a new workload whose account's binding is new too: low here (rbac-binding reports the binding)", () => {
    const [finding] = runRule(
      serviceAccountChangedRule,
      {},
      {
        "apps/tool.yaml": deployment("builder", "tool"),
        "rbac/builder.yaml": binding("edit", [sa("builder")], { name: "builder" }),
      },
    );
    expect(finding.severity).toBe("low");
    expect(finding.message).toContain("its pods can read and write, impersonate serviceaccounts");
  });

  it("a new workload running as its namespace's default account, which a binding names", () => {
    const bound = {
      ...rbac,
      "rbac/default.yaml": binding("cluster-admin", [sa("default", "shop")], {
        kind: "ClusterRoleBinding",
        name: "default-admin",
      }),
    };
    const withoutAccount = deployment("admin", "tool").replace("      serviceAccountName: admin\n", "");
    const [finding] = runRule(serviceAccountChangedRule, bound, {
      ...bound,
      "apps/tool.yaml": withoutAccount,
    });
    expect(finding).toMatchObject({ file: "apps/tool.yaml", line: 8, severity: "critical" });
    expect(finding.message).toContain(
      "New Deployment shop/tool runs as its namespace's default service account: its pods can do anything (*)",
    );
    // Unbound, the default account is nothing to report.
    expect(runRule(serviceAccountChangedRule, rbac, { ...rbac, "apps/tool.yaml": withoutAccount })).toEqual(
      [],
    );
  });

  it("pods that get no API token cannot use the account: low, and the message says why", () => {
    const tokenless = deployment("admin", "tool").replace(
      "      serviceAccountName: admin\n",
      "      serviceAccountName: admin\n      automountServiceAccountToken: false\n",
    );
    const [finding] = runRule(serviceAccountChangedRule, rbac, { ...rbac, "apps/tool.yaml": tokenless });
    expect(finding.severity).toBe("low");
    expect(finding.message).toContain("Its pods get no API token (automountServiceAccountToken: false)");
  });

  it("is silent when an account is renamed with its binding and nothing else changes", () => {
    const account = (name: string) =>
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}, namespace: shop}\n`;
    const before = {
      "sa.yaml": account("web"),
      "b.yaml": binding("view", [sa("web")], { name: "web" }),
      "app.yaml": deployment("web"),
    };
    const after = {
      "sa.yaml": account("web-sa"),
      "b.yaml": binding("view", [sa("web-sa")], { name: "web" }),
      "app.yaml": deployment("web-sa"),
    };
    expect(runRule(serviceAccountChangedRule, before, after)).toEqual([]);
    // A different cloud identity on the new account is a change worth a look.
    const annotated = {
      ...after,
      "sa.yaml": account("web-sa").replace(
        "namespace: shop}",
        "namespace: shop, annotations: {eks.amazonaws.com/role-arn: admin}}",
      ),
    };
    expect(runRule(serviceAccountChangedRule, before, annotated)).toHaveLength(1);
  });

  const narrower = { "rbac/broad.yaml": binding("edit", [sa("broad")], { name: "broad" }) };
  const moving = (to: string, bindings: Record<string, string>) =>
    runRule(
      serviceAccountChangedRule,
      { ...narrower, "apps/web.yaml": deployment("broad") },
      { ...narrower, ...bindings, "apps/web.yaml": deployment(to) },
    );

  it("a move to a new, narrower account: reported, nothing claimed, not critical", () => {
    const findings = moving("narrow", {
      "rbac/narrow.yaml": binding("view", [sa("narrow")], { name: "narrow" }),
    });
    expect(findings.map(({ file, line, severity }) => ({ file, line, severity }))).toEqual([
      { file: "apps/web.yaml", line: 9, severity: "medium" },
    ]);
    expect(findings[0].message).toContain(
      "switches its service account from `broad` to `narrow`: its pods lose the old account's permissions and " +
        "gain none that this repository's RBAC grants beyond them.",
    );
    expect(findings[0].message).not.toContain("can now");
  });

  it("a move to a broader account: only the difference, graded by it", () => {
    const [finding] = moving("wider", {
      "rbac/wider.yaml": binding("admin", [sa("wider")], { name: "wider" }),
    });
    expect(finding).toMatchObject({ file: "apps/web.yaml", line: 9, severity: "critical" });
    expect(finding.message).toContain(
      "its pods lose the old account's permissions and can now read and write rolebindings.rbac.authorization.k8s.io, " +
        "roles.rbac.authorization.k8s.io; create localsubjectaccessreviews.authorization.k8s.io in namespace shop.",
    );
    expect(finding.message).not.toContain("secrets");
    // Reading what edit already reads, and a little more, is graded by the little more.
    const [reader] = moving("reader", {
      "rbac/reader.yaml": role("reader", [rule("", "secrets", "get"), rule("", "events", "create")]),
      "rbac/reader-binding.yaml": binding("reader", [sa("reader")], { roleKind: "Role", name: "reader" }),
    });
    expect(reader.severity).toBe("medium");
    expect(reader.message).toContain("can now create events in namespace shop.");
  });

  it("a namespace-less Deployment switched to an account a namespace-less binding makes cluster-admin", () => {
    const rbacFiles = { "rbac/crb.yaml": managerBinding("cluster-admin") };
    const [finding] = runRule(
      serviceAccountChangedRule,
      { ...rbacFiles, "manager.yaml": kbManager("default") },
      { ...rbacFiles, "manager.yaml": kbManager() },
    );
    expect(finding).toMatchObject({ file: "manager.yaml", line: 8, severity: "critical" });
    expect(finding.message).toContain("can now do anything (*) with every resource of every API group");
  });

  it("a new namespace-less Deployment running as an account a namespace-less binding makes cluster-admin", () => {
    const rbacFiles = { "rbac/crb.yaml": managerBinding("cluster-admin"), "rbac/sa.yaml": KB_ACCOUNT };
    const [finding] = runRule(serviceAccountChangedRule, rbacFiles, {
      ...rbacFiles,
      "manager.yaml": kbManager(),
    });
    expect(finding).toMatchObject({ file: "manager.yaml", line: 8, severity: "critical" });
  });

  it("judges the new account by the head: a binding added in the same change counts", () => {
    const [finding] = runRule(
      serviceAccountChangedRule,
      { "apps/web.yaml": deployment("web") },
      {
        "apps/web.yaml": deployment("builder"),
        "rbac/builder.yaml": binding("edit", [sa("builder")], { name: "builder" }),
      },
    );
    expect(finding.severity).toBe("critical");
  });
});
