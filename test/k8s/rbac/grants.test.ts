import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { resourceSet } from "../../../src/engine/resource-set.js";
import type { ResourceSet, RuleContext } from "../../../src/engine/rule.js";
import type { Json, JsonObject, Resource } from "../../../src/engine/types.js";
import {
  type Grant,
  grantKey,
  grantsOf,
  isCovered,
  newGrants,
  priorVerbs,
  RoleTooLargeError,
  readRules,
  ruleCovers,
} from "../../../src/k8s/rbac/grants.js";
import { rbacEscalationRule } from "../../../src/rules/rbac-escalation.js";
import { runRule } from "../../rules/tester.js";

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** Property tests run the whole engine per case: allow time in proportion to the runs. */
const FUZZ_TIMEOUT = 5_000 + FUZZ_RUNS * 25;

/** One rule read from its manifest form. */
function policyRule(rule: JsonObject) {
  const [read] = readRules({ rules: [rule] });
  if (!read) throw new Error(`rule not readable: ${JSON.stringify(rule)}`);
  return read;
}

function resourceGrant(apiGroup: string, resource: string, verb: string, resourceName?: string): Grant {
  return {
    type: "resource",
    apiGroup,
    resource,
    verb,
    resourceName,
    rule: 0,
    resourceIndex: 0,
    verbIndex: 0,
  };
}

function urlGrant(url: string, verb: string): Grant {
  return { type: "url", url, verb, rule: 0, urlIndex: 0, verbIndex: 0 };
}

describe("readRules", () => {
  it("keeps positions and skips what the API server would refuse", () => {
    const rules = readRules({
      rules: [
        { apiGroups: [""], resources: ["pods", 7], verbs: ["get"] },
        "oops",
        { apiGroups: [""], resources: "pods", verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: { get: true } },
        { nonResourceURLs: ["/metrics"], verbs: ["get"], resourceNames: null },
      ],
    });
    expect(rules.map((r) => r.index)).toEqual([0, 4]);
    expect(rules[0].resources).toEqual(["pods", undefined]);
    expect(rules[1].resourceNames).toEqual([]);
  });

  it("reads a role without rules, or with garbage rules, as no rules", () => {
    expect(readRules({})).toEqual([]);
    expect(readRules({ rules: "all" })).toEqual([]);
    expect(readRules({ rules: null })).toEqual([]);
    expect(readRules(undefined)).toEqual([]);
  });
});

