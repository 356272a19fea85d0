// rbac-binding: a RoleBinding or ClusterRoleBinding that hands a role to someone new, or points
// its subjects at a stronger role. Judged by effect: for each subject, the grants the binding gives
// are compared with everything the subject held in the base (through any binding, its groups
// included), so re-binding a role someone already holds, or renaming a binding, stays quiet.

import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import type { Path, RuleHit, Severity } from "../engine/types.js";
import { describeResource } from "../k8s/objects.js";
import { accountText } from "../k8s/rbac/accounts.js";
import {
  type Binding,
  describeSubject,
  type Holding,
  holdingsOf,
  isBroadSubject,
  priorSet,
  readBinding,
  type Subject,
  subjectKey,
} from "../k8s/rbac/bindings.js";
import { type Gain, gainedGrants, summarizeGains } from "../k8s/rbac/effect.js";
import { type Holder, holdersOf, holderWorkloads } from "../k8s/rbac/holders.js";
import { resolveRole } from "../k8s/rbac/roles.js";
import { listed } from "../k8s/words.js";

const BROAD_ADVICE =
  "Never bind roles to system:anonymous, system:unauthenticated, system:authenticated or " +
  "system:serviceaccounts: everyone who can reach the API server (or every workload) gets them.";
const UNKNOWN_ADVICE =
  "Check what that role grants in the cluster before merging, or define it in the repository.";
const ACCOUNT_ONLY_ADVICE =
  "Bind the account no more than its pods need: whatever runs as it later, or holds a token for it, gets it all.";

/**
 * Critical for cluster-admin, for dangerous permissions (anything rated high or above) and for
 * subjects that mean everybody; otherwise the danger of what the subject gains.
 */
function severityOf(danger: Severity, subjects: readonly Subject[], binding: Binding): Severity {
  const clusterAdmin = binding.roleRef.kind === "ClusterRole" && binding.roleRef.name === "cluster-admin";
  if (clusterAdmin || subjects.some(isBroadSubject) || danger === "high") return "critical";
  return danger;
}

function opening(binding: Binding, role: string, isNew: boolean, subjects: string): string {
  const what = describeResource(binding.resource);
  return isNew ? `New ${what} grants ${role} to ${subjects}` : `${what} now grants ${role} to ${subjects}`;
}

/** One subject judged by its holders (k8s/rbac/holders.ts): who gains, and what. */
interface Judged {
  subject: Subject;
  /** Holders that gain something (pods of the account, or the subject itself). */
  gaining: Holder[];
  /** What the gaining holders gain. */
  gains: Gain[];
  /**
   * Every pod using the account held it all before (under another account), yet the account itself
   * gains: what it gains, for a finding that stays low.
   */
  accountOnly?: Gain[];
  /** The accounts those pods ran as in the base. */
  formerAccounts: Subject[];
}

/** Whether a holder was bound, in the base, to the binding's very role where the binding grants it. */
function heldRole(holder: Holder, binding: Binding): boolean {
  return holder.prior.some(
    (held) =>
      sameRole(held.binding, binding) && (held.binding.scope === "" || held.binding.scope === binding.scope),
  );
}

function sameRole(a: Binding, b: Binding): boolean {
  return a.roleRef.kind === b.roleRef.kind && a.roleRef.name === b.roleRef.name;
}

/**
 * What the binding gives a subject beyond what its holders held in the base. A role we cannot read
 * grants something unknown: a holder gains unless it was bound to that very role already.
 */
