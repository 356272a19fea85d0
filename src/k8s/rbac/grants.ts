// Effective permissions of a Role or ClusterRole, with the coverage semantics of the Kubernetes
// RBAC authorizer and escalation check (pkg/apis/rbac/v1/evaluation_helpers.go and
// pkg/registry/rbac/validation/policy_comparator.go). A role's rules are broken down into
// single grants; a grant is covered by a rule when that rule alone would authorize it. Comparing
// grants instead of rule text is what keeps reordering, splitting, merging and narrowing quiet.

import { isObject, type Json, type JsonObject } from "../../engine/types.js";

/** "*" in verbs, apiGroups, resources and nonResourceURLs (exactly as RBAC spells it). */
export const ALL = "*";

/**
 * One entry of a role's `rules`, its lists read as written. A non-string item becomes undefined
 * so that positions still match the manifest (for line lookups); it grants nothing.
 */
export interface PolicyRule {
  /** Position in the role's `rules` list. */
  index: number;
  apiGroups: readonly (string | undefined)[];
  resources: readonly (string | undefined)[];
  verbs: readonly (string | undefined)[];
  /** Empty: every name. */
  resourceNames: readonly (string | undefined)[];
  nonResourceURLs: readonly (string | undefined)[];
  /** The same lists as sets, for lookups in large roles. */
  sets: { apiGroups: Set<string>; resources: Set<string>; verbs: Set<string>; resourceNames: Set<string> };
}

/** Permission to use `verb` on `resource` ("pods", "pods/exec") of `apiGroup`, maybe one name only. */
export interface ResourceGrant {
  type: "resource";
  apiGroup: string;
  resource: string;
  verb: string;
  /** Undefined: every name. */
  resourceName?: string;
  /** Where the grant comes from: the rule and the positions of its resource and verb entries. */
  rule: number;
  resourceIndex: number;
  verbIndex: number;
  /** The position of `resourceName` in the rule's resourceNames, when it has one. */
  nameIndex?: number;
}

/** Permission to use `verb` on a non-resource URL ("/metrics", "/logs/*"); ClusterRoles only. */
export interface UrlGrant {
  type: "url";
  url: string;
  verb: string;
  rule: number;
  urlIndex: number;
  verbIndex: number;
}

export type Grant = ResourceGrant | UrlGrant;

/** Expanding more grants than this from one role is refused rather than attempted. */
export const MAX_GRANTS = 200_000;
/** Grant-against-rule checks allowed for one comparison (about a second of work). */
export const MAX_COMPARISONS = 20_000_000;

/** A role too large to compare: the review fails with this message instead of stalling. */
export class RoleTooLargeError extends Error {
  constructor(detail: string) {
    super(`role too large to compare: ${detail}`);
    this.name = "RoleTooLargeError";
  }
}

/** A list field: absent means empty; anything but a list makes the rule invalid (undefined). */
function stringList(value: Json | undefined): (string | undefined)[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => (typeof item === "string" ? item : undefined));
}

function toSet(list: readonly (string | undefined)[]): Set<string> {
  return new Set(list.filter((item) => item !== undefined));
}

function readRule(value: Json, index: number): PolicyRule | undefined {
  if (!isObject(value)) return undefined;
  const apiGroups = stringList(value.apiGroups);
  const resources = stringList(value.resources);
  const verbs = stringList(value.verbs);
  const resourceNames = stringList(value.resourceNames);
  const nonResourceURLs = stringList(value.nonResourceURLs);
  // The API server would refuse such a role; it grants nothing.
  if (!apiGroups || !resources || !verbs || !resourceNames || !nonResourceURLs) return undefined;
  const sets = {
    apiGroups: toSet(apiGroups),
    resources: toSet(resources),
    verbs: toSet(verbs),
    resourceNames: toSet(resourceNames),
  };
  return { index, apiGroups, resources, verbs, resourceNames, nonResourceURLs, sets };
}

/** The rules of a Role or ClusterRole object; malformed entries are left out, never thrown on. */
export function readRules(role: JsonObject | undefined): PolicyRule[] {
  const rules = role?.rules;
  if (!Array.isArray(rules)) return [];
  const read: PolicyRule[] = [];
  rules.forEach((value, index) => {
    const rule = readRule(value, index);
    if (rule) read.push(rule);
  });
  return read;
}

function has(set: ReadonlySet<string>, value: string): boolean {
  return set.has(value) || set.has(ALL);
}

/** `*` matches any resource, subresources too; `*\/scale` matches the scale subresource of any. */
export function resourceCovers(resources: ReadonlySet<string>, resource: string): boolean {
  if (has(resources, resource)) return true;
  const slash = resource.indexOf("/");
  return slash >= 0 && resources.has(`*/${resource.slice(slash + 1)}`);
}

/** Exact match, or a pattern ending in `*` that is a prefix of the URL ("/logs/*", "/api*"). */
export function urlCovers(urls: readonly (string | undefined)[], url: string): boolean {
  return urls.some((pattern) => {
    if (pattern === undefined) return false;
    if (pattern === url) return true;
    return pattern.endsWith("*") && url.startsWith(withoutTrailingStars(pattern));
  });
}

function withoutTrailingStars(pattern: string): string {
  let end = pattern.length;
  while (end > 0 && pattern[end - 1] === ALL) end--;
  return pattern.slice(0, end);
}

