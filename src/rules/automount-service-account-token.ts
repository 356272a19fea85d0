// automount-service-account-token: pods that start getting an API token mounted. The field is a
// tri-state: absent lets the ServiceAccount decide (true by default), `false` opts out, and
// `true` on a pod overrides a ServiceAccount's opt-out. The rule judges the effective value, as
// Kubernetes does (the pod's value, else its ServiceAccount's, else true), and fires only when it
// goes from false to true: an explicit true that changes nothing, or a false moved from the pod to
// its ServiceAccount, stays quiet.

import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import type { Resource, RuleHit } from "../engine/types.js";
import { describeResource } from "../k8s/objects.js";
import { serviceAccountOf } from "../k8s/pods.js";
import {
  type Automount,
  accountAutomount,
  automountOf,
  effectiveAutomount,
  AUTOMOUNT_FIELD as FIELD,
} from "../k8s/service-account-token.js";

function whose(next: Automount): string {
  return next.scope === "pod"
    ? "its pods get a Kubernetes API token mounted, even when their ServiceAccount opts out"
    : "every pod running as this ServiceAccount gets its API token mounted, unless the pod opts out";
}

const WHY =
  "a compromised container can then call the API server with the account's permissions. Set " +
  `${FIELD}: false unless the workload talks to the API server.`;

function hit(
  after: Resource,
  next: Automount,
  where: Pick<RuleHit, "path" | "side">,
  what: string,
): RuleHit[] {
  return [
    {
      ...where,
      key: `${next.scope}:automount`,
      message: `${describeResource(after)} ${what}: ${whose(next)}; ${WHY}`,
    },
  ];
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  const next = automountOf(after);
  if (!after || !next) return [];
  const found = automountOf(before);
  // A resource that turns from a workload into a ServiceAccount (or back) is no comparison.
  const previous = found && found.scope === next.scope ? found : undefined;
  const old = previous?.setting ?? "unset";
  const setsTrue = `sets ${FIELD} to true`;
  if (ctx.fullState && !before) {
    // Full-state mode judges every resource as if it were new: report each explicit true.
    return next.setting === true ? hit(after, next, { path: next.path }, setsTrue) : [];
  }
  if (next.scope === "serviceAccount") {
    // A ServiceAccount's own value is the default of its pods: only an explicit false lost counts.
    if (old !== false || next.setting === false) return [];
    if (next.setting === true)
      return hit(after, next, { path: next.path }, `switches ${FIELD} from false to true`);
    const where =
      next.present || !previous ? { path: next.path } : { side: "base" as const, path: previous.path };
    return hit(after, next, where, `no longer sets ${FIELD}: false (absent means true)`);
  }
  const account = accountAutomount(after, ctx.head);
  if (!before || !previous) {
    // A new workload only counts when it re-enables what its ServiceAccount turned off.
    return next.setting === true && account === false
      ? hit(after, next, { path: next.path }, `${setsTrue}, overriding its ServiceAccount's false`)
      : [];
  }
  const was = effectiveAutomount(old, accountAutomount(before, ctx.base));
  if (was || !effectiveAutomount(next.setting, account)) return [];
  if (next.setting === true) {
    const what =
      old === false
        ? `switches ${FIELD} from false to true`
        : `${setsTrue}, overriding its ServiceAccount's false`;
    return hit(after, next, { path: next.path }, what);
  }
  if (next.present) return hit(after, next, { path: next.path }, `no longer sets ${FIELD}: false`);
  if (old === false) {
    return hit(
      after,
      next,
      { side: "base", path: previous.path },
      `no longer sets ${FIELD}: false (the ServiceAccount's setting applies, true by default)`,
    );
  }
  // Nothing on the pod changed the setting: its account did. Point at the field naming the account
  // (switched, or whose ServiceAccount changed), else at the pod spec.
  return hit(
    after,
    next,
    { path: serviceAccountOf(after)?.path ?? next.path.slice(0, -1) },
    `now gets its service account token mounted (its ServiceAccount no longer sets ${FIELD}: false)`,
  );
}

export const automountServiceAccountTokenRule: Rule = {
  id: "automount-service-account-token",
  title: "Service account token automount turned on",
  defaultSeverity: "medium",
  description:
    "Flags a pod template or ServiceAccount whose effective automountServiceAccountToken goes from false to true " +
    "(the pod's value, else its ServiceAccount's, else true).",
  rationale:
    "A mounted service account token lets anything running in the pod authenticate to the Kubernetes API with " +
    "the account's permissions; most workloads never call the API, and a token they do not need turns a container " +
    "compromise into a cluster foothold. The rule judges the effective value, as Kubernetes does: the pod's " +
    "setting if any, else its ServiceAccount's (looked up on each side; an account not in the change counts as " +
    "the default), else true. It fires only when that value goes from false to true; an explicit true that " +
    "changes nothing, or a false moved from the pod to its ServiceAccount, is not reported. A new workload is " +
    "reported only when its true overrides its ServiceAccount's false.",
  remediation:
    "Keep automountServiceAccountToken: false on workloads that do not call the API server; a workload that does " +
    "should use a dedicated ServiceAccount with minimal RBAC, or a projected token volume with a short expiry and " +
    "a specific audience.",
  example: {
    before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      automountServiceAccountToken: false
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
      automountServiceAccountToken: true
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
  },
  check,
};
