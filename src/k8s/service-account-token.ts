// Whether pods get their service account's API token mounted. automountServiceAccountToken is a
// tri-state on a pod and on its ServiceAccount: absent lets the ServiceAccount decide (true by
// default), `false` opts out, and `true` on a pod overrides its ServiceAccount's opt-out. What
// Kubernetes does is the effective value: the pod's, else its ServiceAccount's, else true.

import type { ResourceSet } from "../engine/rule.js";
import type { Path, Resource } from "../engine/types.js";
import { podSpecOf } from "./pods.js";
import { accountResource, isServiceAccount, workloadAccount } from "./rbac/accounts.js";

export const AUTOMOUNT_FIELD = "automountServiceAccountToken";

export type AutomountSetting = true | false | "unset";

export interface Automount {
  setting: AutomountSetting;
  /** Where the field is, or would be. */
  path: Path;
  /** Whether the key is written at all (with any value). */
  present: boolean;
  scope: "pod" | "serviceAccount";
}

/** The setting of a pod template or a ServiceAccount; anything but a boolean reads as unset. */
export function automountOf(resource: Resource | undefined): Automount | undefined {
  if (isServiceAccount(resource)) {
    const object = resource.object;
    const value = object[AUTOMOUNT_FIELD];
    return {
      setting: typeof value === "boolean" ? value : "unset",
      path: [AUTOMOUNT_FIELD],
      present: Object.hasOwn(object, AUTOMOUNT_FIELD),
      scope: "serviceAccount",
    };
  }
  const pod = podSpecOf(resource);
  if (!pod) return undefined;
  const value = pod.spec[AUTOMOUNT_FIELD];
  return {
    setting: typeof value === "boolean" ? value : "unset",
    path: [...pod.path, AUTOMOUNT_FIELD],
    present: Object.hasOwn(pod.spec, AUTOMOUNT_FIELD),
    scope: "pod",
  };
}

/**
 * The setting of the pod's ServiceAccount on one side; "unset" when it is not in the set. The
 * account is found as RBAC finds it, a workload without a namespace included.
 */
export function accountAutomount(resource: Resource, set: ResourceSet): AutomountSetting {
  const account = workloadAccount(set, resource);
  return automountOf(account && accountResource(set, account))?.setting ?? "unset";
}

/** What Kubernetes does: the pod's value if set, else its ServiceAccount's, else true. */
export function effectiveAutomount(pod: AutomountSetting, account: AutomountSetting): boolean {
  if (pod !== "unset") return pod;
  return account !== "unset" ? account : true;
}

/** Whether a workload's pods get their service account's API token mounted, on this side. */
export function mountsToken(workload: Resource, set: ResourceSet): boolean {
  return effectiveAutomount(automountOf(workload)?.setting ?? "unset", accountAutomount(workload, set));
}
