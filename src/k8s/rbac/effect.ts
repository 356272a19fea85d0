// What a holder of permissions gains across a change, and how to say it. Grants are compared with
// RBAC's own coverage (grants.ts) and where they apply: a RoleBinding's grants count in its namespace
// only, a ClusterRoleBinding's everywhere, so a grant is new unless the base held it there too.

import { SEVERITIES, type Severity, severityRank } from "../../engine/types.js";
import { listed } from "../words.js";
import { bindingScopeText, type Holding, scopeText } from "./bindings.js";
import { type Danger, READ_VERBS, resourceDanger, urlDanger, WRITE_VERBS } from "./danger.js";
import { ALL, type Grant, grantKey, grantsOf, isCovered } from "./grants.js";

/** A grant a holder gains, where it applies ("" everywhere) and which binding gives it. */
export interface Gain {
  grant: Grant;
  scope: string;
  via: Holding;
}

/**
 * Resources that live outside namespaces (their plural names): a RoleBinding cannot grant them,
 * since no request in its namespace can reach them. Namespaces stay out: a RoleBinding does let its
 * holder read its own Namespace object.
 */
const CLUSTER_SCOPED_RESOURCES = new Set([
  "nodes",
  "persistentvolumes",
  "clusterroles",
  "clusterrolebindings",
  "customresourcedefinitions",
  "apiservices",
  "certificatesigningrequests",
  "storageclasses",
  "priorityclasses",
  "runtimeclasses",
  "ingressclasses",
  "csidrivers",
  "csinodes",
  "volumeattachments",
  "validatingwebhookconfigurations",
  "mutatingwebhookconfigurations",
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
  "podsecuritypolicies",
  "componentstatuses",
  "tokenreviews",
  "subjectaccessreviews",
  "selfsubjectaccessreviews",
  "selfsubjectrulesreviews",
]);

/** Whether a grant can mean anything where it applies. */
export function reachable(grant: Grant, scope: string): boolean {
  if (scope === "" || grant.type === "url") return true;
  return !CLUSTER_SCOPED_RESOURCES.has(grant.resource.split("/")[0]);
}

/** Whether any of `holdings` authorizes `grant` where `scope` says. */
export function held(grant: Grant, scope: string, holdings: readonly Holding[]): boolean {
  return holdings.some(
    ({ binding, role }) =>
      role.rules !== undefined &&
      (binding.scope === "" || binding.scope === scope) &&
      isCovered(grant, role.rules),
  );
}

/** Grants `after` gives that `before` did not, each once per place it applies. */
export function gainedGrants(after: readonly Holding[], before: readonly Holding[]): Gain[] {
  const seen = new Set<string>();
  const gains: Gain[] = [];
  for (const holding of after) {
    const { binding, role } = holding;
    if (!role.rules) continue;
    // Non-resource URLs are granted only by ClusterRoles bound cluster-wide.
    const withUrls = role.clusterRole && binding.scope === "";
    for (const grant of grantsOf(role.rules, withUrls)) {
      const key = `${binding.scope}\u0000${grantKey(grant)}`;
      if (seen.has(key) || !reachable(grant, binding.scope)) continue;
      seen.add(key);
      if (!held(grant, binding.scope, before)) gains.push({ grant, scope: binding.scope, via: holding });
    }
  }
  return gains;
}

/** Roles among `holdings` that are neither defined nor built in: what they grant is unknown. */
export function unknownRoles(holdings: readonly Holding[]): string[] {
  return [...new Set(holdings.filter((h) => !h.role.rules).map((h) => h.role.label))];
}

/** One line of "can now …": verbs on one target in one place. */
interface Target {
  scope: string;
  apiGroup: string;
  /** The resource as RBAC spells it ("*" included); the URL for a non-resource grant. */
  resource: string;
  what: string;
  verbs: string[];
  url: boolean;
}

function whatOf(grant: Grant): string {
  if (grant.type === "url") return `URL ${grant.url}`;
  const every = grant.resource === ALL;
  const resource = every ? "every resource" : grant.resource;
  const group =
    grant.apiGroup === ""
      ? ""
      : grant.apiGroup === ALL
        ? " of every API group"
        : every
          ? ` of ${grant.apiGroup}`
          : `.${grant.apiGroup}`;
  const name = grant.resourceName === undefined ? "" : ` named ${grant.resourceName}`;
  return `${resource}${group}${name}`;
}

