// How dangerous a permission is, from Kubernetes' RBAC good-practices guidance. Shared by every
// rule that judges RBAC by effect (roles, bindings, aggregation, service accounts), so one
// permission always carries the same severity whichever change grants it.

import type { Severity } from "../../engine/types.js";
import { ALL, resourceCovers } from "./grants.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";
export const READ_VERBS: ReadonlySet<string> = new Set(["get", "list", "watch"]);
const URL_READ_VERBS = new Set(["get", "head", "options"]);
export const WRITE_VERBS: readonly string[] = ["create", "update", "patch", "delete", "deletecollection"];

export interface Danger {
  severity: Severity;
  /** Why it matters and what to do instead: the second half of the message. */
  advice: string;
}

/** A sensitive permission: any grant that covers it (wildcards included) carries its danger. */
interface Sensitive extends Danger {
  group: string;
  resources: readonly string[];
  /** Undefined: any verb. */
  verbs?: readonly string[];
}

const ADVICE = {
  verbs: "Wildcards grant every current and future verb; grant the specific verbs needed.",
  resources:
    "A wildcard resource covers every current and future resource of the group, Secrets and subresources " +
    "included; list the resources needed.",
  groupResources:
    "A wildcard resource covers every current and future resource of the group and their subresources; list " +
    "the resources needed.",
  groups:
    "A wildcard API group covers every current and future group, custom resources included; name the " +
    "groups needed.",
  escalate:
    "The escalate, bind and impersonate verbs step around RBAC's own checks and hand out permissions the holder does " +
    "not have; keep them to RBAC administrators.",
  medium:
    "Grant only the verbs and resources the workload needs, restricted with resourceNames where possible.",
  read: "Read access to non-sensitive resources is low risk; check that the role needs it.",
  url: "Non-resource URLs expose API server endpoints (metrics, logs, debug); grant only the paths needed.",
};

const WORKLOAD_ADVICE =
  "Creating pods, directly or through a workload, can run any image with any service account and Secret " +
  "of the namespace; let a deploy pipeline create workloads instead.";

// Kubernetes' own list of escalation paths (docs: "RBAC good practices"), most dangerous first.
const SENSITIVE: readonly Sensitive[] = [
  {
    group: RBAC_GROUP,
    resources: ["clusterrolebindings", "rolebindings", "clusterroles", "roles"],
    verbs: ["create", "update", "patch"],
    severity: "critical",
    advice:
      "Writing roles or bindings lets the holder grant itself and others any permission it can bind; keep " +
      "RBAC changes in the deploy pipeline.",
  },
  {
    group: "",
    resources: ["secrets"],
    verbs: ["get", "list", "watch"],
    severity: "high",
    advice:
      "Reading Secrets exposes credentials, service account tokens included; mount the Secrets a workload " +
      "needs instead, or restrict with resourceNames.",
  },
  {
    group: "",
    resources: ["pods/exec", "pods/attach", "pods/ephemeralcontainers"],
    severity: "high",
    advice:
      "Exec, attach and ephemeral containers run commands inside pods, with their service accounts and " +
      "Secrets; keep them to break-glass roles.",
  },
  {
    group: "",
    resources: ["nodes/proxy"],
    severity: "high",
    advice: "nodes/proxy reaches the kubelet API, which runs commands in every pod of the node; remove it.",
  },
  {
    group: "",
    resources: ["serviceaccounts/token"],
    verbs: ["create"],
    severity: "high",
    advice:
      "Creating tokens lets the holder act as any service account it can name; use projected tokens " +
      "mounted into pods instead.",
  },
  {
    group: "",
    resources: ["pods", "replicationcontrollers"],
    verbs: ["create"],
    severity: "high",
    advice: WORKLOAD_ADVICE,
  },
  {
    group: "apps",
    resources: ["deployments", "daemonsets", "statefulsets", "replicasets"],
    verbs: ["create"],
    severity: "high",
    advice: WORKLOAD_ADVICE,
  },
  {
    group: "batch",
    resources: ["jobs", "cronjobs"],
    verbs: ["create"],
    severity: "high",
    advice: WORKLOAD_ADVICE,
  },
  {
    group: "certificates.k8s.io",
    resources: ["certificatesigningrequests/approval"],
    severity: "high",
    advice:
      "Approving certificate signing requests can mint client certificates for any user or group, " +
      "system:masters included; leave approval to the controller.",
  },
  {
    group: "admissionregistration.k8s.io",
    resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
    verbs: WRITE_VERBS,
    severity: "high",
    advice:
      "Admission webhooks see, rewrite or block every matching request: a changed webhook can inject " +
      "containers or switch policies off; keep webhook changes in the deploy pipeline.",
  },
  {
    group: "",
    resources: ["persistentvolumes"],
    verbs: ["create"],
    severity: "high",
    advice:
      "Creating PersistentVolumes can mount host paths or another tenant's storage into pods; let a " +
      "StorageClass provision volumes instead.",
  },
  {
    group: "",
    resources: ["services/status"],
    verbs: WRITE_VERBS,
    severity: "high",
    advice:
      "Writing services/status can set load-balancer IPs and intercept traffic to them (CVE-2020-8554); " +
      "leave status to the controllers.",
  },
];

