// rbac-aggregation: ClusterRole aggregation widens other roles without touching them. A label
// rbac.authorization.k8s.io/aggregate-to-admin|edit|view copies a role's rules into the built-in
// roles (and on to every binding of them); an aggregationRule selector collects the rules of every
// ClusterRole it matches, today's and tomorrow's. Both are judged by what they add.

import { jsonEqual } from "../engine/equal.js";
import type { Json, Resource, RuleHit, Severity } from "../engine/types.js";
import { readRules } from "./rbac.js";
import { AGGREGATION_LABEL_PREFIX, AGGREGATION_TARGETS } from "./rbac-builtin.js";
import { type Gain, gainedGrants, maxSeverity, summarizeGains } from "./rbac-effect.js";
import {
  aggregationSelectors,
  collectedRoles,
  type Holding,
  isRbacKind,
  labelsOf,
  listed,
  priorSet,
  resolveRole,
} from "./rbac-graph.js";
import type { ResourceChange, Rule, RuleContext } from "./types.js";

const LABEL_ADVICE =
  "Aggregated rules reach every subject bound to these roles across the cluster; aggregate only " +
  "read access to your own custom resources, and bind other permissions explicitly.";
const SELECTOR_ADVICE =
  "Select ClusterRoles by a label only your own roles carry; a broad selector pulls in every matching " +
  "role, including ones added later.";

function isClusterRole(resource: Resource | undefined): resource is Resource {
  return isRbacKind(resource, ["ClusterRole"]);
}

/** A ClusterRole's own rules as a cluster-wide holding, to compare what they add. */
function holdingOf(role: Resource, rules = readRules(role.object)): Holding {
  const binding = {
    resource: role,
    scope: "",
    roleRef: { kind: "ClusterRole" as const, name: "" },
    subjects: [],
  };
  return { binding, role: { label: "", rules, clusterRole: true } };
}

/** Labels newly set to "true" that feed a built-in role. */
function newAggregationLabels(before: Resource | undefined, after: Resource): string[] {
  const was = before ? labelsOf(before) : {};
  const now = labelsOf(after);
  return Object.keys(AGGREGATION_TARGETS).filter((target) => {
    const label = `${AGGREGATION_LABEL_PREFIX}${target}`;
    return now[label] === "true" && was[label] !== "true";
  });
}

function checkLabels(before: Resource | undefined, after: Resource, ctx: RuleContext): RuleHit[] {
  return newAggregationLabels(before, after).flatMap((target) => {
    // What the role's rules add to the built-in role as it stood in the base.
    const builtin = resolveRole(priorSet(ctx), { kind: "ClusterRole", name: target }, "");
    const gains = gainedGrants([holdingOf(after)], builtin.rules ? [holdingOf(after, builtin.rules)] : []);
    const summary = summarizeGains(gains, { places: false });
    if (!summary) return [];
    const roles = listed(AGGREGATION_TARGETS[target].map((name) => `\`${name}\``));
    return [
      {
        path: ["metadata", "labels", `${AGGREGATION_LABEL_PREFIX}${target}`],
        key: `label ${target}`,
        severity: maxSeverity(summary.severity, "medium"),
        message:
          `ClusterRole ${after.identity.name} now aggregates into the built-in ${roles} ClusterRoles: every ` +
          `subject bound to them can ${summary.text}. ${LABEL_ADVICE}`,
      },
    ];
  });
}

/** A selector's requirements as comparable strings: matchLabels pairs and whole expressions. */
function requirements(selector: Json): Set<string> | undefined {
  if (selector === null || typeof selector !== "object" || Array.isArray(selector)) return undefined;
  const found = new Set<string>();
  const labels = selector.matchLabels;
  if (labels && typeof labels === "object" && !Array.isArray(labels)) {
    for (const [key, value] of Object.entries(labels)) found.add(JSON.stringify(["label", key, value]));
  }
  const expressions = selector.matchExpressions;
  if (Array.isArray(expressions)) for (const e of expressions) found.add(JSON.stringify(["expression", e]));
  return found;
}

