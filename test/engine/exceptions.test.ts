import { describe, expect, it } from "vitest";
import type { PolicyException } from "../../src/engine/exceptions.js";
import { review } from "../../src/engine/review.js";
import { blockingFindings, reviewPassed } from "../../src/engine/types.js";
import { defaultPolicy } from "../../src/policy/load.js";
import { rulesOf } from "../../src/rules/catalog.js";

/** A Deployment with an app container and a sidecar; `privileged` lists the privileged ones. */
function deployment(namespace: string, name: string, privileged: string[] = []): string {
  const container = (c: string) =>
    `        - name: ${c}\n          image: registry.example.com/${c}:1\n` +
    (privileged.includes(c) ? "          securityContext: {privileged: true}\n" : "");
  return (
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n` +
    `  template:\n    spec:\n      hostNetwork: ${privileged.length > 0}\n      containers:\n` +
    container("app") +
    container("sidecar")
  );
}

const CLUSTER_ROLE = (verbs: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ops-admin\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [${verbs}]\n`;

const ROLE = (verbs: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ops-admin\n  namespace: ops\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [${verbs}]\n`;

function exception(fields: Partial<PolicyException>, index = 0): PolicyException {
  return {
    rule: "privileged-container",
    reason: "needs the host devices",
    expires: "2026-01-31",
    source: ".github/kubedelta.yml",
    index,
    ...fields,
  };
}

/** Reviews one file that changes from `base` to `head`, with these exceptions, on `today` (null: no date). */
function run(base: string, head: string, exceptions: PolicyException[], today: string | null = "2026-01-15") {
  const policy = defaultPolicy();
  policy.exceptions = exceptions;
  return review({
    base: new Map([["k8s/app.yaml", base]]),
    head: new Map([["k8s/app.yaml", head]]),
    policy,
    rules: rulesOf(policy),
    today: today ?? undefined,
  });
}

const PRIVILEGED = () => run(deployment("ops", "agent"), deployment("ops", "agent", ["app", "sidecar"]), []);

describe("the container a finding is about", () => {
  it("comes from the container item on the hit's path, for every pod rule", () => {
    const head =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n" +
      "      initContainers:\n        - name: migrate\n          image: registry.example.com/migrate:latest\n" +
      "      containers:\n        - name: web\n          image: registry.example.com/web:1\n" +
      "          securityContext: {privileged: true}\n";
    const { findings } = run("", head, []);
    const about = findings.map((f) => `${f.rule} ${f.container ?? "-"}`);
    expect(about).toEqual(
      expect.arrayContaining([
        "image-tag-mutable migrate",
        "resources-missing migrate",
        "resources-missing web",
        "privileged-container web",
        "readiness-probe-missing web",
        "network-policy-missing -",
      ]),
    );
  });

  it("is absent for pod-level findings and for nameless containers", () => {
    const { findings } = PRIVILEGED();
    expect(findings.find((f) => f.rule === "host-namespace")?.container).toBeUndefined();
    const nameless = run(
      "",
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ops\nspec:\n  containers:\n    - image: x:1\n      securityContext: {privileged: true}\n",
      [],
    );
    const privileged = nameless.findings.find((f) => f.rule === "privileged-container");
    expect(privileged).toBeDefined();
    expect(privileged?.container).toBeUndefined();
  });
});

describe("exceptions", () => {
  it("move the matching findings into excepted, with the exception, and they stop blocking", () => {
    const without = PRIVILEGED();
    expect(without.findings.filter((f) => f.rule === "privileged-container")).toHaveLength(2);
    const result = run(deployment("ops", "agent"), deployment("ops", "agent", ["app", "sidecar"]), [
      exception({ kind: "Deployment", namespace: "ops", name: "agent" }),
    ]);
    expect(result.findings.filter((f) => f.rule === "privileged-container")).toEqual([]);
    expect(result.excepted.map((e) => [e.finding.rule, e.finding.container, e.exception.reason])).toEqual([
      ["privileged-container", "app", "needs the host devices"],
      ["privileged-container", "sidecar", "needs the host devices"],
    ]);
    // Everything else is untouched, in the same order.
    expect(result.findings).toEqual(without.findings.filter((f) => f.rule !== "privileged-container"));
    expect(blockingFindings(result).some((f) => f.rule === "privileged-container")).toBe(false);
    expect(result.expiredExceptions).toEqual([]);
  });

  it("match kind, namespace and name by glob (kind case-insensitively), each one optional", () => {
    const excepted = (fields: Partial<PolicyException>) =>
      run(deployment("ops", "agent-7"), deployment("ops", "agent-7", ["app"]), [exception(fields)]).excepted
        .length;
    expect(excepted({ kind: "Deploy*" })).toBe(1);
    expect(excepted({ kind: "deployment" })).toBe(1);
    expect(excepted({ kind: "{StatefulSet,Deployment}" })).toBe(1);
    expect(excepted({ kind: "StatefulSet" })).toBe(0);
    expect(excepted({ namespace: "o?s" })).toBe(1);
    expect(excepted({ namespace: "*" })).toBe(1);
    expect(excepted({ namespace: "shop" })).toBe(0);
    expect(excepted({ name: "agent-*" })).toBe(1);
    expect(excepted({ name: "agent" })).toBe(0);
    expect(excepted({ kind: "Deployment", namespace: "ops", name: "web" })).toBe(0);
    // Another rule's exception never covers this one's findings.
    expect(
      run(deployment("ops", "agent-7"), deployment("ops", "agent-7", ["app"]), [
        exception({ rule: "host-namespace", name: "agent-*" }),
      ]).excepted.map((e) => e.finding.rule),
    ).toEqual(["host-namespace"]);
  });

  it("with a container only cover findings about a matching container", () => {
    const result = run(deployment("ops", "agent"), deployment("ops", "agent", ["app", "sidecar"]), [
      exception({ name: "agent", container: "side*" }),
      exception({ rule: "host-namespace", name: "agent", container: "*" }, 1),
    ]);
    expect(result.excepted.map((e) => e.finding.container)).toEqual(["sidecar"]);
    // The pod-level host-namespace finding is about no container: a container glob never matches it.
    expect(result.findings.map((f) => `${f.rule} ${f.container ?? "-"}`)).toEqual(
      expect.arrayContaining(["privileged-container app", "host-namespace -"]),
    );
  });

  it('select cluster-scoped resources only with namespace: "" (or no namespace)', () => {
    const clusterRole = (fields: Partial<PolicyException>) =>
      run(CLUSTER_ROLE("get"), CLUSTER_ROLE("get, delete"), [
        exception({ rule: "rbac-escalation", ...fields }),
      ]).excepted.length;
    expect(clusterRole({ namespace: "" })).toBe(1);
    expect(clusterRole({ name: "ops-admin" })).toBe(1);
    expect(clusterRole({ namespace: "*" })).toBe(0);
    expect(clusterRole({ namespace: "**" })).toBe(0);
    const role = (fields: Partial<PolicyException>) =>
      run(ROLE("get"), ROLE("get, delete"), [exception({ rule: "rbac-escalation", ...fields })]).excepted
        .length;
    expect(role({ namespace: "" })).toBe(0);
    expect(role({ namespace: "*" })).toBe(1);
    expect(role({ name: "ops-admin" })).toBe(1);
  });

  it("apply through their expiry day (UTC) and not the day after, when the result names them", () => {
    const onDay = (today: string) =>
      run(
        deployment("ops", "agent"),
        deployment("ops", "agent", ["app", "sidecar"]),
        [exception({ kind: "Deployment", name: "agent", expires: "2026-01-31" })],
        today,
      );
    expect(onDay("2026-01-31").excepted).toHaveLength(2);
    expect(onDay("2026-01-31").expiredExceptions).toEqual([]);
    const after = onDay("2026-02-01");
    expect(after.excepted).toEqual([]);
    const counted = after.findings.filter((f) => f.rule === "privileged-container");
    expect(counted).toHaveLength(2);
    expect(after.expiredExceptions).toEqual([
      {
        exception: exception({ kind: "Deployment", name: "agent", expires: "2026-01-31" }),
        fingerprints: counted.map((f) => f.fingerprint),
      },
    ]);
    expect(reviewPassed(after)).toBe(false);
  });

  it("an expired exception is not named when a live one covers the same finding; the first live one wins", () => {
    const result = run(deployment("ops", "agent"), deployment("ops", "agent", ["app"]), [
      exception({ name: "agent", expires: "2025-12-31", reason: "old" }),
      exception({ name: "agent", reason: "first" }, 1),
      exception({ name: "*", reason: "second" }, 2),
    ]);
    expect(result.excepted.map((e) => e.exception.reason)).toEqual(["first"]);
    expect(result.expiredExceptions).toEqual([]);
  });

  it("an expired exception names each risk once, however many files hold a copy of the resource", () => {
    const policy = defaultPolicy();
    policy.exceptions = [exception({ name: "agent", expires: "2025-12-31" })];
    const copies = (privileged: string[]) =>
      new Map([
        ["install.yaml", deployment("ops", "agent", privileged)],
        ["install-ha.yaml", deployment("ops", "agent", privileged)],
      ]);
    const result = review({
      base: copies([]),
      head: copies(["app"]),
      policy,
      rules: rulesOf(policy),
      today: "2026-01-15",
    });
    const counted = result.findings.filter((f) => f.rule === "privileged-container");
    expect(counted).toHaveLength(2);
    expect(result.expiredExceptions[0].fingerprints).toEqual([counted[0].fingerprint]);
  });

  it("an expired exception that matches nothing is not reported", () => {
    const result = run(deployment("ops", "agent"), deployment("ops", "agent", ["app"]), [
      exception({ name: "other", expires: "2025-12-31" }),
    ]);
    expect(result.expiredExceptions).toEqual([]);
  });

  it("never apply without a date, and a date that is not one is refused", () => {
    const undated = run(
      deployment("ops", "agent"),
      deployment("ops", "agent", ["app"]),
      [exception({ name: "agent" })],
      null,
    );
    expect(undated.excepted).toEqual([]);
    expect(undated.findings.some((f) => f.rule === "privileged-container")).toBe(true);
    expect(() =>
      run(deployment("ops", "agent"), deployment("ops", "agent", ["app"]), [], "2026-02-30"),
    ).toThrow('the review date must be written YYYY-MM-DD; got "2026-02-30"');
  });
});
