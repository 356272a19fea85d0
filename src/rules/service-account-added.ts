// service-account-added: a new ServiceAccount is a new identity in the cluster. On its own it
// can do little; what matters is what it gets bound to, so the message names the bindings this
// change gives it and asks to check the rest.

import type { ResourceChange, Rule, RuleContext } from "../engine/rule.js";
import type { Resource, RuleHit } from "../engine/types.js";
import { isServiceAccount } from "../k8s/rbac/accounts.js";
import { bindingsNaming } from "../k8s/rbac/bindings.js";
import { listed } from "../k8s/words.js";

/** "ClusterRole view (by RoleBinding read)" for each binding in head that names the account. */
function bindingsOf(account: Resource, ctx: RuleContext): string[] {
  const { namespace, name } = account.identity;
  const labels = bindingsNaming(ctx.head, { kind: "ServiceAccount", namespace, name }).map(
    ({ roleRef, resource }) =>
      `${roleRef.kind} ${roleRef.name} (by ${resource.identity.kind} ${resource.identity.name})`,
  );
  // The same binding can sit in several files (variants of one install): name it once.
  return [...new Set(labels)];
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  if (before || !isServiceAccount(after)) return [];
  const { name, namespace } = after.identity;
  const bound = bindingsOf(after, ctx);
  const binding =
    bound.length > 0
      ? `This change binds it to ${listed(bound)}; check that those permissions are needed`
      : "Check which Roles it will be bound to and which pods will run as it";
  return [
    {
      path: ["metadata", "name"],
      key: "added",
      message:
        `New ServiceAccount ${name} in namespace ${namespace}: a new identity for pods and tokens. ${binding}, ` +
        "and set automountServiceAccountToken: false unless its pods call the Kubernetes API.",
    },
  ];
}

export const serviceAccountAddedRule: Rule = {
  id: "service-account-added",
  title: "New ServiceAccount",
  defaultSeverity: "low",
  description: "Flags a ServiceAccount that the change adds.",
  rationale:
    "A ServiceAccount is an identity: whatever Roles it is bound to, every pod that runs as it (and every " +
    "token minted for it) holds. A new one deserves a look at what it will be bound to, in this change " +
    "or elsewhere.",
  remediation:
    "Bind the account only to the permissions its pods need, and set automountServiceAccountToken: false " +
    "when they do not call the Kubernetes API.",
  example: {
    after: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ci
`,
  },
  check,
};
