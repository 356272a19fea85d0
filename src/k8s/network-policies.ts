// How Kubernetes reads a NetworkPolicy: which pods it selects, which directions it governs, and
// whether one of its rules admits all traffic in a direction. Policies add up: a pod is isolated
// in a direction when a policy that selects it governs that direction, and it may then receive
// (or send) the union of what those policies' rules allow. Wrong shapes read as absent, never throw.

import { valueAt } from "../engine/json.js";
import { memo } from "../engine/memo.js";
import type { ResourceSet } from "../engine/rule.js";
import { isObject, type Json, type Path, type Resource } from "../engine/types.js";
import { compileSelector, type Labels, selectsEverything } from "./label-selectors.js";
import { podLabelsOf } from "./pods.js";

const NETWORK_POLICY_GROUP = "networking.k8s.io";

export type Direction = "Ingress" | "Egress";
export const DIRECTIONS: readonly Direction[] = ["Ingress", "Egress"];

/** The spec's list of rules for a direction, and the peer list inside each rule. */
const RULES_FIELD = { Ingress: "ingress", Egress: "egress" } as const;
const PEERS_FIELD = { Ingress: "from", Egress: "to" } as const;

export function isNetworkPolicy(resource: Resource | undefined): resource is Resource {
  return resource?.identity.kind === "NetworkPolicy" && resource.identity.group === NETWORK_POLICY_GROUP;
}

/** Labels of the pods a workload runs; a PodTemplate runs nothing, so it has none. */
export function workloadLabels(resource: Resource | undefined): { labels: Labels; path: Path } | undefined {
  if (!resource || resource.identity.kind === "PodTemplate") return undefined;
  return podLabelsOf(resource);
}

/** A rule that admits all traffic: where it is, and whom it admits, in words. */
export interface Opening {
  path: Path;
  reach: string;
}

/** A NetworkPolicy read once. */
export interface Policy {
  resource: Resource;
  /** spec.podSelector; a plain struct in the API, so absent means `{}`. */
  selector: Json;
  selects: (labels: Labels) => boolean;
  /** Whether the spec lists policyTypes itself (otherwise the API server defaults them). */
  typesDeclared: boolean;
  /** The directions it governs, each with where the spec says so. */
  governs: ReadonlyMap<Direction, Path>;
  /** Its first rule that admits all traffic, for each governed direction that has one. */
  opens: ReadonlyMap<Direction, Opening>;
}

const isUnset = (value: Json | undefined) => value === undefined || value === null;
/** An absent, null or empty list: "no restriction" for a rule's peers and ports. */
const isEmptyList = (value: Json | undefined) =>
  isUnset(value) || (Array.isArray(value) && value.length === 0);

/**
 * policyTypes as the API server defaults it: when it is empty, Ingress, plus Egress when the spec
 * lists egress rules (an empty `egress: []` does not count).
 */
function governedDirections(spec: Record<string, Json>): Map<Direction, Path> {
  const governed = new Map<Direction, Path>();
  const types = spec.policyTypes;
  if (Array.isArray(types) && types.length > 0) {
    types.forEach((type, index) => {
      if ((type === "Ingress" || type === "Egress") && !governed.has(type)) {
        governed.set(type, ["spec", "policyTypes", index]);
      }
    });
    return governed;
  }
  governed.set("Ingress", ["spec", "ingress"]);
  if (Array.isArray(spec.egress) && spec.egress.length > 0) governed.set("Egress", ["spec", "egress"]);
  return governed;
}

/** Whom one peer admits when it admits a whole class of traffic; undefined for anything narrower. */
function peerReach(peer: Json): string | undefined {
  if (!isObject(peer)) return undefined;
  if (!isUnset(peer.ipBlock)) {
    const cidr = valueAt(peer, ["ipBlock", "cidr"]);
    if (typeof cidr !== "string" || !cidr.trim().endsWith("/0")) return undefined;
    if (!isEmptyList(valueAt(peer, ["ipBlock", "except"]))) return undefined;
    return cidr.includes(":") ? "every IPv6 address" : "every IPv4 address";
  }
  const everyNamespace = selectsEverything(peer.namespaceSelector);
  const everyPod = isUnset(peer.podSelector) || selectsEverything(peer.podSelector);
  return everyNamespace && everyPod ? "every pod in every namespace" : undefined;
}

/** The first rule of a direction that admits all traffic: every port, and every peer of a class. */
function openingRule(spec: Record<string, Json>, direction: Direction): Opening | undefined {
  const rules = spec[RULES_FIELD[direction]];
  if (!Array.isArray(rules)) return undefined;
  const peersField = PEERS_FIELD[direction];
  for (const [index, rule] of rules.entries()) {
    const path: Path = ["spec", RULES_FIELD[direction], index];
    // A null item decodes to an empty rule, which admits everything.
    if (rule === null) return { path, reach: "every peer" };
    if (!isObject(rule) || !isEmptyList(rule.ports)) continue;
    const peers = rule[peersField];
    if (isEmptyList(peers)) {
      return { path: Object.hasOwn(rule, peersField) ? [...path, peersField] : path, reach: "every peer" };
    }
    if (!Array.isArray(peers)) continue;
    for (const [peerIndex, peer] of peers.entries()) {
      const reach = peerReach(peer);
      if (reach) return { path: [...path, peersField, peerIndex], reach };
    }
  }
  return undefined;
}

export function compilePolicy(resource: Resource): Policy {
  const spec: Json | undefined = resource.object.spec;
  // No spec at all: every pod of the namespace, ingress governed, no rule admitting anything.
  const fields = spec === undefined || spec === null ? {} : spec;
  if (!isObject(fields)) {
    const governs = new Map();
    return {
      resource,
      selector: null,
      selects: () => false,
      typesDeclared: false,
      governs,
      opens: new Map(),
    };
  }
  const raw = valueAt(fields, ["podSelector"]);
  const selector = isUnset(raw) ? {} : (raw as Json);
  const governs = governedDirections(fields);
  const opens = new Map<Direction, Opening>();
  for (const direction of governs.keys()) {
    const opening = openingRule(fields, direction);
    if (opening) opens.set(direction, opening);
  }
  const typesDeclared = Array.isArray(fields.policyTypes) && fields.policyTypes.length > 0;
  return { resource, selector, selects: compileSelector(selector), typesDeclared, governs, opens };
}

export function policiesIn(set: ResourceSet, namespace: string): readonly Policy[] {
  return memo(set, `network-policies:${namespace}`, () =>
    set.byKindIn("NetworkPolicy", namespace).filter(isNetworkPolicy).map(compilePolicy),
  );
}

/** The policy read from a side's set (memoized there), or read afresh if the set lacks it. */
export function policyOf(set: ResourceSet, resource: Resource): Policy {
  const { namespace } = resource.identity;
  const byResource = memo(
    set,
    `network-policies-by-resource:${namespace}`,
    () => new Map(policiesIn(set, namespace).map((policy) => [policy.resource, policy])),
  );
  return byResource.get(resource) ?? compilePolicy(resource);
}

export type DirectionState = "unselected" | "open" | "restricted";

/**
 * What the policies that select some pods make of one direction: unselected (no policy at all),
 * restricted (a policy governs it and none admits all traffic), or open.
 */
export function directionState(selecting: readonly Policy[], direction: Direction): DirectionState {
  if (selecting.length === 0) return "unselected";
  if (selecting.some((policy) => policy.opens.has(direction))) return "open";
  return selecting.some((policy) => policy.governs.has(direction)) ? "restricted" : "open";
}
