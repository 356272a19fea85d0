// The identity a workload's pods act as. Switching it hands the pods another set of RBAC
// permissions (and cloud IAM bindings), so any change of the effective account is worth a look.

import type { Path, Resource, RuleHit } from "../engine/types.js";
import { describeResource, podSpecOf } from "./pods.js";
import type { ResourceChange, Rule, RuleContext } from "./types.js";

interface EffectiveAccount {
  name: string;
  /** The field that sets it; undefined when nothing does and "default" applies. */
  path?: Path;
}

/** serviceAccountName wins; the deprecated serviceAccount counts only when it is empty. */
function effectiveAccount(resource: Resource | undefined): EffectiveAccount | undefined {
  const pod = podSpecOf(resource);
  if (!pod) return undefined;
  for (const field of ["serviceAccountName", "serviceAccount"]) {
    const value = pod.spec[field];
    if (typeof value === "string" && value !== "") return { name: value, path: [...pod.path, field] };
  }
  return { name: "default" };
}

function newWorkloadHit(resource: Resource, account: EffectiveAccount, fullState: boolean): RuleHit[] {
  if (account.name === "default" || !account.path) return [];
  // Full-state mode judges every resource as if it were new; "New" would mislead there.
  const subject = fullState ? describeResource(resource) : `New ${describeResource(resource)}`;
  return [
    {
      path: account.path,
      key: `sa:${account.name}`,
      severity: "low",
      message:
        `${subject} runs as service account \`${account.name}\`: its pods get every ` +
        "permission bound to that account. Check that it grants no more than the workload needs.",
    },
  ];
}

function check(change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const { before, after } = change;
  const next = effectiveAccount(after);
  if (!after || !next) return [];
  const previous = effectiveAccount(before);
  if (!before || !previous) return newWorkloadHit(after, next, ctx.fullState);
  if (previous.name === next.name) return [];
  const message =
    `${describeResource(after)} switches its service account from \`${previous.name}\` to \`${next.name}\`: ` +
    "its pods lose the old account's permissions and gain every permission bound to the new one. " +
    `Check the RBAC bindings of \`${next.name}\` before merging.`;
  const key = `sa:${next.name}`;
  // Back to "default" by removing the field: point at the field that went away.
  if (!next.path && previous.path) return [{ side: "base", path: previous.path, key, message }];
  return [{ path: next.path ?? podSpecOf(after)?.path ?? [], key, message }];
}

export const serviceAccountChangedRule: Rule = {
  id: "service-account-changed",
  title: "Workload service account changed",
  defaultSeverity: "medium",
  description:
    "A workload whose effective service account (serviceAccountName, else serviceAccount, else default) is set, changed or removed; a new workload with a non-default account is reported at low severity.",
  rationale:
    "A pod acts with the RBAC permissions (and cloud IAM bindings) of its service account. Switching the " +
    "account silently changes what the workload can read, write and delete in the cluster.",
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
