// Container ports that start binding a port on the node: a hostPort a container (same list, same
// name) did not bind before, for that protocol and on at least as many node addresses.

import type { ResourceChange, Rule } from "../engine/rule.js";
import { isObject, type Json, type Path, type Resource, type RuleHit } from "../engine/types.js";
import { CONTAINER_WORD, type ContainerRef, containerPairs } from "../k8s/containers.js";
import { describeResource } from "../k8s/objects.js";
import { podSpecOf } from "../k8s/pods.js";

interface HostPort {
  port: number;
  /** TCP unless stated (Kubernetes' default). */
  protocol: string;
  /** The node address it binds; "" for every address. */
  hostIP: string;
  path: Path;
}

/** `0.0.0.0`, `::` and an absent hostIP all bind every address of the node. */
function hostIPOf(value: Json | undefined): string {
  if (typeof value !== "string") return "";
  const ip = value.trim();
  return ip === "0.0.0.0" || ip === "::" ? "" : ip;
}

function hostPortsOf(container: ContainerRef | undefined): HostPort[] {
  const ports = container?.container.ports;
  if (!container || !Array.isArray(ports)) return [];
  const found: HostPort[] = [];
  ports.forEach((item, index) => {
    if (!isObject(item)) return;
    // hostPort is an integer; 0 (or none) binds nothing, and a string is rejected by the API server.
    const port = item.hostPort;
    if (typeof port !== "number" || !Number.isInteger(port) || port <= 0) return;
    const protocol = typeof item.protocol === "string" && item.protocol !== "" ? item.protocol : "TCP";
    found.push({
      port,
      protocol,
      hostIP: hostIPOf(item.hostIP),
      path: [...container.path, "ports", index, "hostPort"],
    });
  });
  return found;
}

/** Whether `old` already bound what `next` binds: same port and protocol, on every address or the same one. */
function covers(old: HostPort, next: HostPort): boolean {
  return (
    old.port === next.port &&
    old.protocol === next.protocol &&
    (old.hostIP === "" || old.hostIP === next.hostIP)
  );
}

function hit(resource: Resource, container: ContainerRef, port: HostPort): RuleHit {
  const where = port.hostIP === "" ? "every address of each node it runs on" : `node address ${port.hostIP}`;
  return {
    path: port.path,
    key: `${container.list}/${container.name}:${port.port}/${port.protocol}@${port.hostIP}`,
    message:
      `${CONTAINER_WORD[container.list]} \`${container.name}\` of ${describeResource(resource)} binds host port ` +
      `${port.port}/${port.protocol} on ${where}: the port is reachable by anyone who can reach the node, ` +
      "outside the Service layer, and only one such pod fits on a node. Remove hostPort and expose the " +
      "container through a Service.",
  };
}

/** A pod on the host network already binds its container ports on the node. */
function onHostNetwork(resource: Resource | undefined): boolean {
  return podSpecOf(resource)?.spec.hostNetwork === true;
}

function check(change: ResourceChange): RuleHit[] {
  const { after } = change;
  if (!after) return [];
  if (onHostNetwork(change.before) && onHostNetwork(after)) return [];
  const hits: RuleHit[] = [];
  for (const pair of containerPairs(change)) {
    if (!pair.after) continue;
    const previous = hostPortsOf(pair.before);
    const reported: HostPort[] = [];
    for (const port of hostPortsOf(pair.after)) {
      if (previous.some((old) => covers(old, port)) || reported.some((old) => covers(old, port))) continue;
      reported.push(port);
      hits.push(hit(after, pair.after, port));
    }
  }
  return hits;
}

export const hostPortRule: Rule = {
  id: "host-port",
  title: "Container binds a host port",
  defaultSeverity: "medium",
  description:
    "A container port that newly sets hostPort: a new container or workload with one, or an existing container (same name) that binds a host port, protocol or node address it did not bind before.",
  rationale:
    "A hostPort opens the port on the node's own address: anything that can reach the node reaches the " +
    "container, past the Service layer and often past NetworkPolicies, and the scheduler can place only one " +
    "such pod per node. A port moved to another container keeps its exposure but reaches a different " +
    "process, so it is reported; changing only hostIP to a narrower address is not.",
  remediation:
    "Remove hostPort and expose the container through a Service (ClusterIP behind an Ingress or Gateway). " +
    "If a node agent needs it, bind a specific hostIP such as 127.0.0.1.",
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
          ports:
            - containerPort: 8080
              hostPort: 8080
`,
  },
  check,
};
