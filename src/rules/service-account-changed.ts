// The identity a workload's pods act as. Switching it hands the pods another set of RBAC
// permissions (and cloud IAM bindings), so any change of the effective account is worth a look.

import { jsonEqual } from "../engine/equal.js";
import type { ResourceChange, ResourceSet, Rule, RuleContext } from "../engine/rule.js";
import { isObject, type Json, type Resource, type RuleHit, severityRank } from "../engine/types.js";
import { describeResource } from "../k8s/objects.js";
import { podSpecOf, type ServiceAccountRef, serviceAccountOf } from "../k8s/pods.js";
import { accountResource, workloadAccount } from "../k8s/rbac/accounts.js";
import { holdingsOf, priorSet, type Subject, subjectKey } from "../k8s/rbac/bindings.js";
import { gainedGrants, maxSeverity, summarizeGains, unknownRoles } from "../k8s/rbac/effect.js";
import { mountsToken } from "../k8s/service-account-token.js";
import { listed } from "../k8s/words.js";

/** Whether the side holds this very resource unchanged (the change leaves it alone). */
function unchangedIn(set: ResourceSet, resource: Resource): boolean {
  return set.byKey(resource.key).some((candidate) => jsonEqual(candidate.object, resource.object));
}

const NO_TOKEN =
  " Its pods get no API token (automountServiceAccountToken: false), so they cannot use these " +
  "permissions unless a token is mounted some other way.";

/**
 * A new workload: its pods get what their account holds. A named account is always reported; the
 * namespace's default account only when a binding names it. The severity follows the bindings the
 * change leaves alone (new or changed ones are rbac-binding's findings), and drops to low when the
 * pods get no token to use them with.
 */
function newWorkloadHit(
  resource: Resource,
  next: ServiceAccountRef,
  subject: Subject,
  ctx: RuleContext,
): RuleHit[] {
  let holdings = holdingsOf(ctx.head, subject);
  const isDefault = next.name === "default";
  if (isDefault) {
    // Bindings of every account (its groups) are rbac-binding's to report, not each workload's.
    holdings = holdings.filter((h) =>
      h.binding.subjects.some((s) => subjectKey(s.subject) === subjectKey(subject)),
    );
    if (holdings.length === 0) return [];
  }
  const path = next.path ?? podSpecOf(resource)?.path ?? [];
  // Full-state mode judges every resource as if it were new; "New" would mislead there.
  const what = ctx.fullState ? describeResource(resource) : `New ${describeResource(resource)}`;
  const start = isDefault
    ? `${what} runs as its namespace's default service account`
    : `${what} runs as service account \`${next.name}\``;
  const summary = summarizeGains(gainedGrants(holdings, []));
  const hit = { path, key: `sa:${next.name}` };
  if (!summary) {
    const message =
      `${start}: its pods get every permission bound to that account. Check that it grants no more ` +
      "than the workload needs.";
    return [{ ...hit, severity: "low", message }];
  }
  const existing = holdings.filter((h) => ctx.fullState || unchangedIn(ctx.base, h.binding.resource));
  const prior = summarizeGains(gainedGrants(existing, []));
  const tokenless = !mountsToken(resource, ctx.head);
  const severity = prior && !tokenless ? maxSeverity(prior.severity, "low") : "low";
  const tail = tokenless ? NO_TOKEN : ` ${summary.advice}`;
  return [{ ...hit, severity, message: `${start}: its pods can ${summary.text}.${tail}` }];
}

/** The accounts the workload's pods ran as (base side) and run as (head side). */
interface Accounts {
  previous: Subject;
  next: Subject;
}

/**
 * What the pods can do as the new account (head) that they could not as the old one (base), place by
 * place: what the old account granted is subtracted, so a move to a narrower account gains nothing.
 */
function permissionChange({ previous, next }: Accounts, ctx: RuleContext) {
  const after = holdingsOf(ctx.head, next);
  const gains = gainedGrants(after, holdingsOf(priorSet(ctx), previous));
  return { summary: summarizeGains(gains), unknown: unknownRoles(after) };
}