/** A selector selects no more than a base one when it adds requirements to it (or equals it). */
function narrowerThanOneOf(selector: Json, base: readonly Json[]): boolean {
  const mine = requirements(selector);
  if (!mine) return true; // malformed: selects nothing
  return base.some((other) => {
    if (jsonEqual(other, selector)) return true;
    const theirs = requirements(other);
    return theirs !== undefined && [...theirs].every((r) => mine.has(r));
  });
}

function selectorSeverity(selector: Json, gains: readonly Gain[]): { severity: Severity; text: string } {
  const everything = requirements(selector)?.size === 0;
  const summary = summarizeGains(gains, { places: false });
  if (everything) {
    return {
      severity: "critical",
      text: "it selects every ClusterRole, so it collects every permission they hold",
    };
  }
  if (!summary) {
    return {
      severity: "low",
      text: "no ClusterRole in this repository matches it yet; any that does later is collected",
    };
  }
  return {
    severity: maxSeverity(summary.severity, "medium"),
    text: `subjects bound to it can now ${summary.text}`,
  };
}

function checkSelectors(before: Resource | undefined, after: Resource, ctx: RuleContext): RuleHit[] {
  const selectors = aggregationSelectors(after);
  if (!selectors) return [];
  const baseSelectors = (before && aggregationSelectors(before)) ?? [];
  const baseRules = before
    ? resolveRole(priorSet(ctx), { kind: "ClusterRole", name: before.identity.name }, "").rules
    : [];
  const hits: RuleHit[] = [];
  selectors.forEach((selector, index) => {
    if (narrowerThanOneOf(selector, baseSelectors)) return;
    const collected = collectedRoles(ctx.head, [selector], after);
    const gains = gainedGrants(
      collected.map((role) => holdingOf(role)),
      baseRules ? [holdingOf(after, baseRules)] : [],
    );
    const { severity, text } = selectorSeverity(selector, gains);
    const names = collected.map((role) => role.identity.name);
    const what = names.length > 0 ? ` (it collects ${listed(names)})` : "";
    hits.push({
      path: ["aggregationRule", "clusterRoleSelectors", index],
      key: `selector ${JSON.stringify(selector)}`,
      severity,
      message: `ClusterRole ${after.identity.name} aggregates with a wider selector${what}: ${text}. ${SELECTOR_ADVICE}`,
    });
  });
  return hits;
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  if (!isClusterRole(after)) return [];
  const previous = isClusterRole(before) ? before : undefined;
  return [...checkLabels(previous, after, ctx), ...checkSelectors(previous, after, ctx)];
}

export const rbacAggregationRule: Rule = {
  id: "rbac-aggregation",
  title: "ClusterRole aggregation widens roles",
  defaultSeverity: "medium",
  description:
    "Flags a ClusterRole that starts feeding its rules into the built-in admin, edit or view roles through " +
    "an aggregate-to-* label, or an aggregationRule selector that collects more ClusterRoles than before.",
  rationale:
    "Aggregation changes other roles without touching them: a ClusterRole labelled " +
    "rbac.authorization.k8s.io/aggregate-to-view gives its rules to every subject bound to view, edit and " +
    "admin in the cluster, and an aggregationRule collects the rules of every ClusterRole its selectors " +
    "match, including ones added later. Labels are judged by what the role's rules add to the built-in role " +
    "(severity by the danger of the worst, at least medium). A selector is reported when it is not a " +
    "narrowing of a base selector: critical when it is empty (it selects every ClusterRole), otherwise by " +
    "the danger of the rules it now collects from the repository's ClusterRoles, and low when none match " +
    "yet. Rules a role already aggregating gains are reported by rbac-escalation.",
  remediation:
    "Aggregate only read access to your own custom resources into view, edit or admin, and select " +
    "ClusterRoles with a label only your own roles carry.",
  example: {
    before: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: backups-reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
`,
    after: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: backups-reader
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list"]
`,
  },
  check,
};
