import { describe, expect, it } from "vitest";
import { rbacAggregationRule } from "../../src/rules/rbac-aggregation.js";
import { type Case, table } from "./pod-fixtures.js";
import { aggregatingRole, binding, clusterRole, rule, sa } from "./rbac-fixtures.js";
import { runRule } from "./tester.js";

const TO_VIEW = '{ rbac.authorization.k8s.io/aggregate-to-view: "true" }';
const TO_EDIT = '{ rbac.authorization.k8s.io/aggregate-to-edit: "true" }';
const MINE = '{ example.com/aggregate-to-monitoring: "true" }';
const readSecrets = rule("", "secrets", "get,list");
const readWidgets = rule("example.com", "widgets", "get,list,watch");
const writeWidgets = rule("example.com", "widgets", "create,update");

/** ClusterRole backups reading secrets, its labels in a block from line 6, one a line. */
function labelled(...labels: string[]): string {
  return [
    "apiVersion: rbac.authorization.k8s.io/v1",
    "kind: ClusterRole",
    "metadata:",
    "  name: backups",
    "  labels:",
    ...labels.map((label) => `    ${label}`),
    "rules:",
    readSecrets,
    "",
  ].join("\n");
}
const VIEW_LABEL = 'rbac.authorization.k8s.io/aggregate-to-view: "true"';
const MINE_LABEL = 'example.com/aggregate-to-monitoring: "true"';