describe("ruleCovers", () => {
  const cases: [string, JsonObject, Grant, boolean][] = [
    [
      "exact",
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
      resourceGrant("apps", "deployments", "get"),
      true,
    ],
    [
      "other verb",
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
      resourceGrant("apps", "deployments", "list"),
      false,
    ],
    [
      "* verbs",
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] },
      resourceGrant("apps", "deployments", "escalate"),
      true,
    ],
    [
      "enumerated verbs do not cover *",
      {
        apiGroups: [""],
        resources: ["pods"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
      },
      resourceGrant("", "pods", "*"),
      false,
    ],
    [
      "* groups",
      { apiGroups: ["*"], resources: ["deployments"], verbs: ["get"] },
      resourceGrant("example.com", "deployments", "get"),
      true,
    ],
    [
      "other group",
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
      resourceGrant("extensions", "deployments", "get"),
      false,
    ],
    [
      "no groups matches nothing",
      { resources: ["pods"], verbs: ["get"] },
      resourceGrant("", "pods", "get"),
      false,
    ],
    [
      "* resources",
      { apiGroups: [""], resources: ["*"], verbs: ["get"] },
      resourceGrant("", "secrets", "get"),
      true,
    ],
    [
      "* resources cover subresources",
      { apiGroups: [""], resources: ["*"], verbs: ["create"] },
      resourceGrant("", "pods/exec", "create"),
      true,
    ],
    [
      "a resource does not cover its subresources",
      { apiGroups: [""], resources: ["pods"], verbs: ["create"] },
      resourceGrant("", "pods/exec", "create"),
      false,
    ],
    [
      "a subresource does not cover its resource",
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      resourceGrant("", "pods", "get"),
      false,
    ],
    [
      "*/scale covers any scale",
      { apiGroups: ["apps"], resources: ["*/scale"], verbs: ["update"] },
      resourceGrant("apps", "statefulsets/scale", "update"),
      true,
    ],
    [
      "*/scale covers itself",
      { apiGroups: ["apps"], resources: ["*/scale"], verbs: ["update"] },
      resourceGrant("apps", "*/scale", "update"),
      true,
    ],
    [
      "*/scale is not *",
      { apiGroups: ["apps"], resources: ["*/scale"], verbs: ["update"] },
      resourceGrant("apps", "deployments", "update"),
      false,
    ],
    [
      "deployments/scale does not cover */scale",
      { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["update"] },
      resourceGrant("apps", "*/scale", "update"),
      false,
    ],
    [
      "*/* is literal",
      { apiGroups: [""], resources: ["*/*"], verbs: ["get"] },
      resourceGrant("", "pods/log", "get"),
      false,
    ],
    [
      "all names cover one name",
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
      resourceGrant("", "secrets", "get", "a"),
      true,
    ],
    [
      "one name covers itself",
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["a", "b"], verbs: ["get"] },
      resourceGrant("", "secrets", "get", "b"),
      true,
    ],
    [
      "names do not cover other names",
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["a"], verbs: ["get"] },
      resourceGrant("", "secrets", "get", "c"),
      false,
    ],
    [
      "names do not cover all names",
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["a"], verbs: ["get"] },
      resourceGrant("", "secrets", "get"),
      false,
    ],
    [
      "an empty names list is all names",
      { apiGroups: [""], resources: ["secrets"], resourceNames: [], verbs: ["get"] },
      resourceGrant("", "secrets", "get"),
      true,
    ],
    [
      "* is not a name wildcard",
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["*"], verbs: ["get"] },
      resourceGrant("", "secrets", "get", "a"),
      false,
    ],
    [
      "case matters",
      { apiGroups: [""], resources: ["Secrets"], verbs: ["GET"] },
      resourceGrant("", "secrets", "get"),
      false,
    ],
    ["exact URL", { nonResourceURLs: ["/metrics"], verbs: ["get"] }, urlGrant("/metrics", "get"), true],
    ["URL prefix", { nonResourceURLs: ["/logs/*"], verbs: ["get"] }, urlGrant("/logs/a/b", "get"), true],
    [
      "URL prefix covers a narrower prefix",
      { nonResourceURLs: ["/logs*"], verbs: ["get"] },
      urlGrant("/logs/*", "get"),
      true,
    ],
    [
      "URL prefix does not cover a wider one",
      { nonResourceURLs: ["/logs/*"], verbs: ["get"] },
      urlGrant("/logs*", "get"),
      false,
    ],
    [
      "URL without star is exact",
      { nonResourceURLs: ["/logs"], verbs: ["get"] },
      urlGrant("/logs/x", "get"),
      false,
    ],
    ["* URL", { nonResourceURLs: ["*"], verbs: ["get"] }, urlGrant("/anything", "get"), true],
    [
      "resource rules do not cover URLs",
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      urlGrant("/metrics", "get"),
      false,
    ],
    [
      "URL rules do not cover resources",
      { nonResourceURLs: ["*"], verbs: ["*"] },
      resourceGrant("", "pods", "get"),
      false,
    ],
  ];
  it.each(cases)("%s", (_, rule, grant, covered) => {
    expect(ruleCovers(policyRule(rule), grant)).toBe(covered);
  });
});

