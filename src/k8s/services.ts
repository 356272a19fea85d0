// Services: their type as Kubernetes defaults it, and the cloud annotations that keep a load
// balancer on the private network. Wrong shapes read as absent, never throw.

import { isObject, type Json, type JsonObject, type Resource } from "../engine/types.js";
import { annotationsOf } from "./objects.js";

export function isService(resource: Resource | undefined): resource is Resource {
  return resource?.identity.group === "" && resource.identity.kind === "Service";
}

/** spec.type as Kubernetes defaults it: a Service without one is ClusterIP. */
export function serviceType(service: JsonObject): string {
  const spec = service.spec;
  const type = isObject(spec) ? spec.type : undefined;
  return typeof type === "string" && type !== "" ? type : "ClusterIP";
}

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
