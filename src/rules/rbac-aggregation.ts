// rbac-aggregation: ClusterRole aggregation widens other roles without touching them. A label
// rbac.authorization.k8s.io/aggregate-to-admin|edit|view copies a role's rules into the built-in
// roles (and on to every binding of them); an aggregationRule selector collects the rules of every
// ClusterRole it matches, today's and tomorrow's. Both are judged by what they add.

import { jsonEqual } from "../engine/equal.js";
import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import type { Json, Path, Resource, RuleHit, Severity } from "../engine/types.js";
import { narrowsSelector, selectorKeys, selectsEverything } from "../k8s/label-selectors.js";
import {
  bindingsGrantingClusterRole,
  describeSubject,
  type Holding,
  isBroadSubject,
  priorSet,
} from "../k8s/rbac/bindings.js";
import { AGGREGATION_LABEL_PREFIX, AGGREGATION_TARGETS } from "../k8s/rbac/builtin-roles.js";
import { type Gain, gainedGrants, maxSeverity, summarizeGains } from "../k8s/rbac/effect.js";
import { readRules } from "../k8s/rbac/grants.js";
import {
  aggregationSelectors,
  type Collector,
  collectedRoles,
  collectorsOf,
  isRbacKind,
  labelsOf,
  resolveRole,
} from "../k8s/rbac/roles.js";
import { listed } from "../k8s/words.js";

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

/** Aggregating ClusterRoles of the head that collect the role as it is, but did not as it was. */
function newCollectors(before: Resource | undefined, after: Resource, ctx: RuleContext): Collector[] {
  const was = new Set(before ? collectorsOf(ctx.head, labelsOf(before)).map((c) => c.name) : []);
  return collectorsOf(ctx.head, labelsOf(after)).filter(
    (collector) => collector.name !== after.identity.name && !was.has(collector.name),
  );
}

/** The label keys a collector selects by: an aggregate-to-* label for a built-in role, else its selectors'. */
function keysSelectedBy(collector: Collector): string[] {
  if (!collector.resource) {
    return Object.entries(AGGREGATION_TARGETS)
      .filter(([, targets]) => targets.includes(collector.name))
      .map(([label]) => `${AGGREGATION_LABEL_PREFIX}${label}`);
  }
  return (aggregationSelectors(collector.resource) ?? []).flatMap(selectorKeys);
}

/**
 * Where the role became collected: the label the change sets or alters that a new collector selects
 * by, in the order the manifest writes them, so that an aggregation label added below others is
 * pointed at, not its neighbours. A label taken away (a NotIn or DoesNotExist selector) points at
 * the labels; no change of label at all (a selector that now matches) at the name.
 */
function changedLabel(before: Resource | undefined, after: Resource, collectors: readonly Collector[]): Path {
  const was = before ? labelsOf(before) : {};
  const now = labelsOf(after);
  const selected = new Set(collectors.flatMap(keysSelectedBy));
  const changed = Object.keys(now).filter((key) => was[key] !== now[key]);
  const key = changed.find((k) => selected.has(k)) ?? changed[0];
  if (key !== undefined) return ["metadata", "labels", key];
  const removed = Object.keys(was).some((k) => !Object.hasOwn(now, k));
  return removed ? ["metadata", "labels"] : ["metadata", "name"];
}

function collectorsText(collectors: readonly Collector[]): string {
  const defined = collectors.filter((c) => c.resource).map((c) => `ClusterRole ${c.name}`);
  const builtin = collectors.filter((c) => !c.resource).map((c) => c.name);
  const builtinText =
    builtin.length > 0 ? `the built-in ${listed(builtin)} ${builtin.length > 1 ? "roles" : "role"}` : "";
  return [...defined, builtinText].filter(Boolean).join(" and ");
}