describe("grantsOf and newGrants", () => {
  it("expands the cross product once per permission, in manifest order", () => {
    const rules = readRules({
      rules: [
        {
          apiGroups: ["", "apps"],
          resources: ["pods"],
          verbs: ["get", "get", "list"],
          resourceNames: ["a", "b"],
        },
        { apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["a"] },
        { nonResourceURLs: ["/metrics"], verbs: ["get"] },
      ],
    });
    const grants = grantsOf(rules, true);
    expect(grants).toHaveLength(2 * 2 * 2 + 1);
    expect(grants[0]).toEqual({
      type: "resource",
      apiGroup: "",
      resource: "pods",
      verb: "get",
      resourceName: "a",
      rule: 0,
      resourceIndex: 0,
      verbIndex: 0,
      nameIndex: 0,
    });
    expect(grants[2]).toMatchObject({ verb: "list", verbIndex: 2 });
    expect(grants.at(-1)).toEqual({
      type: "url",
      url: "/metrics",
      verb: "get",
      rule: 2,
      urlIndex: 0,
      verbIndex: 0,
    });
  });

  it("never merges a crafted name with the every-name grant", () => {
    const rules = readRules({
      rules: [
        { apiGroups: [""], resources: ["secrets"], resourceNames: ["\u0001"], verbs: ["get"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
      ],
    });
    expect(grantsOf(rules, false)).toHaveLength(2);
  });

  it("leaves non-resource URLs out of namespaced Roles", () => {
    expect(grantsOf(readRules({ rules: [{ nonResourceURLs: ["*"], verbs: ["*"] }] }), false)).toEqual([]);
  });

  it("finds what no single base rule covers, even when the union of rules would", () => {
    const before = readRules({
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["list"] },
      ],
    });
    const after = readRules({
      rules: [{ apiGroups: [""], resources: ["pods", "secrets"], verbs: ["get", "list"] }],
    });
    const added = newGrants(before, after, false).map((g) =>
      g.type === "resource" ? `${g.resource}:${g.verb}` : "",
    );
    expect(added).toEqual(["pods:list", "secrets:get"]);
  });

  it("knows which verbs the base already had on a target", () => {
    const before = readRules({
      rules: [
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
        { apiGroups: ["*"], resources: ["*/scale"], verbs: ["update"] },
        { apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["web"], verbs: ["patch"] },
      ],
    });
    expect(priorVerbs(resourceGrant("apps", "deployments", "*"), before)).toEqual(new Set(["get", "list"]));
    expect(priorVerbs(resourceGrant("apps", "deployments", "*"), before, true)).toEqual(
      new Set(["get", "list", "patch"]),
    );
    expect(priorVerbs(resourceGrant("apps", "deployments/scale", "get"), before)).toEqual(
      new Set(["update"]),
    );
  });

  it("refuses to expand a role too large to compare", () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`);
    const huge = readRules({ rules: [{ apiGroups: names(100), resources: names(100), verbs: names(100) }] });
    expect(() => grantsOf(huge, true)).toThrow(RoleTooLargeError);
    const repeated = readRules({
      rules: [{ apiGroups: [""], resources: Array(1000).fill("pods"), verbs: Array(1000).fill("get") }],
    });
    expect(() => grantsOf(repeated, false)).toThrow(RoleTooLargeError);
    const wide = readRules({ rules: [{ apiGroups: [""], resources: names(5000), verbs: names(20) }] });
    const many = readRules({
      rules: names(300).map((n) => ({ apiGroups: [n], resources: ["pods"], verbs: ["get"] })),
    });
    expect(() => newGrants(many, wide, false)).toThrow(/too large to compare/);
  });
});

// Property tests: random roles from a small vocabulary, so that wildcards, subresources and
// names collide often.

const GROUPS = ["", "apps", "*"];
const RESOURCES = ["pods", "pods/exec", "secrets", "deployments", "deployments/scale", "*/scale", "*"];
const VERBS = ["get", "list", "create", "escalate", "*"];
const NAMES = ["a", "b"];
const URLS = ["/metrics", "/logs/*", "/logs/x", "*"];

const subset = <T>(values: T[]) => fc.subarray(values, { minLength: 1 });

const resourceRule = fc.record(
  {
    apiGroups: subset(GROUPS),
    resources: subset(RESOURCES),
    verbs: subset(VERBS),
    resourceNames: fc.subarray(NAMES),
  },
  { requiredKeys: ["apiGroups", "resources", "verbs"] },
);
const urlRule = fc.record({ nonResourceURLs: subset(URLS), verbs: subset(VERBS) });
const rulesArb = fc.array(fc.oneof(resourceRule, resourceRule, urlRule), { minLength: 1, maxLength: 5 });
const kindArb = fc.constantFrom("Role", "ClusterRole");

function manifest(kind: string, rules: Json[]): string {
  const metadata = kind === "Role" ? { name: "r", namespace: "ns" } : { name: "r" };
  return stringify({ apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata, rules });
}

/** Every rule broken into one rule per list item of `axis`, where it has one. */
function splitBy(rules: JsonObject[], axis: string): JsonObject[] {
  return rules.flatMap((rule) => {
    const values = rule[axis];
    if (!Array.isArray(values) || values.length === 0) return [rule];
    return values.map((value) => ({ ...rule, [axis]: [value] }));
  });
}

describe("rbac-escalation properties", () => {
  it(
    "permuting rules and splitting them on any axis never produces a finding",
    () => {
      const axes = ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"];
      fc.assert(
        fc.property(kindArb, rulesArb, fc.subarray(axes), fc.nat(), (kind, rules, split, seed) => {
          let after: JsonObject[] = rules;
          for (const axis of split) after = splitBy(after, axis);
          // A rotation plus a reversal: a permutation that depends on the seed.
          const at = seed % after.length;
          after = [...after.slice(at), ...after.slice(0, at)];
          if (seed % 2 === 1) after.reverse();
          expect(runRule(rbacEscalationRule, manifest(kind, rules), manifest(kind, after))).toEqual([]);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "adding a verb no base rule has ever allowed always produces a finding",
    () => {
      const noWildcardVerbs = fc.array(
        resourceRule.map((r) => ({ ...r, verbs: r.verbs.filter((v) => v !== "*") })),
        {
          minLength: 1,
          maxLength: 5,
        },
      );
      fc.assert(
        fc.property(kindArb, noWildcardVerbs, fc.nat(), (kind, rules, seed) => {
          const target = seed % rules.length;
          const after = rules.map((rule, i) =>
            i === target ? { ...rule, verbs: [...rule.verbs, "deletecollection"] } : rule,
          );
          const findings = runRule(rbacEscalationRule, manifest(kind, rules), manifest(kind, after));
          expect(findings.length).toBeGreaterThan(0);
          expect(findings.every((f) => f.message.includes("deletecollection"))).toBe(true);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "what newGrants reports is exactly what no base rule covers",
    () => {
      fc.assert(
        fc.property(kindArb, rulesArb, rulesArb, (kind, before, after) => {
          const clusterRole = kind === "ClusterRole";
          const base = readRules({ rules: before });
          const head = readRules({ rules: after });
          const added = new Set(newGrants(base, head, clusterRole).map(grantKey));
          for (const grant of grantsOf(head, clusterRole)) {
            expect(added.has(grantKey(grant))).toBe(!isCovered(grant, base));
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "never throws on malformed roles",
    () => {
      const emptySet: ResourceSet = resourceSet([]);
      const context: RuleContext = { params: {}, base: emptySet, head: emptySet, fullState: false };
      const resource = (kind: string, rules: Json): Resource => ({
        identity: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          group: "rbac.authorization.k8s.io",
          kind,
          namespace: "",
          name: "r",
        },
        key: `rbac.authorization.k8s.io/${kind}//r`,
        object: { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: { name: "r" }, rules },
        file: "r.yaml",
        side: "head",
        line: 1,
        locate: () => 1,
      });
      const field = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.array(fc.oneof(fc.constantFrom(...VERBS, ...RESOURCES), fc.jsonValue({ maxDepth: 1 }))),
      );
      const messyRule = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record(
          { apiGroups: field, resources: field, verbs: field, resourceNames: field, nonResourceURLs: field },
          { requiredKeys: [] },
        ),
      );
      const messyRules = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(messyRule, { maxLength: 4 }));
      fc.assert(
        fc.property(kindArb, messyRules, messyRules, (kind, before, after) => {
          const change = { before: resource(kind, before as Json), after: resource(kind, after as Json) };
          expect(() => rbacEscalationRule.check(change, context)).not.toThrow();
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT,
  );
});
