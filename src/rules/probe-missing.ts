// A container that arrives without a probe, or loses one. A container that never had one and
// only changes in some other field (image tag, env) is pre-existing debt, so it stays quiet.

import type { Json, Resource, RuleHit } from "../engine/types.js";
import { type ContainerRef, containerPairs, describeResource, isObject, stringListParam } from "./pods.js";
import type { ParamSpec, ResourceChange, Rule, RuleContext, RuleMeta } from "./types.js";

type ProbeField = "readinessProbe" | "livenessProbe";

const DEFAULT_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Pod",
];

const KINDS_PARAM: ParamSpec = {
  type: "string[]",
  default: DEFAULT_KINDS,
  description:
    "Workload kinds to check. Jobs and CronJobs run to completion and rarely need probes; add them (or PodTemplate) to check them too.",
};

/** What each probe is for, in the words its messages use. */
const WORDING: Record<ProbeField, { missing: string; removed: string }> = {
  readinessProbe: {
    missing: "traffic reaches it before it is ready",
    removed: "traffic will reach it before it is ready and while it is unhealthy",
  },
  livenessProbe: {
    missing: "a hung process is never restarted",
    removed: "a hung process will no longer be restarted",
  },
};

/** A probe without any field has no handler, so Kubernetes would not run it: it counts as absent. */
function hasProbe(container: ContainerRef | undefined, field: ProbeField): boolean {
  const probe: Json | undefined = container?.container[field];
  return isObject(probe) && Object.keys(probe).length > 0;
}

function missingHit(field: ProbeField, resource: Resource, container: ContainerRef): RuleHit {
  return {
    path: container.path,
    key: container.name,
    message:
      `Container \`${container.name}\` of ${describeResource(resource)} has no ${field}: ` +
      `${WORDING[field].missing}. Add a ${field}.`,
  };
}

function removedHit(field: ProbeField, resource: Resource, container: ContainerRef): RuleHit {
  return {
    side: "base",
    path: [...container.path, field],
    key: container.name,
    message:
      `The ${field} of container \`${container.name}\` of ${describeResource(resource)} is removed: ` +
      `${WORDING[field].removed}. Keep the ${field}.`,
  };
}

function checkProbe(field: ProbeField, change: ResourceChange, ctx: RuleContext): RuleHit[] {
  const { before, after } = change;
  if (!after) return [];
  const kinds = stringListParam(ctx.params, "kinds", DEFAULT_KINDS);
  if (!kinds.includes(after.identity.kind)) return [];
  const hits: RuleHit[] = [];
  // Init and ephemeral containers cannot have probes.
  for (const pair of containerPairs(change, ["containers"])) {
    if (!pair.after || hasProbe(pair.after, field)) continue;
    if (!pair.before) hits.push(missingHit(field, after, pair.after));
    else if (before && hasProbe(pair.before, field)) hits.push(removedHit(field, before, pair.before));
  }
  return hits;
}

function probeMissingRule(field: ProbeField, meta: Omit<RuleMeta, "params">): Rule {
  return { ...meta, params: { kinds: KINDS_PARAM }, check: (change, ctx) => checkProbe(field, change, ctx) };
}

export const readinessProbeMissingRule = probeMissingRule("readinessProbe", {
  id: "readiness-probe-missing",
  title: "Container without a readiness probe",
  defaultSeverity: "low",
  description:
    "A container that arrives without a readinessProbe (new workload or new container), or whose readinessProbe is removed.",
  rationale:
    "Without a readiness probe a pod receives Service traffic as soon as its process starts, before it can " +
    "serve, and keeps receiving it while it is unhealthy; rolling updates then drop requests.",
  remediation:
    "Add a readinessProbe (httpGet, tcpSocket, grpc or exec) that succeeds only when the container can serve.",
  example: {
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
  },
});

export const livenessProbeMissingRule = probeMissingRule("livenessProbe", {
  id: "liveness-probe-missing",
  title: "Container without a liveness probe",
  defaultSeverity: "low",
  description:
    "A container that arrives without a livenessProbe (new workload or new container), or whose livenessProbe is removed.",
  rationale:
    "Without a liveness probe the kubelet restarts a container only when its process exits; a deadlocked " +
    "or hung process keeps its pod up and useless until someone notices.",
  remediation:
    "Add a livenessProbe that fails only when the container cannot recover by itself, with a generous " +
    "initialDelaySeconds or a startupProbe so slow starts are not killed.",
  example: {
    before: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
          livenessProbe:
            httpGet: { path: /healthz, port: 8080 }
`,
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
  },
});
