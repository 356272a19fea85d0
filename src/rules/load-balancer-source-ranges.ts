// load-balancer-source-ranges: a LoadBalancer that lets more clients in. The cloud reads
// spec.loadBalancerSourceRanges when it holds ranges, else the legacy annotation, else admits
// everyone; a change is judged on those effective ranges, so moving the ranges from the
// annotation into the spec (or reordering, splitting, narrowing them) is silent. A Service that
// only now becomes a LoadBalancer is service-load-balancer's finding, not this one.

import type { ResourceChange, Rule } from "../engine/rule.js";
import {
  isObject,
  type Json,
  type JsonObject,
  type Path,
  type Resource,
  type RuleHit,
} from "../engine/types.js";
import { type Cidr, cidrCovered, cidrKey, parseCidr } from "../k8s/ip-ranges.js";
import { describeResource } from "../k8s/objects.js";
import { isInternal, isService, serviceType } from "../k8s/services.js";

export const SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

interface Range {
  cidr: Cidr;
  /** As written (trimmed), for messages. */
  text: string;
  /** Where it is written: the list item, or the annotation. */
  path: Path;
}

interface EffectiveRanges {
  /** Unparsable entries are left out: the API server refuses them. */
  ranges: Range[];
  /** The field the ranges come from, when any field restricts the load balancer. */
  source?: Path;
}

const SPEC_FIELD: Path = ["spec", "loadBalancerSourceRanges"];
const ANNOTATION_FIELD: Path = ["metadata", "annotations", SOURCE_RANGES_ANNOTATION];

function specRanges(service: JsonObject): Range[] {
  const spec = service.spec;
  const list = isObject(spec) ? spec.loadBalancerSourceRanges : undefined;
  const ranges: Range[] = [];
  if (!Array.isArray(list)) return ranges;
  list.forEach((item: Json, index) => {
    const cidr = typeof item === "string" ? parseCidr(item) : undefined;
    if (cidr && typeof item === "string")
      ranges.push({ cidr, text: item.trim(), path: [...SPEC_FIELD, index] });
  });
  return ranges;
}

function annotationRanges(service: JsonObject): Range[] {
  const metadata = service.metadata;
  const annotations = isObject(metadata) ? metadata.annotations : undefined;
  const value = isObject(annotations) ? annotations[SOURCE_RANGES_ANNOTATION] : undefined;
  if (typeof value !== "string") return [];
  const ranges: Range[] = [];
  for (const part of value.split(",")) {
    const cidr = parseCidr(part);
    if (cidr) ranges.push({ cidr, text: part.trim(), path: ANNOTATION_FIELD });
  }
  return ranges;
}

/** The ranges the cloud applies: the spec's when it has any, else the annotation's, else none (everyone). */
export function effectiveRanges(service: JsonObject): EffectiveRanges {
  const spec = specRanges(service);
  if (spec.length > 0) return { ranges: spec, source: SPEC_FIELD };
  const annotation = annotationRanges(service);
  if (annotation.length > 0) return { ranges: annotation, source: ANNOTATION_FIELD };
  return { ranges: [] };
}

function fieldPresent(object: JsonObject, path: Path): boolean {
  let value: Json | undefined = object;
  for (const segment of path) {
    if (!isObject(value) || typeof segment !== "string" || !Object.hasOwn(value, segment)) return false;
    value = value[segment];
  }
  return true;
}

/** Who a range admits, in words, for the widest ranges. */
function reach(range: Cidr, internal: boolean): string | undefined {
  if (range.prefix !== 0) return undefined;
  const family = range.bits === 32 ? "IPv4" : "IPv6";
  return internal
    ? `every ${family} client on the private network`
    : `every ${family} address on the internet`;
}

function widened(after: Resource, range: Range, internal: boolean): RuleHit {
  const open = reach(range.cidr, internal);
  const who = open ? `: the load balancer now admits ${open}` : ", which no previous range covers";
  return {
    path: range.path,
    key: `range:${cidrKey(range.cidr)}`,
    // The whole address space on an internet-facing load balancer is the worst case.
    ...(open && !internal ? { severity: "critical" as const } : {}),
    message:
      `${describeResource(after)} widens its load-balancer source ranges with ${range.text}${who}. ` +
      "Source ranges are the only filter in front of a LoadBalancer Service; list just the clients that need it.",
  };
}

function removed(after: Resource, source: Path, internal: boolean): RuleHit {
  const field =
    source === SPEC_FIELD ? "spec.loadBalancerSourceRanges" : `the ${SOURCE_RANGES_ANNOTATION} annotation`;
  // Point at what is left of the field in the head (an empty list, say), else at what went away.
  const left = [source, SPEC_FIELD, ANNOTATION_FIELD].find((path) => fieldPresent(after.object, path));
  const where = left ? { path: left } : { side: "base" as const, path: source };
  const everyone = internal ? "every client on the private network" : "every address on the internet";
  return {
    ...where,
    key: "ranges-removed",
    ...(internal ? {} : { severity: "critical" as const }),
    message:
      `${describeResource(after)} drops ${field}: its load balancer now admits ${everyone} instead of the ` +
      "listed ranges. Keep the source ranges, listing just the clients that need the service.",
  };
}

function check({ before, after }: ResourceChange): RuleHit[] {
  if (!isService(after) || serviceType(after.object) !== "LoadBalancer") return [];
  // A Service that only now becomes a LoadBalancer is service-load-balancer's to report.
  if (!isService(before) || serviceType(before.object) !== "LoadBalancer") return [];
  const previous = effectiveRanges(before.object);
  // Without ranges before, the load balancer already admitted everyone: nothing can widen.
  if (!previous.source) return [];
  const internal = isInternal(after.object);
  const next = effectiveRanges(after.object);
  if (!next.source) return [removed(after, previous.source, internal)];
  const old = previous.ranges.map((range) => range.cidr);
  const seen = new Set<string>();
  const hits: RuleHit[] = [];
  for (const range of next.ranges) {
    const key = cidrKey(range.cidr);
    if (seen.has(key) || cidrCovered(old, range.cidr)) continue;
    seen.add(key);
    hits.push(widened(after, range, internal));
  }
  return hits;
}

export const loadBalancerSourceRangesRule: Rule = {
  id: "load-balancer-source-ranges",
  title: "Load balancer source ranges widened",
  defaultSeverity: "high",
  description:
    "Flags a LoadBalancer Service whose loadBalancerSourceRanges (or legacy load-balancer-source-ranges annotation) gain a range the previous ranges do not cover, or are removed.",
  rationale:
    "loadBalancerSourceRanges is the allow-list the cloud load balancer (or kube-proxy) enforces in front of the " +
    "pods; without it every address may connect. A new range lets a new set of clients reach the service, and " +
    "removing the ranges opens it to everyone. The spec field wins over the legacy annotation when it holds " +
    "ranges, so the rule compares the ranges in effect: moving, reordering, splitting or narrowing them is " +
    "silent. 0.0.0.0/0, ::/0 and removal on an internet-facing load balancer are critical; on an internal one " +
    "(service-load-balancer's annotations) they stay high.",
  remediation:
    "List only the client networks that need the service in spec.loadBalancerSourceRanges, and keep the ranges " +
    "when editing the Service.",
  example: {
    before: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  loadBalancerSourceRanges:
    - 203.0.113.0/24
  ports:
    - port: 443
`,
    after: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  loadBalancerSourceRanges:
    - 203.0.113.0/24
    - 0.0.0.0/0
  ports:
    - port: 443
`,
  },
  check,
};
