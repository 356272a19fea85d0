// rbac-binding: a RoleBinding or ClusterRoleBinding that hands a role to someone new, or points
// its subjects at a stronger role. Judged by effect: for each subject, the grants the binding gives
// are compared with everything the subject held in the base (through any binding, its groups
// included), so re-binding a role someone already holds, or renaming a binding, stays quiet.

import type { Path, RuleHit, Severity } from "../engine/types.js";
import { describeResource } from "./pods.js";
import { type Gain, gainedGrants, summarizeGains } from "./rbac-effect.js";
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
} from "./rbac-graph.js";
import { resolveRole } from "./rbac-roles.js";
import type { ResourceChange, Rule, RuleContext } from "./types.js";

const BROAD_ADVICE =
  "Never bind roles to system:anonymous, system:unauthenticated, system:authenticated or " +
  "system:serviceaccounts: everyone who can reach the API server (or every workload) gets them.";
const UNKNOWN_ADVICE =
  "Check what that role grants in the cluster before merging, or define it in the repository.";

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

interface Grantees {
  subjects: Subject[];
  path: Path;
  key: string;
}

function hitFor(
  grantees: Grantees,
  holding: Holding,
  gains: readonly Gain[],
  isNew: boolean,
  ctx: RuleContext,
): RuleHit | undefined {
  const { binding, role } = holding;
  const who = [...new Set(grantees.subjects.map((s) => describeSubject(ctx.head, s)))].join("; ");
  const start = opening(binding, role.label, isNew, who);
  const broad = grantees.subjects.some(isBroadSubject);
  if (!role.rules) {
    return {
      path: grantees.path,
      key: grantees.key,
      severity: broad ? "critical" : "medium",
      message: `${start}: ${ctx.partialContext ? "the role is not in the files read" : "the role is neither in this repository nor built in"}, so what it grants is unknown. ${broad ? BROAD_ADVICE : UNKNOWN_ADVICE}`,
    };
  }
  const summary = summarizeGains(gains);
  if (!summary) return undefined;
  const severity = severityOf(summary.severity, grantees.subjects, binding);
  return {
    path: grantees.path,
    key: grantees.key,
    severity,
    message: `${start}: they can now ${summary.text}. ${broad ? BROAD_ADVICE : summary.advice}`,
  };
}

/** What the binding gives a subject beyond what the subject held in the base. */
function gainsOf(subject: Subject, holding: Holding, ctx: RuleContext): Gain[] {
  return gainedGrants([holding], holdingsOf(priorSet(ctx), subject));
}

/**
 * Whether the subject was bound to this very role in the base, where this binding grants it: what a
 * role we cannot read grants is unknown, but a renamed binding of it gives nothing new.
 */
function heldBefore(subject: Subject, binding: Binding, ctx: RuleContext): boolean {
  return holdingsOf(priorSet(ctx), subject).some(
    (held) =>
      sameRole(held.binding, binding) && (held.binding.scope === "" || held.binding.scope === binding.scope),
  );
}

function sameRole(a: Binding, b: Binding): boolean {
  return a.roleRef.kind === b.roleRef.kind && a.roleRef.name === b.roleRef.name;
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  const binding = readBinding(after);
  if (!binding) return [];
  const previous = readBinding(before);
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
    const gains = gainsOf(subject, holding, ctx);
    if (holding.role.rules ? gains.length === 0 : heldBefore(subject, binding, ctx)) continue;
    const grantees = {
      subjects: [subject],
      path: ["subjects", index],
      key: `${subjectKey(subject)} ${roleKey}`,
    };
    const hit = hitFor(grantees, holding, gains, !previous, ctx);
    if (hit) hits.push(hit);
  }
  const keptGains = kept.map((subject) => ({ subject, gains: gainsOf(subject, holding, ctx) }));
  const gaining = keptGains.filter(({ gains }) => gains.length > 0 || !holding.role.rules);
  if (gaining.length > 0) {
    const subjects = gaining.map(({ subject }) => subject);
    const keys = subjects.map(subjectKey).sort().join(" ");
    const grantees = { subjects, path: ["roleRef", "name"], key: `role ${roleKey} for ${keys}` };
    const hit = hitFor(
      grantees,
      holding,
      gaining.flatMap(({ gains }) => gains),
      false,
      ctx,
    );
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
    "workloads whose pods run as it.",
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
