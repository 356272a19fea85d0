// service-load-balancer: a Service that starts asking the cloud for a load balancer, or an
// internal load balancer that turns internet-facing. A LoadBalancer that was already public is
// pre-existing risk and stays quiet.

import type { ResourceChange, Rule } from "../engine/rule.js";
import { isObject, type Path, type Resource, type RuleHit } from "../engine/types.js";
import { annotationsOf } from "../k8s/objects.js";
import { internalAnnotations, isInternal, isService, serviceType } from "../k8s/services.js";

const LOAD_BALANCER = "LoadBalancer";

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