function judge(subject: Subject, holding: Holding, ctx: RuleContext): Judged | undefined {
  const holders = holdersOf(subject, ctx);
  const known = holding.role.rules !== undefined;
  const judged = holders.map((holder) => ({ holder, gains: gainedGrants([holding], holder.prior) }));
  const gaining = judged.filter(({ holder, gains }) =>
    known ? gains.length > 0 : !heldRole(holder, holding.binding),
  );
  if (gaining.length > 0) {
    const gains = gaining.flatMap((g) => g.gains);
    return { subject, gaining: gaining.map((g) => g.holder), gains, formerAccounts: [] };
  }
  // Nobody who uses the account gains; the account as an identity still may (a workload moved onto it).
  const own = { prior: holdingsOf(priorSet(ctx), subject), formerAccounts: [] };
  const accountGains = gainedGrants([holding], own.prior);
  const accountGained = known ? accountGains.length > 0 : !heldRole(own, holding.binding);
  if (!accountGained) return undefined;
  const formerAccounts = holders.flatMap((holder) => holder.formerAccounts);
  return { subject, gaining: [], gains: [], accountOnly: accountGains, formerAccounts };
}

interface Grantees {
  judged: Judged[];
  path: Path;
  key: string;
}

function whoText(judged: readonly Judged[], ctx: RuleContext): string {
  const names = judged.map(({ subject, gaining }) =>
    describeSubject(ctx.head, subject, holderWorkloads(gaining)),
  );
  return [...new Set(names)].join("; ");
}

function unknownMessage(broad: boolean, ctx: RuleContext): string {
  const where = ctx.partialContext
    ? "the role is not in the files read"
    : "the role is neither in this repository nor built in";
  return `${where}, so what it grants is unknown. ${broad ? BROAD_ADVICE : UNKNOWN_ADVICE}`;
}

function hitFor(grantees: Grantees, holding: Holding, isNew: boolean, ctx: RuleContext): RuleHit | undefined {
  const { binding, role } = holding;
  const gaining = grantees.judged.filter((j) => !j.accountOnly);
  if (gaining.length === 0) return accountOnlyHit(grantees, holding, isNew, ctx);
  const subjects = gaining.map((j) => j.subject);
  const start = opening(binding, role.label, isNew, whoText(gaining, ctx));
  const broad = subjects.some(isBroadSubject);
  const where = { path: grantees.path, key: grantees.key };
  if (!role.rules) {
    return {
      ...where,
      severity: broad ? "critical" : "medium",
      message: `${start}: ${unknownMessage(broad, ctx)}`,
    };
  }
  const summary = summarizeGains(gaining.flatMap((j) => j.gains));
  if (!summary) return undefined;
  return {
    ...where,
    severity: severityOf(summary.severity, subjects, binding),
    message: `${start}: they can now ${summary.text}. ${broad ? BROAD_ADVICE : summary.advice}`,
  };
}

/**
 * The account gains, but every pod that runs as it held all of it before under another account:
 * nobody can do anything new yet, so the finding stays low whatever the role holds.
 */