const cases: Case[] = [
  {
    name: "an aggregation label added below other labels: the label's own line",
    base: labelled("app: backups", "tier: ops"),
    head: labelled("app: backups", "tier: ops", VIEW_LABEL),
    expected: [{ line: 8, side: "head", severity: "high" }],
  },
  {
    name: "another label altered in the same change: still the aggregation label's line",
    base: labelled("app: backups", "tier: ops"),
    head: labelled("app: backups", "tier: platform", VIEW_LABEL),
    expected: [{ line: 8, side: "head", severity: "high" }],
  },
  {
    name: "a new role whose aggregation label comes last: that label's line",
    head: labelled("app: backups", "tier: ops", VIEW_LABEL),
    expected: [{ line: 8, side: "head", severity: "high" }],
  },
  {
    name: "a new role collected by a repository's selector: the selected label's line",
    head: {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "part.yaml": labelled("app: backups", MINE_LABEL, "tier: ops"),
    },
    expected: [
      { line: 8, side: "head", severity: "high", file: "agg.yaml" },
      { line: 7, side: "head", severity: "high", file: "part.yaml" },
    ],
  },
  {
    name: "aggregate-to-view added to a role that reads secrets",
    base: clusterRole("backups", [readSecrets]),
    head: clusterRole("backups", [readSecrets], TO_VIEW),
    expected: [{ line: 5, side: "head", severity: "high" }],
  },
  {
    name: "a new role aggregating write access to custom resources into edit",
    head: clusterRole("widgets-edit", [writeWidgets], TO_EDIT),
    expected: [{ line: 5, side: "head", severity: "medium" }],
  },
  {
    name: "read access to a custom resource aggregated into view: at least medium",
    head: clusterRole("widgets-view", [readWidgets], TO_VIEW),
    expected: [{ line: 5, side: "head", severity: "medium" }],
  },
  {
    name: "aggregating what view already grants adds nothing",
    head: clusterRole("extra-view", [rule("", "configmaps", "get,list")], TO_VIEW),
    expected: [],
  },
  {
    name: "the label already there (the role's rules changed instead: rbac-escalation's job)",
    base: clusterRole("widgets-view", [readWidgets], TO_VIEW),
    head: clusterRole("widgets-view", [readWidgets, readSecrets], TO_VIEW),
    expected: [],
  },
  {
    name: 'the label set to "false"',
    head: clusterRole(
      "widgets-view",
      [readSecrets],
      '{ rbac.authorization.k8s.io/aggregate-to-view: "false" }',
    ),
    expected: [],
  },
  {
    name: "the label removed",
    base: clusterRole("widgets-view", [readSecrets], TO_VIEW),
    head: clusterRole("widgets-view", [readSecrets]),
    expected: [],
  },
  {
    name: "an aggregationRule added that collects a role of the repository",
    base: {
      "agg.yaml": clusterRole("monitoring", []),
      "part.yaml": clusterRole("exec", [rule("", "pods/exec", "create")], MINE),
    },
    head: {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "part.yaml": clusterRole("exec", [rule("", "pods/exec", "create")], MINE),
    },
    expected: [{ line: 8, side: "head", severity: "high", file: "agg.yaml" }],
  },
  {
    name: "an empty selector collects every ClusterRole",
    base: aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
    head: aggregatingRole("monitoring", [`matchLabels: ${MINE}`, "{}"]),
    expected: [{ line: 9, side: "head", severity: "critical" }],
  },
  {
    name: "a selector that matches no role of the repository yet",
    head: aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
    expected: [{ line: 8, side: "head", severity: "low" }],
  },
  {
    name: "a selector narrowed with another requirement",
    base: aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
    head: aggregatingRole("monitoring", [
      `matchLabels: { example.com/aggregate-to-monitoring: "true", tier: ops }`,
    ]),
    expected: [],
  },
  {
    name: "selectors reordered",
    base: aggregatingRole("monitoring", [`matchLabels: ${MINE}`, "matchLabels: { tier: ops }"]),
    head: aggregatingRole("monitoring", ["matchLabels: { tier: ops }", `matchLabels: ${MINE}`]),
    expected: [],
  },
  {
    name: "a selector swapped for a wider one",
    base: aggregatingRole("monitoring", [
      `matchLabels: { example.com/aggregate-to-monitoring: "true", tier: ops }`,
    ]),
    head: aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
    expected: [{ line: 8, side: "head", severity: "low" }],
  },
  {
    name: "a role labelled for a custom aggregating ClusterRole that is bound",
    base: {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "crb.yaml": binding("monitoring", [sa("prometheus", "mon")], {
        kind: "ClusterRoleBinding",
        name: "monitoring",
      }),
      "part.yaml": clusterRole("secrets", [readSecrets]),
    },
    head: {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "crb.yaml": binding("monitoring", [sa("prometheus", "mon")], {
        kind: "ClusterRoleBinding",
        name: "monitoring",
      }),
      "part.yaml": clusterRole("secrets", [readSecrets], MINE),
    },
    expected: [{ line: 5, side: "head", severity: "high", file: "part.yaml" }],
  },
  {
    name: "one finding for a role aggregated into view, edit and admin at once",
    head: clusterRole(
      "widgets",
      [rule("example.com", "*", "get,list,watch")],
      '{ rbac.authorization.k8s.io/aggregate-to-view: "true", rbac.authorization.k8s.io/aggregate-to-edit: "true", rbac.authorization.k8s.io/aggregate-to-admin: "true" }',
    ),
    expected: [{ line: 5, side: "head", severity: "medium" }],
  },
  {
    name: "full state: an existing label is judged against the built-in role alone",
    base: clusterRole("backups", [readSecrets], TO_VIEW),
    head: clusterRole("backups", [readSecrets], TO_VIEW),
    fullState: true,
    expected: [{ line: 5, side: "head", severity: "high" }],
  },
  {
    name: "garbage: labels not a mapping, selectors not a list",
    head: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: odd
  labels: [1, 2]
aggregationRule:
  clusterRoleSelectors: nope
`,
    expected: [],
  },
];

describe("rbac-aggregation", () => {
  table(rbacAggregationRule, cases);

  it("names the built-in roles reached and what their subjects gain", () => {
    const [finding] = runRule(
      rbacAggregationRule,
      clusterRole("backups", [readSecrets]),
      clusterRole("backups", [readSecrets], TO_VIEW),
    );
    expect(finding.message).toBe(
      "ClusterRole backups now aggregates into the built-in view role: every subject bound to it can get, " +
        "list secrets. Aggregated rules reach every subject bound to these roles across " +
        "the cluster; aggregate only read access to your own custom resources, and bind other permissions " +
        "explicitly.",
    );
  });

  it("names the aggregating role and who is bound to it", () => {
    const findings = runRule(rbacAggregationRule, undefined, {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "crb.yaml": binding("monitoring", [sa("prometheus", "mon")], {
        kind: "ClusterRoleBinding",
        name: "monitoring",
      }),
      "part.yaml": clusterRole("secrets", [readSecrets], MINE),
    });
    expect(findings.find((f) => f.file === "part.yaml")?.message).toBe(
      "ClusterRole secrets now aggregates into ClusterRole monitoring: every subject bound to it can get, list " +
        "secrets. Who gains it: service account mon/prometheus. Aggregated rules reach every subject bound to " +
        "these roles across the cluster; aggregate only read access to your own custom resources, and bind " +
        "other permissions explicitly.",
    );
  });

  it("names each built-in role once, and a wildcard of a group plainly", () => {
    const labels =
      '{ rbac.authorization.k8s.io/aggregate-to-view: "true", rbac.authorization.k8s.io/aggregate-to-edit: "true", rbac.authorization.k8s.io/aggregate-to-admin: "true" }';
    const [finding] = runRule(
      rbacAggregationRule,
      undefined,
      clusterRole("widgets", [rule("a.example.com", "*", "create,delete")], labels),
    );
    expect(finding.message).toContain(
      "now aggregates into the built-in view, edit, admin roles: every subject bound to them can create, " +
        "delete every resource of a.example.com.",
    );
  });

  it("follows a built-in collector to its bindings: view bound to everybody makes it critical", () => {
    const everyone = binding("view", ['{ kind: Group, name: "system:authenticated" }'], {
      kind: "ClusterRoleBinding",
      name: "everyone-views",
    });
    const findings = runRule(
      rbacAggregationRule,
      { "r.yaml": clusterRole("backups", [readSecrets]), "b.yaml": everyone },
      { "r.yaml": clusterRole("backups", [readSecrets], TO_VIEW), "b.yaml": everyone },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe("critical");
    expect(findings[0].message).toContain(
      "Who gains it: system:authenticated (every authenticated user and service account).",
    );
  });

  it("raises a wider selector to critical when its role is bound to everybody, unless it collects nothing yet", () => {
    const everyone = binding("monitoring", ['{ kind: Group, name: "system:authenticated" }'], {
      kind: "ClusterRoleBinding",
      name: "everyone",
    });
    const collecting = {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "b.yaml": everyone,
      "part.yaml": clusterRole("widgets", [writeWidgets], MINE),
    };
    const bound = runRule(rbacAggregationRule, { "b.yaml": everyone }, collecting).find(
      (f) => f.file === "agg.yaml",
    );
    expect(bound?.severity).toBe("critical");
    expect(bound?.message).toContain("Who gains it: system:authenticated");
    const empty = { "agg.yaml": collecting["agg.yaml"], "b.yaml": everyone };
    const [nothingYet] = runRule(rbacAggregationRule, { "b.yaml": everyone }, empty);
    expect(nothingYet.severity).toBe("low");
  });

  it("names a namespace-less service account bound to the collecting role", () => {
    const findings = runRule(rbacAggregationRule, undefined, {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "crb.yaml": binding("monitoring", [sa("controller-manager")], {
        kind: "ClusterRoleBinding",
        name: "monitoring",
      }),
      "part.yaml": clusterRole("secrets", [readSecrets], MINE),
    });
    expect(findings.find((f) => f.file === "part.yaml")?.message).toContain(
      "Who gains it: service account controller-manager (namespace set at deploy time).",
    );
  });

  it("names the roles a selector collects", () => {
    const [finding] = runRule(rbacAggregationRule, undefined, {
      "agg.yaml": aggregatingRole("monitoring", [`matchLabels: ${MINE}`]),
      "part.yaml": clusterRole("widgets", [writeWidgets], MINE),
    });
    expect(finding.message).toContain(
      "ClusterRole monitoring aggregates with a wider selector (it collects widgets): subjects bound to it can " +
        "now create, update widgets.example.com.",
    );
  });
});
