// service-load-balancer: a Service that starts asking the cloud for a load balancer, or an
// internal load balancer that turns internet-facing. A LoadBalancer that was already public is
// pre-existing risk and stays quiet.

import {
  isObject,
  type Json,
  type JsonObject,
  type Path,
  type Resource,
  type RuleHit,
} from "../engine/types.js";
import type { ResourceChange, Rule } from "./types.js";

const LOAD_BALANCER = "LoadBalancer";

/**
 * Annotations that keep a cloud load balancer on the private network, with the values that mean
 * "internal" (lower case; compared case-insensitively).
 */
export const INTERNAL_ANNOTATIONS: Readonly<Record<string, readonly string[]>> = {
  "networking.gke.io/load-balancer-type": ["internal"],
  "cloud.google.com/load-balancer-type": ["internal"],
  // 0.0.0.0/0 is the legacy value from the days the annotation held a CIDR.
  "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
  "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
  "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
  "service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
  "service.beta.kubernetes.io/openstack-internal-load-balancer": ["true"],
  "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": ["intranet"],
  "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
};

function isService(resource: Resource | undefined): resource is Resource {
  return resource?.identity.group === "" && resource.identity.kind === "Service";
}

/** spec.type as Kubernetes defaults it: a Service without one is ClusterIP. */
export function serviceType(service: JsonObject): string {
  const spec = service.spec;
  const type = isObject(spec) ? spec.type : undefined;
  return typeof type === "string" && type !== "" ? type : "ClusterIP";
}

function annotationsOf(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  const annotations = isObject(metadata) ? metadata.annotations : undefined;
  return isObject(annotations) ? annotations : {};
}

/** Booleans and numbers may arrive unquoted; Kubernetes reads them all as strings. */
function annotationValue(value: Json | undefined): string | undefined {
  if (typeof value === "string") return value.trim().toLowerCase();
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  return undefined;
}

/** The annotations (keys) that make this Service's load balancer internal-only. */
export function internalAnnotations(service: JsonObject): string[] {
  const annotations = annotationsOf(service);
  return Object.keys(INTERNAL_ANNOTATIONS).filter((key) => {
    const value = annotationValue(annotations[key]);
    return value !== undefined && INTERNAL_ANNOTATIONS[key].includes(value);
  });
}

export function isInternal(service: JsonObject): boolean {
  return internalAnnotations(service).length > 0;
}

const HOW_TO_FIX =
  "Prefer ClusterIP behind an Ingress or Gateway, or mark the load balancer internal with your cloud's " +
  "annotation, and set spec.loadBalancerSourceRanges to the clients that need it.";

/** A Service that was not a LoadBalancer (or did not exist) and now is one. */
function becameLoadBalancer(after: Resource, beforeType: string | undefined): RuleHit {
  const { name } = after.identity;
  const what =
    beforeType === undefined
      ? `New Service ${name} is of type LoadBalancer`
      : `Service ${name} changes from ${beforeType} to LoadBalancer`;
  const internal = internalAnnotations(after.object);
  if (internal.length > 0) {
    return {
      path: ["spec", "type"],
      key: "type:LoadBalancer:internal",
      message:
        `${what}, internal-only (${internal[0]}): it is reachable from the private network, outside the ` +
        `cluster. Check who on that network needs it and set spec.loadBalancerSourceRanges.`,
      severity: "medium",
    };
  }
  return {
    path: ["spec", "type"],
    key: "type:LoadBalancer",
    message: `${what}: it exposes the service outside the cluster, often to the internet. ${HOW_TO_FIX}`,
  };
}

/** Where the internal marking went: its annotation if still there, else the annotations, else spec.type. */
function lostInternalPath(before: Resource, after: Resource): Path {
  const annotations = annotationsOf(after.object);
  const changed = internalAnnotations(before.object).find((key) => key in annotations);
  if (changed) return ["metadata", "annotations", changed];
  if (isObject(after.object.metadata) && isObject(after.object.metadata.annotations)) {
    return ["metadata", "annotations"];
  }
  return ["spec", "type"];
}

function turnedPublic(before: Resource, after: Resource): RuleHit {
  const removed = internalAnnotations(before.object)[0];
  return {
    path: lostInternalPath(before, after),
    key: "internal-removed",
    message:
      `Service ${after.identity.name} loses its internal load-balancer annotation (${removed}): the load ` +
      `balancer turns internet-facing. Keep the annotation, or set spec.loadBalancerSourceRanges to the ` +
      "clients that need it.",
  };
}

function check({ before, after }: ResourceChange): RuleHit[] {
  if (!isService(after) || serviceType(after.object) !== LOAD_BALANCER) return [];
  if (!isService(before)) return [becameLoadBalancer(after, undefined)];
  const beforeType = serviceType(before.object);
  if (beforeType !== LOAD_BALANCER) return [becameLoadBalancer(after, beforeType)];
  if (isInternal(before.object) && !isInternal(after.object)) return [turnedPublic(before, after)];
  return [];
}

export const serviceLoadBalancerRule: Rule = {
  id: "service-load-balancer",
  title: "Service becomes a LoadBalancer",
  defaultSeverity: "high",
  description:
    "Flags a Service that becomes type LoadBalancer, and a LoadBalancer that loses its internal-only annotation.",
  rationale:
    "A LoadBalancer Service makes the cloud provision an external address that forwards to the pods, which " +
    "usually puts the service on the internet, past any Ingress authentication, TLS or WAF. An internal " +
    "load balancer (the GKE, AWS, Azure, OCI, OpenStack, Alibaba or IBM annotation) stays on the private " +
    "network and is reported at medium severity; removing that annotation makes it public.",
  remediation:
    "Keep the Service ClusterIP and expose it through an Ingress or Gateway; if it needs its own load " +
    "balancer, mark it internal or restrict it with spec.loadBalancerSourceRanges.",
  example: {
    before: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`,
    after: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
    - port: 80
`,
  },
  check,
};