function accountOnlyHit(grantees: Grantees, holding: Holding, isNew: boolean, ctx: RuleContext): RuleHit {
  const { judged } = grantees;
  const who = [...new Set(judged.map((j) => describeSubject(ctx.head, j.subject)))].join("; ");
  const former = judged.flatMap((j) => j.formerAccounts.map((account) => accountText(account)));
  const as = former.length > 0 ? ` (as ${listed([...new Set(former)])})` : "";
  const start = opening(holding.binding, holding.role.label, isNew, who);
  const summary = summarizeGains(judged.flatMap((j) => j.accountOnly ?? []));
  const account = summary ? `; only the account itself can now ${summary.text}` : "";
  return {
    path: grantees.path,
    key: grantees.key,
    severity: "low",
    message: `${start}: its pods held all of it before${as}, so they gain nothing${account}. ${ACCOUNT_ONLY_ADVICE}`,
  };
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  const binding = readBinding(after, ctx.head);
  if (!binding) return [];
  const previous = readBinding(before, ctx.base);
  const holding: Holding = { binding, role: resolveRole(ctx.head, binding.roleRef, binding.scope) };
  const roleKey = JSON.stringify([binding.roleRef.kind, binding.roleRef.name]);
  const hadBefore = new Set(previous?.subjects.map((s) => subjectKey(s.subject)) ?? []);
  const hits: RuleHit[] = [];
  // Subjects kept while the role changed: one finding on the roleRef.
  const kept: Subject[] = [];
  for (const { subject, index } of binding.subjects) {
    const isNewSubject = !hadBefore.has(subjectKey(subject));
    if (!isNewSubject) {
      if (previous && !sameRole(previous, binding)) kept.push(subject);
      continue;
    }
    const judged = judge(subject, holding, ctx);
    if (!judged) continue;
    const grantees = {
      judged: [judged],
      path: ["subjects", index],
      key: `${subjectKey(subject)} ${roleKey}`,
    };
    const hit = hitFor(grantees, holding, !previous, ctx);
    if (hit) hits.push(hit);
  }
  const keptJudged = kept.flatMap((subject) => judge(subject, holding, ctx) ?? []);
  if (keptJudged.length > 0) {
    const gaining = keptJudged.filter((j) => !j.accountOnly);
    // A kept subject whose pods gain makes the finding; accounts that alone gain only if nobody does.
    const judged = gaining.length > 0 ? gaining : keptJudged;
    const keys = judged
      .map((j) => subjectKey(j.subject))
      .sort()
      .join(" ");
    const grantees = { judged, path: ["roleRef", "name"], key: `role ${roleKey} for ${keys}` };
    const hit = hitFor(grantees, holding, false, ctx);
    if (hit) hits.push(hit);
  }
  return hits;
}

export const rbacBindingRule: Rule = {
  id: "rbac-binding",
  title: "Binding grants a role to new subjects",
  defaultSeverity: "medium",
  description:
    "Flags a RoleBinding or ClusterRoleBinding that is new or changes so that a subject gains permissions: " +
    "a subject added to it, or its subjects pointed at a stronger role.",
  rationale:
    "A binding is where permissions reach people and workloads. Each subject is judged by effect: the grants " +
    "of the bound role (followed through aggregation, with the built-in cluster-admin, admin, edit, view and " +
    "system:auth-delegator " +
    "roles known) are compared with everything the subject already held in the base, through any binding " +
    "and the groups it belongs to (a service account is in system:serviceaccounts, " +
    "system:serviceaccounts:<namespace> and system:authenticated). A RoleBinding grants in its namespace (never " +
    "cluster-scoped resources such as nodes), a ClusterRoleBinding everywhere. Re-binding a role a subject already holds is silent. Critical: " +
    "cluster-admin, any dangerous permission (secrets, exec, pod creation, RBAC writes, wildcards and the " +
    "rest of the list rbac-escalation grades high or critical), and the subjects system:anonymous, " +
    "system:unauthenticated, system:authenticated and system:serviceaccounts. Otherwise the danger of what is " +
    "gained (low for reading ordinary resources). A role that is neither in the repository nor built in is " +
    "reported at medium, since what it grants is unknown, unless the subject was bound to it already. For a service account the message names the " +
    "workloads whose pods run as it. Those pods are who holds the account: a workload moved onto it from an account that already " +
    "held the permissions gains nothing, is not named, and a binding whose every holder gains nothing is low (only the account itself " +
    "gains). A service account written without a namespace (in a ClusterRoleBinding, or in a RoleBinding that leaves its own namespace to " +
    "the deploy, as the kubebuilder and operator-sdk layouts do) is the ServiceAccount of that name the repository defines, when exactly one " +
    "does, and otherwise an account whose namespace is set at deploy time; a workload without a namespace runs as its account resolved the same way.",
  remediation:
    "Bind the narrowest role that does the job, to named service accounts or users, with a RoleBinding " +
    "rather than a ClusterRoleBinding where the work is in one namespace.",
  example: {
    after: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-secrets
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: ServiceAccount
    name: web
`,
  },
  check,
};
