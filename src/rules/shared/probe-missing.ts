// What readiness-probe-missing and liveness-probe-missing share: a container that arrives without
// the probe, or loses it. A container that never had one and only changes in some other field
// (image tag, env) is pre-existing debt, so it stays quiet.

import {
  defineRule,
  type ResourceChange,
  type Rule,
  type RuleMeta,
  type TypedRuleContext,
} from "../../engine/rule.js";
import { isObject, type Json, type Resource, type RuleHit } from "../../engine/types.js";
import { type ContainerRef, containerPairs } from "../../k8s/containers.js";
import { describeResource } from "../../k8s/objects.js";

/** The probe a rule asks for, and what its absence means, in the words its messages use. */
export interface Probe {
  field: "readinessProbe" | "livenessProbe";
  /** What goes wrong while a container has none. */
  missing: string;
  /** What goes wrong once it is removed. */
  removed: string;
}

const DEFAULT_KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Pod",
];

const KINDS_PARAM = {
  type: "string[]" as const,
  default: DEFAULT_KINDS,
  description:
    "Workload kinds to check. Jobs and CronJobs run to completion and rarely need probes; add them (or PodTemplate) to check them too.",
};

/** A probe without any field has no handler, so Kubernetes would not run it: it counts as absent. */
function hasProbe(container: ContainerRef | undefined, probe: Probe): boolean {
  const value: Json | undefined = container?.container[probe.field];
  return isObject(value) && Object.keys(value).length > 0;
}

function missingHit(probe: Probe, resource: Resource, container: ContainerRef): RuleHit {
  const { field } = probe;
  return {
    path: container.path,
    key: container.name,
    message:
      `Container \`${container.name}\` of ${describeResource(resource)} has no ${field}: ` +
      `${probe.missing}. Add a ${field}.`,
  };
}

function removedHit(probe: Probe, resource: Resource, container: ContainerRef): RuleHit {
  const { field } = probe;
  return {
    side: "base",
    path: [...container.path, field],
    key: container.name,
    message:
      `The ${field} of container \`${container.name}\` of ${describeResource(resource)} is removed: ` +
      `${probe.removed}. Keep the ${field}.`,
  };
}

function checkProbe(
  probe: Probe,
  change: ResourceChange,
  ctx: TypedRuleContext<{ kinds: readonly string[] }>,
): RuleHit[] {
  const { before, after } = change;
  if (!after) return [];
  const kinds = ctx.params.kinds;
  if (!kinds.includes(after.identity.kind)) return [];
  const hits: RuleHit[] = [];
  // Init and ephemeral containers cannot have probes.
  for (const pair of containerPairs(change, ["containers"])) {
    if (!pair.after || hasProbe(pair.after, probe)) continue;
    if (!pair.before) hits.push(missingHit(probe, after, pair.after));
    else if (before && hasProbe(pair.before, probe)) hits.push(removedHit(probe, before, pair.before));
  }
  return hits;
}

/** A rule that asks every container of the configured kinds for `probe`. */
export function probeMissingRule(probe: Probe, meta: Omit<RuleMeta, "params">): Rule {
  return defineRule({
    ...meta,
    params: { kinds: KINDS_PARAM },
    check: (change, ctx) => checkProbe(probe, change, ctx),
  });
}
