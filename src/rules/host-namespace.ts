// A pod template that starts sharing one of the node's namespaces: hostNetwork, hostPID or
// hostIPC turned on in a new workload, or switched from off (or absent) to true.

import type { ResourceChange, Rule } from "../engine/rule.js";
import type { RuleHit } from "../engine/types.js";
import { describeResource } from "../k8s/objects.js";
import { podSpecOf } from "../k8s/pods.js";

type HostNamespace = "hostNetwork" | "hostPID" | "hostIPC";

/** What sharing each namespace exposes, in the words the messages use. */
const EXPOSES: Record<HostNamespace, string> = {
  hostNetwork:
    "its pods use the node's network stack: they see all of the node's traffic and interfaces, can bind " +
    "any port on the node, reach services listening on the node's localhost (the kubelet among them), " +
    "and are not isolated by the pod network or by most NetworkPolicy implementations",
  hostPID:
    "its pods see every process on the node, with its command line and environment (secrets included); " +
    "a container with enough privilege can signal, trace or enter them",
  hostIPC:
    "its pods share the node's System V IPC and POSIX shared memory, so they can read and tamper with the " +
    "shared memory of every process on the node",
};

const FIELDS = Object.keys(EXPOSES) as HostNamespace[];

function check(change: ResourceChange): RuleHit[] {
  const { after } = change;
  const pod = podSpecOf(after);
  if (!after || !pod) return [];
  const previous = podSpecOf(change.before)?.spec;
  const hits: RuleHit[] = [];
  for (const field of FIELDS) {
    // Only the boolean true counts (`yes` arrives as true; a quoted "true" is rejected by Kubernetes).
    if (pod.spec[field] !== true || previous?.[field] === true) continue;
    hits.push({
      path: [...pod.path, field],
      key: field,
      message:
        `${describeResource(after)} turns on ${field}: ${EXPOSES[field]}. Remove ${field} unless this is ` +
        "a node-level system agent that cannot work without it.",
    });
  }
  return hits;
}

export const hostNamespaceRule: Rule = {
  id: "host-namespace",
  title: "Pod shares a host namespace",
  defaultSeverity: "high",
  description:
    "A pod template that turns on hostNetwork, hostPID or hostIPC: a new workload with one set to true, or an existing one that changes it from false or absent to true.",
  rationale:
    "Namespaces are what keep a pod's network, processes and shared memory apart from the node's. Sharing " +
    "the node's network exposes the node's interfaces, localhost services and traffic and sidesteps " +
    "NetworkPolicies; sharing its PID namespace exposes every process (and the secrets in their environment " +
    "and command lines); sharing its IPC namespace exposes shared memory. Each is a step towards the node.",
  remediation:
    "Remove the field (it defaults to false). Expose ports with a Service instead of hostNetwork, and keep " +
    "host namespaces to vetted node agents in a dedicated namespace.",
  example: {
    after: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: api
          image: ghcr.io/shop/api:1.4.2
`,
  },
  check,
};
