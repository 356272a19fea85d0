// service-account-added: a new ServiceAccount is a new identity in the cluster. On its own it
// can do little; what matters is what it gets bound to, so the message names the bindings this
// change gives it and asks to check the rest.

import { isObject, type Resource, type RuleHit } from "../engine/types.js";
import { memo } from "./memo.js";
import type { ResourceChange, Rule, RuleContext } from "./types.js";

const RBAC_GROUP = "rbac.authorization.k8s.io";
/** Bindings named in a message before the rest are counted. */
const BINDINGS_SHOWN = 3;

function isServiceAccount(resource: Resource | undefined): resource is Resource {
  return resource?.identity.group === "" && resource.identity.kind === "ServiceAccount";
}

/** "namespace/name" of each ServiceAccount subject; without a namespace, the binding's own. */
function accountSubjects(binding: Resource): string[] {
  const subjects = binding.object.subjects;
  if (!Array.isArray(subjects)) return [];
  return subjects.flatMap((subject) => {
    if (!isObject(subject) || subject.kind !== "ServiceAccount" || typeof subject.name !== "string")
      return [];
    const namespace =
      typeof subject.namespace === "string" && subject.namespace
        ? subject.namespace
        : binding.identity.namespace;
    return [`${namespace}/${subject.name}`];
  });
}

function roleOf(binding: Resource): string {
  const ref = binding.object.roleRef;
  if (!isObject(ref) || typeof ref.name !== "string") return "an unnamed role";
  return `${typeof ref.kind === "string" ? ref.kind : "role"} ${ref.name}`;
}

/** "ClusterRole view (by RoleBinding read)" for each binding in head that names the account. */
function bindingsOf(account: Resource, ctx: RuleContext): string[] {
  // Indexed once per review: a change can add many accounts and many bindings.
  const index = memo(ctx.head, "service-account-bindings", () => {
    const byAccount = new Map<string, string[]>();
    for (const binding of [...ctx.head.byKind("RoleBinding"), ...ctx.head.byKind("ClusterRoleBinding")]) {
      if (binding.identity.group !== RBAC_GROUP) continue;
      for (const account of new Set(accountSubjects(binding))) {
        const label = `${roleOf(binding)} (by ${binding.identity.kind} ${binding.identity.name})`;
        byAccount.set(account, [...(byAccount.get(account) ?? []), label]);
      }
    }
    return byAccount;
  });
  return index.get(`${account.identity.namespace}/${account.identity.name}`) ?? [];
}

function boundLabel(bound: readonly string[]): string {
  const shown = bound.slice(0, BINDINGS_SHOWN).join(", ");
  return bound.length > BINDINGS_SHOWN ? `${shown} and ${bound.length - BINDINGS_SHOWN} more` : shown;
}

function check({ before, after }: ResourceChange, ctx: RuleContext): RuleHit[] {
  if (before || !isServiceAccount(after)) return [];
  const { name, namespace } = after.identity;
  const bound = bindingsOf(after, ctx);
  const binding =
    bound.length > 0
      ? `This change binds it to ${boundLabel(bound)}; check that those permissions are needed`
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