/**
 * The places of the gains in words, by scope: a scope reached only through bindings that leave
 * their namespace to the deploy is named as such.
 */
function placesOf(gains: readonly Gain[]): Map<string, string> {
  const places = new Map<string, string>();
  for (const { scope, via } of gains) {
    const text = bindingScopeText(via.binding);
    const known = places.get(scope);
    // Reached both ways: the namespace the identity names is the one both share.
    places.set(scope, known === undefined || known === text ? text : scopeText(scope));
  }
  return places;
}

function targetsOf(gains: readonly Gain[]): Target[] {
  const targets = new Map<string, Target>();
  for (const { grant, scope } of gains) {
    const what = whatOf(grant);
    const key = JSON.stringify([scope, what]);
    const target = targets.get(key);
    if (target) {
      if (!target.verbs.includes(grant.verb)) target.verbs.push(grant.verb);
    } else {
      const url = grant.type === "url";
      const apiGroup = url ? "" : grant.apiGroup;
      const resource = url ? grant.url : grant.resource;
      targets.set(key, { scope, apiGroup, resource, what, verbs: [grant.verb], url });
    }
  }
  return [...targets.values()];
}

function dangerOf(target: Target): Danger {
  if (target.url) return urlDanger(target.verbs);
  return resourceDanger(target.apiGroup, target.resource, target.verbs);
}

export interface GainSummary {
  /** "read and write secrets, pods/exec and 3 more; impersonate serviceaccounts in namespace shop". */
  text: string;
  severity: Severity;
  /** Advice for the most dangerous gain. */
  advice: string;
}

/** Kinds of access shown per place before the rest are counted. */
const GROUPS_SHOWN = 3;

/** Verbs in words: the standard sets by name, the rest as RBAC spells them. */
function verbsText(verbs: readonly string[]): string {
  if (verbs.includes(ALL)) return "do anything (*) with";
  const has = (set: Iterable<string>) => [...set].every((verb) => verbs.includes(verb));
  const isRead = (verb: string) => READ_VERBS.has(verb);
  const words: string[] = [];
  let rest = [...verbs];
  if (has(READ_VERBS) && has(WRITE_VERBS)) {
    words.push("read and write");
    rest = rest.filter((verb) => !isRead(verb) && !WRITE_VERBS.includes(verb));
  } else if (has(READ_VERBS)) {
    words.push("read");
    rest = rest.filter((verb) => !isRead(verb));
  }
  return [...words, ...rest].join(", ");
}

interface Rated {
  target: Target;
  danger: Danger;
}

function byDanger(a: { danger: Danger }, b: { danger: Danger }): number {
  return severityRank(b.danger.severity) - severityRank(a.danger.severity);
}

/** One place's gains in words: targets with the same verbs share a phrase, worst first. */
function scopePhrase(place: string | undefined, rated: readonly Rated[]): string {
  const phrases = new Map<string, string[]>();
  for (const { target } of rated) {
    const verbs = verbsText(target.verbs);
    phrases.set(verbs, [...(phrases.get(verbs) ?? []), target.what]);
  }
  const parts = [...phrases].map(([verbs, whats]) => `${verbs} ${listed(whats)}`);
  const shown = parts.slice(0, GROUPS_SHOWN).join("; ");
  const more =
    parts.length > GROUPS_SHOWN ? ` (and ${parts.length - GROUPS_SHOWN} more kinds of access)` : "";
  return place ? `${shown}${more} ${place}` : `${shown}${more}`;
}

/**
 * The gains in words, most dangerous first, and the danger of the worst. Without `places`, where
 * they apply is left out (a role's own rules, before anything binds them).
 */
export function summarizeGains(gains: readonly Gain[], { places = true } = {}): GainSummary | undefined {
  const rated = targetsOf(gains)
    .map((target) => ({ target, danger: dangerOf(target) }))
    .sort(byDanger);
  if (rated.length === 0) return undefined;
  const scopes = new Map<string, Rated[]>();
  for (const entry of rated)
    scopes.set(entry.target.scope, [...(scopes.get(entry.target.scope) ?? []), entry]);
  const placeTexts = placesOf(gains);
  const text = [...scopes]
    .map(([scope, entries]) => scopePhrase(places ? placeTexts.get(scope) : undefined, entries))
    .join("; ");
  return { text, severity: rated[0].danger.severity, advice: rated[0].danger.advice };
}

export function maxSeverity(...severities: Severity[]): Severity {
  return SEVERITIES[Math.max(...severities.map(severityRank))];
}
