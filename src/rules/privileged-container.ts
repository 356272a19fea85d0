// A container that starts running privileged: a new one with `securityContext.privileged: true`,
// or an existing one (same list, same name) that turns it on. One that already was stays quiet.

import type { ResourceChange, Rule } from "../engine/rule.js";
import type { Resource, RuleHit } from "../engine/types.js";
import { CONTAINER_WORD, type ContainerRef, containerPairs, isPrivileged } from "../k8s/containers.js";
import { describeResource } from "../k8s/objects.js";

function hit(resource: Resource, container: ContainerRef, existed: boolean): RuleHit {
  const who = `${CONTAINER_WORD[container.list]} \`${container.name}\` of ${describeResource(resource)}`;
  const what = existed ? "becomes privileged" : "runs privileged";
  return {
    path: [...container.path, "securityContext", "privileged"],
    key: `${container.list}/${container.name}`,
    message:
      `${who} ${what} (securityContext.privileged: true): it gets every Linux capability, every host ` +
      "device and no seccomp or AppArmor confinement, so escaping to the node is trivial. Remove " +
      "`privileged: true` and add only the capabilities the container needs.",
  };
}

function check(change: ResourceChange): RuleHit[] {
  const { after } = change;
  if (!after) return [];
  const hits: RuleHit[] = [];
  for (const pair of containerPairs(change)) {
    if (!pair.after || !isPrivileged(pair.after) || isPrivileged(pair.before)) continue;
    hits.push(hit(after, pair.after, pair.before !== undefined));
  }
  return hits;
}

export const privilegedContainerRule: Rule = {
  id: "privileged-container",
  title: "Privileged container",
  defaultSeverity: "critical",
  description:
    "A container, init container or ephemeral container that arrives with securityContext.privileged: true, or an existing one (same list and name) that turns it on.",
  rationale:
    "A privileged container runs with every Linux capability, sees every device of the host and is not " +
    "confined by seccomp or AppArmor: it is root on the node in all but name, and a compromise of it is a " +
    "compromise of the node and of every pod and credential on it. A container that was already privileged " +
    "is pre-existing risk and is not reported again.",
  remediation:
    "Remove `privileged: true`. Grant the specific capabilities the process needs in " +
    "securityContext.capabilities.add (after `drop: [ALL]`), or move node-level work to a vetted DaemonSet " +
    "in a dedicated namespace.",
  example: {
    before: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: ops
spec:
  template:
    spec:
      containers:
        - name: agent
          image: ghcr.io/ops/agent:2.0.1
`,
    after: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: ops
spec:
  template:
    spec:
      containers:
        - name: agent
          image: ghcr.io/ops/agent:2.0.1
          securityContext:
            privileged: true
`,
  },
  check,
};
