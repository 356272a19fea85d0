// service-node-port: a Service that starts opening ports on every node. A type change to
// LoadBalancer opens node ports too, but service-load-balancer reports that one.

import type { ResourceChange, Rule } from "../engine/rule.js";
import { isObject, type JsonObject, type Resource, type RuleHit } from "../engine/types.js";
import { isService, serviceType } from "../k8s/services.js";

const NODE_PORT = "NodePort";

function specOf(service: JsonObject): JsonObject {
  return isObject(service.spec) ? service.spec : {};
}

/** NodePort Services, and LoadBalancers unless allocateLoadBalancerNodePorts is false, open node ports. */
function opensNodePorts(service: JsonObject): boolean {
  const type = serviceType(service);
  return (
    type === NODE_PORT || (type === "LoadBalancer" && specOf(service).allocateLoadBalancerNodePorts !== false)
  );
}

/** Explicit nodePort values with the index of the port that sets each (first one wins). */
function explicitNodePorts(service: JsonObject): Map<string, number> {
  const ports = specOf(service).ports;
  const found = new Map<string, number>();
  if (!Array.isArray(ports)) return found;
  ports.forEach((port, index) => {
    const value = isObject(port) ? port.nodePort : undefined;
    // 0 and "" ask Kubernetes to pick a port, like leaving the field out.
    if ((typeof value === "number" && value !== 0) || (typeof value === "string" && value !== "")) {
      if (!found.has(String(value))) found.set(String(value), index);
    }
  });
  return found;
}

function becameNodePort(after: Resource, beforeType: string | undefined): RuleHit {
  const { name } = after.identity;
  const what =
    beforeType === undefined
      ? `New Service ${name} is of type NodePort`
      : `Service ${name} changes from ${beforeType} to NodePort`;
  const ports = [...explicitNodePorts(after.object).keys()];
  const fixed = ports.length > 0 ? ` (node port${ports.length > 1 ? "s" : ""} ${ports.join(", ")})` : "";
  return {
    path: ["spec", "type"],
    key: "type:NodePort",
    message:
      `${what}${fixed}: it opens a port on every node, reachable by anyone who can reach a node and past ` +
      "NetworkPolicies that only guard pods. Prefer ClusterIP behind an Ingress or Gateway.",
  };
}

/** Explicit node ports present in head but not in base; moving or reordering ports is silent. */
function newNodePorts(before: Resource, after: Resource): RuleHit[] {
  const old = explicitNodePorts(before.object);
  const hits: RuleHit[] = [];
  for (const [value, index] of explicitNodePorts(after.object)) {
    if (old.has(value)) continue;
    hits.push({
      path: ["spec", "ports", index, "nodePort"],
      key: `nodePort:${value}`,
      message:
        `Service ${after.identity.name} opens node port ${value} on every node. Check that node firewalls ` +
        "restrict it, or prefer ClusterIP behind an Ingress or Gateway.",
    });
  }
  return hits;
}

function check({ before, after }: ResourceChange): RuleHit[] {
  if (!isService(after)) return [];
  const afterType = serviceType(after.object);
  // Only a NodePort or LoadBalancer Service can hold node ports (the API server refuses others).
  if (afterType !== NODE_PORT && afterType !== "LoadBalancer") return [];
  if (!isService(before)) return afterType === NODE_PORT ? [becameNodePort(after, undefined)] : [];
  if (!opensNodePorts(before.object)) {
    return afterType === NODE_PORT ? [becameNodePort(after, serviceType(before.object))] : [];
  }
  return newNodePorts(before, after);
}

export const serviceNodePortRule: Rule = {
  id: "service-node-port",
  title: "Service opens node ports",
  defaultSeverity: "medium",
  description: "Flags a Service that becomes type NodePort, and a new explicit nodePort on a Service port.",
  rationale:
    "A node port listens on every node of the cluster, so the service becomes reachable by anything that " +
    "can reach a node: other networks, the internet on clusters with public node IPs, and clients that " +
    "NetworkPolicies on pods do not see. A switch to LoadBalancer also opens node ports; " +
    "service-load-balancer reports that one. Changing a LoadBalancer that already allocated node ports " +
    "into a NodePort opens nothing new and is silent.",
  remediation:
    "Use a ClusterIP Service behind an Ingress or Gateway; if a node port is required, restrict it with " +
    "node firewall rules and let Kubernetes pick the port.",
  example: {
    before: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`,
    after: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
`,
  },
  check,
};