function intersects(verbs: readonly string[], wanted: readonly string[] | undefined): boolean {
  return wanted === undefined || verbs.includes(ALL) || verbs.some((verb) => wanted.includes(verb));
}

function coversSensitive(
  apiGroup: string,
  resource: string,
  verbs: readonly string[],
  entry: Sensitive,
): boolean {
  if (apiGroup !== ALL && apiGroup !== entry.group) return false;
  const granted = new Set([resource]);
  return entry.resources.some((r) => resourceCovers(granted, r)) && intersects(verbs, entry.verbs);
}

/** Groups whose resources include an escalation path (a wildcard over them reaches it). */
const SENSITIVE_GROUPS = new Set(SENSITIVE.map((entry) => entry.group));

/**
 * Every resource of one group: critical where the group holds an escalation path (core: Secrets;
 * RBAC, workloads, webhooks, certificates); for other groups (custom resources, say) high for
 * writes and medium for reads, since what the group will hold is unknown but not Kubernetes' own.
 */
function wildcardResourceDanger(apiGroup: string, verbs: readonly string[]): Danger {
  if (apiGroup === "") return { severity: "critical", advice: ADVICE.resources };
  if (SENSITIVE_GROUPS.has(apiGroup)) return { severity: "critical", advice: ADVICE.groupResources };
  const readOnly = verbs.every((verb) => READ_VERBS.has(verb));
  return { severity: readOnly ? "medium" : "high", advice: ADVICE.groupResources };
}

/** How dangerous it is to gain `verbs` on `resource` of `apiGroup`. */
export function resourceDanger(apiGroup: string, resource: string, verbs: readonly string[]): Danger {
  if (verbs.includes(ALL)) return { severity: "critical", advice: ADVICE.verbs };
  if (apiGroup === ALL) return { severity: "critical", advice: ADVICE.groups };
  if (resource === ALL) return wildcardResourceDanger(apiGroup, verbs);
  if (verbs.some((verb) => ["escalate", "bind", "impersonate"].includes(verb))) {
    return { severity: "critical", advice: ADVICE.escalate };
  }
  const sensitive = SENSITIVE.find((entry) => coversSensitive(apiGroup, resource, verbs, entry));
  if (sensitive) return sensitive;
  if (verbs.every((verb) => READ_VERBS.has(verb))) return { severity: "low", advice: ADVICE.read };
  return { severity: "medium", advice: ADVICE.medium };
}

/** Non-resource URLs never reach objects: reading one is low, anything else medium. */
export function urlDanger(verbs: readonly string[]): Danger {
  if (verbs.every((verb) => URL_READ_VERBS.has(verb))) return { severity: "low", advice: ADVICE.url };
  return { severity: "medium", advice: verbs.includes(ALL) ? ADVICE.verbs : ADVICE.url };
}
