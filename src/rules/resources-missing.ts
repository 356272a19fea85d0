// A container that arrives without its resource requests/limits, or loses one. Kubernetes copies
// a limit into an absent request, so `limits.cpu` alone satisfies `requests.cpu`.

import { valueAt } from "../engine/json.js";
import { defineRule, type ResourceChange, type TypedRuleContext } from "../engine/rule.js";
import type { Path, Resource, RuleHit } from "../engine/types.js";
import { type ContainerList, type ContainerRef, containerPairs } from "../k8s/containers.js";
import { describeResource } from "../k8s/objects.js";

const DEFAULT_REQUIRED = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

// Ephemeral containers cannot declare resources; init containers need them like any other.
const LISTS: readonly ContainerList[] = ["containers", "initContainers"];

/** "requests.cpu" → ["requests", "cpu"]; the resource name may itself contain dots. */
function splitRequirement(requirement: string): [string, string] {
  const dot = requirement.indexOf(".");
  return dot < 0 ? [requirement, ""] : [requirement.slice(0, dot), requirement.slice(dot + 1)];
}

function quantityAt(container: ContainerRef, section: string, name: string): Path | undefined {
  const path = ["resources", section, name];
  const value = valueAt(container.container, path);
  return value === undefined || value === null || value === "" ? undefined : [...container.path, ...path];
}

/** Path of the value that satisfies the requirement (a request may be met by its limit), if any. */
function satisfiedBy(container: ContainerRef, requirement: string): Path | undefined {
  const [section, name] = splitRequirement(requirement);
  const own = quantityAt(container, section, name);
  if (own || section !== "requests") return own;
  return quantityAt(container, "limits", name);
}

function missingHit(resource: Resource, container: ContainerRef, missing: string[]): RuleHit {
  const what = container.list === "initContainers" ? "Init container" : "Container";
  // The first missing quantity's place: a missing path lands on its deepest written ancestor, so the
  // finding sits on the `limits:` or `resources:` block that lacks it, or on the container without one.
  const [section, name] = splitRequirement(missing[0]);
  return {
    path: [...container.path, "resources", section, name],
    key: `${container.name}:${missing.join(",")}`,
    message:
      `${what} \`${container.name}\` of ${describeResource(resource)} sets no ${missing.join(", ")}: ` +
      "the scheduler cannot place it fairly and it can starve or be starved by its neighbours. " +
      "Set resources.requests and resources.limits.",
  };
}

function removedHit(resource: Resource, container: ContainerRef, removed: string[], path: Path): RuleHit {
  const what = container.list === "initContainers" ? "init container" : "container";
  return {
    side: "base",
    path,
    key: `${container.name}:${removed.join(",")}`,
    message:
      `The ${removed.join(", ")} of ${what} \`${container.name}\` of ${describeResource(resource)} ` +
      `${removed.length > 1 ? "are" : "is"} removed: ` +
      "the scheduler can no longer place it fairly and it can starve or be starved by its neighbours. " +
      "Keep the resource settings.",
  };
}

function check(change: ResourceChange, ctx: TypedRuleContext<{ required: readonly string[] }>): RuleHit[] {
  const { before, after } = change;
  if (!after) return [];
  // A requirement without a resource name ("cpu") names nothing to look for: it is ignored.
  const required = [...new Set(ctx.params.required)]
    .filter((requirement) => splitRequirement(requirement)[1] !== "")
    .sort();
  const hits: RuleHit[] = [];
  for (const pair of containerPairs(change, LISTS)) {
    if (!pair.after) continue;
    const current = pair.after;
    const missing = required.filter((requirement) => !satisfiedBy(current, requirement));
    if (missing.length === 0) continue;
    if (!pair.before) {
      hits.push(missingHit(after, current, missing));
      continue;
    }
    const previous = pair.before;
    const removed = missing.filter((requirement) => satisfiedBy(previous, requirement));
    const path = removed.length > 0 ? satisfiedBy(previous, removed[0]) : undefined;
    if (before && path) hits.push(removedHit(before, previous, removed, path));
  }
  return hits;
}

export const resourcesMissingRule = defineRule({
  id: "resources-missing",
  title: "Container without resource requests or limits",
  defaultSeverity: "medium",
  description:
    "A container or init container that arrives without the required resource requests/limits, or loses one of them.",
  rationale:
    "Requests tell the scheduler what a pod needs; limits stop one pod from taking a node's memory or CPU " +
    "from the others. Without them pods are evicted first under pressure and noisy neighbours go unchecked.",
  remediation:
    "Set resources.requests and resources.limits for cpu and memory on every container (a limit alone also " +
    "sets the request to the same value).",
  params: {
    required: {
      type: "string[]",
      default: DEFAULT_REQUIRED,
      description:
        'Values every container must set, as "requests.<resource>" or "limits.<resource>". A limit satisfies the request of the same resource.',
    },
  },
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
          resources:
            requests: { cpu: 100m, memory: 128Mi }
`,
  },
  check,
});