/** Subjects bound to the collecting roles (defined or built in), in words. */
function holdersText(collectors: readonly Collector[], ctx: RuleContext): { text: string; broad: boolean } {
  const subjects = collectors.flatMap((c) =>
    bindingsGrantingClusterRole(ctx.head, c.name, c.resource).flatMap((b) =>
      b.subjects.map((s) => s.subject),
    ),
  );
  const names = [...new Set(subjects.map((subject) => describeSubject(ctx.head, subject)))];
  return {
    text: names.length > 0 ? ` Who gains it: ${listed(names)}.` : "",
    broad: subjects.some(isBroadSubject),
  };
}

/** A role newly collected by aggregating roles: one finding for everything its rules add to them. */
function checkLabels(before: Resource | undefined, after: Resource, ctx: RuleContext): RuleHit[] {
  const gaining = newCollectors(before, after, ctx).flatMap((collector) => {
    // What the role's rules add to the collector as it stood in the base.
    const prior = resolveRole(priorSet(ctx), { kind: "ClusterRole", name: collector.name }, "").rules ?? [];
    const gains = gainedGrants([holdingOf(after)], [holdingOf(after, prior)]);
    return gains.length > 0 ? [{ collector, gains }] : [];
  });
  const summary = summarizeGains(
    gaining.flatMap(({ gains }) => gains),
    { places: false },
  );
  if (!summary) return [];
  const collectors = gaining.map(({ collector }) => collector);
  const { text, broad } = holdersText(collectors, ctx);
  return [
    {
      path: changedLabel(before, after, collectors),
      key: `collected by ${JSON.stringify(collectors.map((c) => c.name).sort())}`,
      severity: broad ? "critical" : maxSeverity(summary.severity, "medium"),
      message:
        `ClusterRole ${after.identity.name} now aggregates into ${collectorsText(collectors)}: every subject ` +
        `bound to ${collectors.length > 1 ? "them" : "it"} can ${summary.text}.${text} ${LABEL_ADVICE}`,
    },
  ];
}

/** A selector selects no more than a base one when it narrows it (or equals it). */
function narrowerThanOneOf(selector: Json, base: readonly Json[]): boolean {
  return base.some((other) => jsonEqual(other, selector) || narrowsSelector(selector, other));
}

function selectorSeverity(selector: Json, gains: readonly Gain[]): { severity: Severity; text: string } {
  const everything = selectsEverything(selector);
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
    const holders = holdersText([{ name: after.identity.name, resource: after }], ctx);
    const names = collected.map((role) => role.identity.name);
    const what = names.length > 0 ? ` (it collects ${listed(names)})` : "";
    hits.push({
      path: ["aggregationRule", "clusterRoleSelectors", index],
      key: `selector ${JSON.stringify(selector)}`,
      // Bound to everybody, whatever it collects reaches everybody (nothing yet: still low).
      severity: holders.broad && severity !== "low" ? "critical" : severity,
      message:
        `ClusterRole ${after.identity.name} aggregates with a wider selector${what}: ${text}.${holders.text} ` +
        SELECTOR_ADVICE,
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
    "Flags a ClusterRole that starts feeding its rules into aggregating roles (the built-in admin, edit or " +
    "view through an aggregate-to-* label, or a ClusterRole of the repository whose aggregationRule selects " +
    "its labels), and an aggregationRule selector that collects more ClusterRoles than before.",
  rationale:
    "Aggregation changes other roles without touching them: a ClusterRole labelled " +
    "rbac.authorization.k8s.io/aggregate-to-view gives its rules to every subject bound to view, edit and " +
    "admin in the cluster, and an aggregationRule collects the rules of every ClusterRole its selectors " +
    "match, including ones added later. A newly collected role gives one finding, judged by what its rules " +
    "add to each collecting role as it stood in the base (rules view, edit or admin already hold add " +
    "nothing); it names the subjects bound to collecting roles of the repository, and its severity is the " +
    "danger of the worst gain, at least medium, critical when a collecting role is bound to everybody. A " +
    "selector is reported when it is not a narrowing of a base selector: critical when it is empty (it " +
    "selects every ClusterRole), otherwise by the danger of the rules it now collects from the " +
    "repository's ClusterRoles, and low when none match yet. Rules a role already aggregated gains are " +
    "reported by rbac-escalation. A newly collected role's finding points at the label that makes it collected.",
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