/** No names: every name. Names: only those, so a name-restricted rule never covers "every name". */
export function namesCover(rule: PolicyRule, name: string | undefined): boolean {
  if (rule.resourceNames.length === 0) return true;
  return name !== undefined && rule.sets.resourceNames.has(name);
}

/** Whether `rule` on its own authorizes `grant` (RBAC's ruleCovers on a broken-down rule). */
export function ruleCovers(rule: PolicyRule, grant: Grant): boolean {
  return has(rule.sets.verbs, grant.verb) && reaches(rule, grant);
}

/**
 * Whether `rule` is about the same objects as `grant` (its URL, or its group, resource and name),
 * whatever the verb. With `anyName`, a rule restricted to some names counts too.
 */
function reaches(rule: PolicyRule, grant: Grant, anyName = false): boolean {
  if (grant.type === "url") return urlCovers(rule.nonResourceURLs, grant.url);
  return (
    has(rule.sets.apiGroups, grant.apiGroup) &&
    resourceCovers(rule.sets.resources, grant.resource) &&
    (anyName || namesCover(rule, grant.resourceName))
  );
}

export function isCovered(grant: Grant, rules: readonly PolicyRule[]): boolean {
  return rules.some((rule) => ruleCovers(rule, grant));
}

/**
 * Grants a role would expand to, counted before expanding so that a huge role cannot stall us.
 * Duplicates count: expanding visits them too.
 */
export function grantCount(rules: readonly PolicyRule[], withUrls: boolean): number {
  let total = 0;
  for (const rule of rules) {
    const verbs = rule.verbs.length;
    total += rule.apiGroups.length * rule.resources.length * verbs * Math.max(1, rule.resourceNames.length);
    if (withUrls) total += rule.nonResourceURLs.length * verbs;
  }
  return total;
}

/** Calls `visit` with each item's value and position, skipping non-strings. */
function eachString(
  list: readonly (string | undefined)[],
  visit: (value: string, index: number) => void,
): void {
  list.forEach((value, index) => {
    if (value !== undefined) visit(value, index);
  });
}

function resourceGrantsOf(rule: PolicyRule, add: (grant: Grant) => void): void {
  const names: { resourceName?: string; nameIndex?: number }[] = [];
  if (rule.resourceNames.length === 0) names.push({});
  else eachString(rule.resourceNames, (resourceName, nameIndex) => names.push({ resourceName, nameIndex }));
  eachString(rule.apiGroups, (apiGroup) =>
    eachString(rule.resources, (resource, resourceIndex) =>
      eachString(rule.verbs, (verb, verbIndex) => {
        for (const { resourceName, nameIndex } of names) {
          add({
            type: "resource",
            apiGroup,
            resource,
            verb,
            resourceName,
            rule: rule.index,
            resourceIndex,
            verbIndex,
            nameIndex,
          });
        }
      }),
    ),
  );
}

function urlGrantsOf(rule: PolicyRule, add: (grant: Grant) => void): void {
  eachString(rule.nonResourceURLs, (url, urlIndex) =>
    eachString(rule.verbs, (verb, verbIndex) =>
      add({ type: "url", url, verb, rule: rule.index, urlIndex, verbIndex }),
    ),
  );
}

/**
 * A grant's meaning without its position: two grants with the same key are one permission.
 * JSON keeps crafted strings (control characters, separators) from colliding with real grants.
 */
export function grantKey(grant: Grant): string {
  if (grant.type === "url") return JSON.stringify(["url", grant.url, grant.verb]);
  return JSON.stringify(["resource", grant.apiGroup, grant.resource, grant.resourceName ?? null, grant.verb]);
}

/**
 * The distinct grants of a role, in manifest order (first occurrence wins). Non-resource URLs
 * count only for ClusterRoles: the API server refuses them in a namespaced Role.
 */
export function grantsOf(rules: readonly PolicyRule[], clusterRole: boolean): Grant[] {
  const count = grantCount(rules, clusterRole);
  if (count > MAX_GRANTS) throw new RoleTooLargeError(`${count} grants, over the limit of ${MAX_GRANTS}`);
  const seen = new Set<string>();
  const grants: Grant[] = [];
  const add = (grant: Grant) => {
    const key = grantKey(grant);
    if (seen.has(key)) return;
    seen.add(key);
    grants.push(grant);
  };
  for (const rule of rules) {
    resourceGrantsOf(rule, add);
    if (clusterRole) urlGrantsOf(rule, add);
  }
  return grants;
}

/** Grants of `after` that no rule of `before` covers: the permissions the change adds. */
export function newGrants(
  before: readonly PolicyRule[],
  after: readonly PolicyRule[],
  clusterRole: boolean,
): Grant[] {
  const grants = grantsOf(after, clusterRole);
  // URL patterns are scanned one by one; everything else is a set lookup.
  const cost = before.reduce((sum, rule) => sum + 1 + rule.nonResourceURLs.length, 0);
  if (grants.length * cost > MAX_COMPARISONS) {
    throw new RoleTooLargeError(`${grants.length} grants against ${before.length} rules`);
  }
  return grants.filter((grant) => !isCovered(grant, before));
}

/**
 * Verbs that rules of `before` already allowed on the objects of `grant`. With `anyName`, also
 * verbs allowed only on some names of the resource (what a grant on every name widens).
 */
export function priorVerbs(grant: Grant, before: readonly PolicyRule[], anyName = false): Set<string> {
  const verbs = new Set<string>();
  for (const rule of before) {
    if (reaches(rule, grant, anyName)) for (const verb of rule.sets.verbs) verbs.add(verb);
  }
  return verbs;
}
