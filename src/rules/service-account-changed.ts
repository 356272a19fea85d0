// The identity a workload's pods act as. Switching it hands the pods another set of RBAC
// permissions (and cloud IAM bindings), so any change of the effective account is worth a look.

import { jsonEqual } from "../engine/equal.js";
import { type Resource, type RuleHit, severityRank } from "../engine/types.js";
import { describeResource, podSpecOf, type ServiceAccountRef, serviceAccountOf } from "./pods.js";
import { gainedGrants, maxSeverity, summarizeGains, unknownRoles } from "./rbac-effect.js";
import { holdingsOf, listed, priorSet, type Subject } from "./rbac-graph.js";
import type { ResourceChange, ResourceSet, Rule, RuleContext } from "./types.js";

/** Whether the side holds this very resource unchanged (the change leaves it alone). */
function unchangedIn(set: ResourceSet, resource: Resource): boolean {
  return set.byKey(resource.key).some((candidate) => jsonEqual(candidate.object, resource.object));
}

/**
 * A new workload running as a named account: its pods get what the account holds. The severity
 * follows the bindings the change leaves alone; new or changed ones are rbac-binding's findings.
 */
function newWorkloadHit(resource: Resource, next: ServiceAccountRef, ctx: RuleContext): RuleHit[] {
  if (next.name === "default" || !next.path) return [];
  // Full-state mode judges every resource as if it were new; "New" would mislead there.
  const subject = ctx.fullState ? describeResource(resource) : `New ${describeResource(resource)}`;
  const start = `${subject} runs as service account \`${next.name}\``;
  const holdings = holdingsOf(ctx.head, account(resource.identity.namespace, next.name));
  const summary = summarizeGains(gainedGrants(holdings, []));
  const existing = holdings.filter((h) => ctx.fullState || unchangedIn(ctx.base, h.binding.resource));
  const prior = summarizeGains(gainedGrants(existing, []));
  const hit = { path: next.path, key: `sa:${next.name}` };
  if (!summary) {
    return [
      {
        ...hit,
        severity: "low",
        message:
          `${start}: its pods get every permission bound to that account. Check that it grants no more ` +
          "than the workload needs.",
      },
    ];
  }
  const severity = prior ? maxSeverity(prior.severity, "low") : "low";
  return [{ ...hit, severity, message: `${start}: its pods can ${summary.text}. ${summary.advice}` }];
}

function account(namespace: string, name: string): Subject {
  return { kind: "ServiceAccount", namespace, name };
}

/** What the pods can do as the new account (head) that they could not as the old one (base). */
function permissionChange(namespace: string, previous: string, next: string, ctx: RuleContext) {
  const after = holdingsOf(ctx.head, account(namespace, next));
  const gains = gainedGrants(after, holdingsOf(priorSet(ctx), account(namespace, previous)));
  return { summary: summarizeGains(gains), unknown: unknownRoles(after) };
}

function switchHit(after: Resource, previous: string, next: string, ctx: RuleContext) {
  const { summary, unknown } = permissionChange(after.identity.namespace, previous, next, ctx);
  const start =
    `${describeResource(after)} switches its service account from \`${previous}\` to \`${next}\`: its pods ` +
    "lose the old account's permissions";
  const unknownText =
    unknown.length > 0
      ? ` It is also bound to ${listed(unknown)}, which ${ctx.partialContext ? "the files read do" : "this repository does"} not define.`
      : "";
  const checkBindings = `Check the bindings of \`${next}\` in the cluster (and any cloud IAM tied to it) before merging.`;
  if (summary) {
    // Below the rule's own severity the danger's advice ("low risk") would contradict it.
    const advice = severityRank(summary.severity) < severityRank("medium") ? checkBindings : summary.advice;
    return {
      severity: maxSeverity(summary.severity, "medium"),
      message: `${start} and can now ${summary.text}.${unknownText} ${advice}`,
    };
  }
  // Over partial context the new account's bindings may be in files that were not read.
  const gained = ctx.partialContext
    ? "gain every permission bound to the new one"
    : "gain none that this repository's RBAC grants beyond them";
  return {
    severity: undefined,
    message: `${start} and ${gained}.${unknownText} ${checkBindings}`,
  };
}

function check(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const { before, after } = change;
  const next = serviceAccountOf(after);
  if (!after || !next) return [];
  const previous = serviceAccountOf(before);
  if (!before || !previous) return newWorkloadHit(after, next, ctx);
  if (previous.name === next.name) return [];
  const { severity, message } = switchHit(after, previous.name, next.name, ctx);
  const key = `sa:${next.name}`;
  // Back to "default" by removing the field: point at the field that went away.
  if (!next.path && previous.path) return [{ side: "base", path: previous.path, key, message, severity }];
  return [{ path: next.path ?? podSpecOf(after)?.path ?? [], key, message, severity }];
}

export const serviceAccountChangedRule: Rule = {
  id: "service-account-changed",
  title: "Workload service account changed",
  defaultSeverity: "medium",
  description:
    "A workload whose effective service account (serviceAccountName, else serviceAccount, else default) is set, changed or removed, and a new workload with a non-default account (low, or the danger of what " +
    "bindings the change leaves alone already let that account do).",
  rationale:
    "A pod acts with the RBAC permissions (and cloud IAM bindings) of its service account. Switching the " +
    "account silently changes what the workload can read, write and delete in the cluster. The rule follows " +
    "both accounts through the repository's bindings and roles (built-in cluster-admin, admin, edit and view " +
    "included, and the groups every service account belongs to) and says what the pods can do as the new " +
    "account, in the head, that they could not as the old one, in the base. Severity rises to the danger of " +
    "the worst of those permissions, graded as rbac-escalation grades them.",
  remediation:
    "Confirm that the new account's Roles and ClusterRoles grant only what the workload needs, or keep the previous account.",
  example: {
    before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: web
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: cluster-admin-bot
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
  },
  check,
};
