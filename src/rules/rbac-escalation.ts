// rbac-escalation: a Role or ClusterRole whose effective permissions grow. Both sides are
// expanded into single grants (see rbac.ts) and only grants that no rule of the base covers are
// reported, so rewriting a role without widening it stays quiet. Severity follows the danger of
// what was added, not the size of the diff.

import type { Path, Resource, RuleHit, Severity } from "../engine/types.js";
import {
  ALL,
  type Grant,
  newGrants,
  type PolicyRule,
  priorVerbs,
  type ResourceGrant,
  readRules,
  resourceCovers,
  type UrlGrant,
} from "./rbac.js";
import type { ResourceChange, Rule } from "./types.js";

const RBAC_GROUP = "rbac.authorization.k8s.io";
const READ_VERBS = new Set(["get", "list", "watch"]);
const URL_READ_VERBS = new Set(["get", "head", "options"]);
const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];
/** Names shown in a message before the rest are counted ("a, b, c and 4 more"). */
const NAMES_SHOWN = 5;

interface Danger {
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
  groups:
    "A wildcard API group covers every current and future group, custom resources included; name the " +
    "groups needed.",
  escalate:
    "escalate, bind and impersonate step around RBAC's own checks and hand out permissions the holder does " +
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

/** How dangerous it is to gain `verbs` on `resource` of `apiGroup`. */
export function resourceDanger(apiGroup: string, resource: string, verbs: readonly string[]): Danger {
  if (verbs.includes(ALL)) return { severity: "critical", advice: ADVICE.verbs };
  if (resource === ALL) return { severity: "critical", advice: ADVICE.resources };
  if (apiGroup === ALL) return { severity: "critical", advice: ADVICE.groups };
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

/** New grants on one target (a resource with a set of names, or a URL) and what it had before. */
interface Gain {
  /** The first new grant in manifest order: where the finding points. */
  first: Grant;
  verbs: string[];
  /** Undefined: every name. */
  names?: string[];
  /** Verbs it already had on these objects. */
  prior: Set<string>;
  /** Verbs it had only on some names of the resource, when the gain lifts a resourceNames limit. */
  priorByName: Set<string>;
}

function targetKey(grant: Grant): string {
  if (grant.type === "url") return JSON.stringify(["url", grant.url]);
  return JSON.stringify(["resource", grant.apiGroup, grant.resource, grant.resourceName ?? null]);
}

/** New grants by target (URL, or group + resource + single name), verbs in manifest order. */
function gainsByTarget(grants: readonly Grant[], before: readonly PolicyRule[]): Gain[] {
  const gains = new Map<string, Gain>();
  for (const grant of grants) {
    const key = targetKey(grant);
    const gain = gains.get(key);
    if (gain) {
      if (!gain.verbs.includes(grant.verb)) gain.verbs.push(grant.verb);
      continue;
    }
    const names =
      grant.type === "resource" && grant.resourceName !== undefined ? [grant.resourceName] : undefined;
    const prior = priorVerbs(grant, before);
    // A grant on every name may lift a resourceNames limit: say what it had on some names.
    const lifted = grant.type === "resource" && !names && prior.size === 0;
    const priorByName = lifted ? priorVerbs(grant, before, true) : new Set<string>();
    gains.set(key, { first: grant, verbs: [grant.verb], names, prior, priorByName });
  }
  return [...gains.values()];
}

/** Names of one resource that gained the same verbs become one finding. */
function mergeNames(gains: readonly Gain[]): Gain[] {
  const merged = new Map<string, Gain>();
  for (const gain of gains) {
    if (!gain.names) {
      merged.set(targetKey(gain.first), gain);
      continue;
    }
    const grant = gain.first as ResourceGrant;
    const key = JSON.stringify(["named", grant.apiGroup, grant.resource, [...gain.verbs].sort()]);
    const into = merged.get(key);
    if (!into?.names) {
      merged.set(key, { ...gain, names: [...gain.names], prior: new Set(gain.prior) });
      continue;
    }
    into.names.push(...gain.names);
    for (const verb of gain.prior) into.prior.add(verb);
  }
  return [...merged.values()];
}

/**
 * Already reachable with other verbs: point at the first new verb; otherwise at the new resource.
 * Grants come in manifest order, so the first grant of a gain carries its first new verb.
 */
function pathOf(gain: Gain): Path {
  const { first } = gain;
  if (gain.prior.size > 0) return ["rules", first.rule, "verbs", first.verbIndex];
  if (first.type === "url") return ["rules", first.rule, "nonResourceURLs", first.urlIndex];
  return ["rules", first.rule, "resources", first.resourceIndex];
}

function groupLabel(apiGroup: string): string {
  if (apiGroup === "") return "core";
  return apiGroup === ALL ? "every API group" : apiGroup;
}

function namesLabel(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(", ");
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

function targetLabel(gain: Gain): string {
  const grant = gain.first;
  if (grant.type === "url") return `non-resource URL ${grant.url}`;
  const resource = grant.resource === ALL ? "every resource (*)" : grant.resource;
  const names = gain.names ? ` named ${namesLabel(gain.names)}` : "";
  return `${resource}${names} (${groupLabel(grant.apiGroup)})`;
}

/** JSON-encoded parts, so that no crafted name, group or verb can collide with another key. */
function riskKey(gain: Gain): string {
  const verbs = [...gain.verbs].sort();
  const grant = gain.first;
  if (grant.type === "url") return `url ${JSON.stringify([grant.url, verbs])}`;
  const names = gain.names ? [...gain.names].sort() : null;
  return `resource ${JSON.stringify([grant.apiGroup, grant.resource, names, verbs])}`;
}

function dangerOf(gain: Gain): Danger {
  const grant = gain.first;
  return grant.type === "url"
    ? urlDanger(gain.verbs)
    : resourceDanger(grant.apiGroup, grant.resource, gain.verbs);
}

function previously({ prior, priorByName }: Gain): string {
  if (prior.size > 0) return `it could previously only ${[...prior].join(", ")} them`;
  if (priorByName.size > 0) {
    return `it could previously ${[...priorByName].join(", ")} only some of them, by name`;
  }
  return "it had no access to them before";
}

function messageOf(role: Resource, isNew: boolean, gain: Gain, danger: Danger): string {
  const { kind, name } = role.identity;
  const verbs = gain.verbs.join(", ");
  if (isNew) return `New ${kind} ${name} grants verbs ${verbs} on ${targetLabel(gain)}. ${danger.advice}`;
  return `${kind} ${name} gains verbs ${verbs} on ${targetLabel(gain)}: ${previously(gain)}. ${danger.advice}`;
}

function isRole(resource: Resource | undefined): resource is Resource {
  if (!resource) return false;
  const { group, kind } = resource.identity;
  return group === RBAC_GROUP && (kind === "Role" || kind === "ClusterRole");
}

function check({ before, after }: ResourceChange): RuleHit[] {
  if (!isRole(after)) return [];
  const beforeRules = isRole(before) ? readRules(before.object) : [];
  const afterRules = readRules(after.object);
  const added = newGrants(beforeRules, afterRules, after.identity.kind === "ClusterRole");
  const resourceGains = mergeNames(
    gainsByTarget(
      added.filter((g): g is ResourceGrant => g.type === "resource"),
      beforeRules,
    ),
  );
  const urlGains = gainsByTarget(
    added.filter((g): g is UrlGrant => g.type === "url"),
    beforeRules,
  );
  return [...resourceGains, ...urlGains].map((gain) => {
    const danger = dangerOf(gain);
    return {
      path: pathOf(gain),
      key: riskKey(gain),
      message: messageOf(after, !before, gain, danger),
      severity: danger.severity,
    };
  });
}

export const rbacEscalationRule: Rule = {
  id: "rbac-escalation",
  title: "Role or ClusterRole gains permissions",
  defaultSeverity: "medium",
  description:
    "Flags each permission a Role or ClusterRole gains: a verb on a resource (or non-resource URL) that no " +
    "rule of the base version already allowed.",
  rationale:
    "Every verb a role gains is granted to whoever is bound to it, often a workload's service account. " +
    "Roles are compared by effective permissions with Kubernetes' own matching (wildcards, subresources " +
    "such as */scale, resourceNames, URL prefixes), so reordering, splitting, merging or narrowing rules is " +
    "silent. Severity is graded by danger. Critical: * in verbs, resources or apiGroups; escalate, bind or " +
    "impersonate; create, update or patch on roles, clusterroles, rolebindings or clusterrolebindings. " +
    "High: get, list or watch on secrets; pods/exec, pods/attach, pods/ephemeralcontainers, nodes/proxy; " +
    "create on serviceaccounts/token, pods, replicationcontrollers, deployments, daemonsets, statefulsets, " +
    "replicasets, jobs, cronjobs and persistentvolumes; certificatesigningrequests/approval; writes to " +
    "validating or mutating webhook configurations and to services/status. Low: only get, list or watch on " +
    "anything else. Medium: the rest. Non-resource URLs never reach objects: low for get, head and options, " +
    "medium otherwise. A grant such as */exec carries the danger of every resource it covers. Aggregated " +
    "ClusterRoles are judged by the rules written in the manifest.",
  remediation:
    "Grant the specific verbs and resources the subject needs, restrict by resourceNames where you can, " +
    "and keep escalation paths (RBAC writes, secrets, exec, pod creation) to dedicated roles.",
  example: {
    before: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get"]
`,
    after: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["*"]
`,
  },
  check,
};
