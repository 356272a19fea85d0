// automount-service-account-token: pods that start getting an API token mounted. The field is a
// tri-state: absent lets the ServiceAccount decide (true by default), `false` opts out, and
// `true` on a pod overrides a ServiceAccount's opt-out. Turning it on explicitly, or taking away an
// explicit `false`, is the change; a new workload or ServiceAccount that leaves it unset keeps
// Kubernetes' default posture and stays quiet.

import type { Path, Resource, RuleHit } from "../engine/types.js";
import { describeResource, podSpecOf } from "./pods.js";
import type { ResourceChange, Rule } from "./types.js";

const FIELD = "automountServiceAccountToken";

type Setting = true | false | "unset";

interface Automount {
  setting: Setting;
  /** Where the field is, or would be. */
  path: Path;
  /** Whether the key is written at all (with any value). */
  present: boolean;
  scope: "pod" | "serviceAccount";
}

function isServiceAccount(resource: Resource | undefined): resource is Resource {
  return resource?.identity.group === "" && resource.identity.kind === "ServiceAccount";
}

/** The setting of a pod template or a ServiceAccount; anything but a boolean reads as unset. */
function automountOf(resource: Resource | undefined): Automount | undefined {
  if (isServiceAccount(resource)) {
    const object = resource.object;
    const value = object[FIELD];
    return {
      setting: typeof value === "boolean" ? value : "unset",
      path: [FIELD],
      present: Object.hasOwn(object, FIELD),
      scope: "serviceAccount",
    };
  }
  const pod = podSpecOf(resource);
  if (!pod) return undefined;
  const value = pod.spec[FIELD];
  return {
    setting: typeof value === "boolean" ? value : "unset",
    path: [...pod.path, FIELD],
    present: Object.hasOwn(pod.spec, FIELD),
    scope: "pod",
  };
}

function whose(next: Automount): string {
  return next.scope === "pod"
    ? "its pods get a Kubernetes API token mounted, even when their ServiceAccount opts out"
    : "every pod running as this ServiceAccount gets its API token mounted, unless the pod opts out";
}

const WHY =
  "a compromised container can then call the API server with the account's permissions. Set " +
  `${FIELD}: false unless the workload talks to the API server.`;

function check({ before, after }: ResourceChange): RuleHit[] {
  const next = automountOf(after);
  if (!after || !next) return [];
  const previous = automountOf(before);
  // A resource that turns from a workload into a ServiceAccount (or back) is no comparison.
  const old = previous && previous.scope === next.scope ? previous.setting : "unset";
  const key = `${next.scope}:automount`;
  if (next.setting === true && old !== true) {
    const what = old === false ? "switches" : "sets";
    const from = old === false ? " from false to true" : " to true";
    return [
      {
        path: next.path,
        key,
        message: `${describeResource(after)} ${what} ${FIELD}${from}: ${whose(next)}; ${WHY}`,
      },
    ];
  }
  if (old === false && next.setting !== false) {
    // Removed: point at the `false` that went away; a value left in its place is pointed at in the head.
    const where =
      next.present || !previous ? { path: next.path } : { side: "base" as const, path: previous.path };
    const defaults =
      next.scope === "pod" ? "the ServiceAccount's setting applies, true by default" : "absent means true";
    return [
      {
        ...where,
        key,
        message: `${describeResource(after)} no longer sets ${FIELD}: false (${defaults}): ${whose(next)}; ${WHY}`,
      },
    ];
  }
  return [];
}

export const automountServiceAccountTokenRule: Rule = {
  id: "automount-service-account-token",
  title: "Service account token automount turned on",
  defaultSeverity: "medium",
  description:
    "Flags a pod template or ServiceAccount that sets automountServiceAccountToken to true, or removes an explicit false.",
  rationale:
    "A mounted service account token lets anything running in the pod authenticate to the Kubernetes API with " +
    "the account's permissions; most workloads never call the API, and a token they do not need turns a container " +
    "compromise into a cluster foothold. A pod's true overrides its ServiceAccount's false, and a removed false " +
    "falls back to mounting (absent means true). A new workload or ServiceAccount that leaves the field unset " +
    "keeps Kubernetes' default and is not reported.",
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