/** The annotations of a side's ServiceAccount (cloud IAM roles live there), or undefined. */
function accountAnnotations(set: ResourceSet, subject: Subject): Json | undefined {
  const found = accountResource(set, subject);
  if (!found) return undefined;
  const metadata = found.object.metadata;
  return isObject(metadata) ? (metadata.annotations ?? null) : null;
}

/**
 * A switch that changes nothing: the repository defines the new account with the old one's
 * annotations (its cloud identity) and its bindings grant nothing more: a renamed account.
 */
function isRename({ previous, next }: Accounts, ctx: RuleContext): boolean {
  const was = accountAnnotations(priorSet(ctx), previous);
  const now = accountAnnotations(ctx.head, next);
  return now !== undefined && was !== undefined && jsonEqual(was, now);
}

function switchHit(after: Resource, accounts: Accounts, ctx: RuleContext) {
  const { summary, unknown } = permissionChange(accounts, ctx);
  if (!summary && unknown.length === 0 && !ctx.partialContext && isRename(accounts, ctx)) {
    return undefined;
  }
  const previous = accounts.previous.name;
  const next = accounts.next.name;
  const start =
    `${describeResource(after)} switches its service account from \`${previous}\` to \`${next}\`: its pods ` +
    "lose the old account's permissions";
  const unknownText =
    unknown.length > 0
      ? ` It is also bound to ${listed(unknown)}, which ${ctx.partialContext ? "the files read do" : "this repository does"} not define.`
      : "";
  const checkBindings = `Check the bindings of \`${next}\` in the cluster (and any cloud IAM tied to it) before merging.`;
  if (summary) {
    const tokenless = !mountsToken(after, ctx.head);
    // Below the rule's own severity the danger's advice ("low risk") would contradict it.
    const advice = tokenless
      ? NO_TOKEN.trim()
      : severityRank(summary.severity) < severityRank("medium")
        ? checkBindings
        : summary.advice;
    return {
      severity: tokenless ? undefined : maxSeverity(summary.severity, "medium"),
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
  const nextAccount = workloadAccount(ctx.head, after);
  if (!after || !next || !nextAccount) return [];
  const previous = serviceAccountOf(before);
  const previousAccount = workloadAccount(ctx.base, before);
  if (!before || !previous || !previousAccount) return newWorkloadHit(after, next, nextAccount, ctx);
  if (previous.name === next.name) return [];
  const switched = switchHit(after, { previous: previousAccount, next: nextAccount }, ctx);
  if (!switched) return [];
  const { severity, message } = switched;
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
    "A workload whose effective service account (serviceAccountName, else serviceAccount, else default) " +
    "is set, changed or removed, and a new workload with a non-default account, or with the default account " +
    "when a binding names it.",
  rationale:
    "A pod acts with the RBAC permissions (and cloud IAM bindings) of its service account. Switching the " +
    "account silently changes what the workload can read, write and delete in the cluster. The rule follows " +
    "both accounts through the repository's bindings and roles (built-in cluster-admin, admin, edit, view and " +
    "system:auth-delegator " +
    "included, and the groups every service account belongs to) and says what the pods can do as the new " +
    "account, in the head, that they could not as the old one, in the base, place by place: a move to a narrower account " +
    "says the pods gain nothing new and stays at the rule's severity. Severity rises to the danger of " +
    "the worst of those permissions, graded as rbac-escalation grades them. A new workload is low, or the " +
    "danger of what bindings the change leaves alone let its account do (new bindings are rbac-binding's " +
    "findings). Pods that get no API token (automountServiceAccountToken: false) cannot use the permissions: " +
    "their severity does not rise. A renamed account (the repository defines the new one with the old one's " +
    "annotations, and it gains nothing) is silent. A workload without a namespace runs as the ServiceAccount of its account's name " +
    "that the repository defines, when exactly one does, and otherwise as an account whose namespace is set at deploy time, which " +
    "namespace-less binding subjects name too (see rbac-binding).",
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
