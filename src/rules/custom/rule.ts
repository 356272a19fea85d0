// A custom rule declared in a policy file (`customRules:`), turned into an ordinary Rule: the
// engine runs it, reports describe it and approvals name it exactly like a built-in rule.

import { jsonEqual } from "../../engine/equal.js";
import type { ResourceChange, Rule } from "../../engine/rule.js";
import {
  isObject,
  type Json,
  type ResourceIdentity,
  type RuleHit,
  type Severity,
} from "../../engine/types.js";
import { scalarText } from "../../k8s/objects.js";
import { type FieldPair, fieldPairs } from "./field-pairs.js";
import type { FieldStep } from "./field-path.js";
import type { Pattern } from "./pattern.js";

export type Condition =
  | { type: "added" }
  | { type: "removed" }
  | { type: "changed" }
  | { type: "becomes"; value: Json }
  | { type: "matches"; pattern: string; regex: Pattern };

/** A validated `customRules` entry (see src/policy/custom-rules.ts). */
export interface CustomRuleSpec {
  id: string;
  title: string;
  /** `Kind` (any API group), `group/Kind`, or `*` for every kind. */
  kinds: string[];
  /** The path as declared, and its parsed steps. */
  path: string;
  steps: FieldStep[];
  /** Any one of these fires (one finding per field, for the first that holds). */
  when: Condition[];
  severity: Severity;
  /** With placeholders, see PLACEHOLDERS. */
  message: string;
  remediation?: string;
}

/**
 * Values tested against a `matches` pattern are cut to this length: matching is linear in the text
 * (see pattern.ts), and this bounds it for every value a pull request can hold.
 */
export const MATCH_LIMIT = 4096;
/** `{before}` and `{after}` show at most this much of a value. */
const SHOWN_LIMIT = 200;

export const PLACEHOLDERS = ["kind", "namespace", "name", "resource", "path", "before", "after"] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

function matchesKind(kinds: readonly string[], identity: ResourceIdentity): boolean {
  return kinds.some((entry) => {
    if (entry === "*") return true;
    const slash = entry.lastIndexOf("/");
    if (slash < 0) return entry === identity.kind;
    return entry.slice(slash + 1) === identity.kind && entry.slice(0, slash) === identity.group;
  });
}

/** JSON with mapping keys sorted: the same value gives the same text whatever its key order. */
function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

function shown(value: Json | undefined): string {
  if (value === undefined) return "(absent)";
  const text = scalarText(value) ?? canonicalJson(value);
  return text.length > SHOWN_LIMIT ? `${text.slice(0, SHOWN_LIMIT)}…` : text;
}

function matches(regex: Pattern, value: Json | undefined): boolean {
  const text = scalarText(value);
  return text !== undefined && regex.test(text.slice(0, MATCH_LIMIT));
}

function holds(condition: Condition, pair: FieldPair, change: ResourceChange): boolean {
  const { before, after } = pair;
  switch (condition.type) {
    case "added":
      return !before && after !== undefined;
    case "removed":
      // A resource (or list item) removed whole is not a field taken away from it.
      return before !== undefined && !after && change.after !== undefined && !pair.ownerRemoved;
    case "changed":
      return before !== undefined && after !== undefined && !jsonEqual(before.value, after.value);
    case "becomes":
      return (
        after !== undefined &&
        jsonEqual(after.value, condition.value) &&
        !(before && jsonEqual(before.value, condition.value))
      );
    case "matches":
      return matches(condition.regex, after?.value) && !matches(condition.regex, before?.value);
  }
}

export function formatMessage(template: string, values: Record<Placeholder, string>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as Placeholder] : whole,
  );
}

/** `spec.replicas is added or changes`: what the conditions say, for titles and descriptions. */
export function describeConditions(when: readonly Condition[]): string {
  return when
    .map((c) => {
      if (c.type === "becomes") return `becomes ${canonicalJson(c.value)}`;
      if (c.type === "matches") return `matches /${c.pattern}/`;
      return c.type === "changed" ? "changes" : `is ${c.type}`;
    })
    .join(" or ");
}

function hitsOf(spec: CustomRuleSpec, change: ResourceChange): RuleHit[] {
  const resource = change.after ?? change.before;
  if (!resource || !matchesKind(spec.kinds, resource.identity)) return [];
  const hits: RuleHit[] = [];
  for (const pair of fieldPairs(change.before?.object, change.after?.object, spec.steps)) {
    const fired = spec.when.find((condition) => holds(condition, pair, change));
    if (!fired) continue;
    const side = fired.type === "removed" ? "base" : "head";
    const field = side === "base" ? pair.before : pair.after;
    if (!field) continue;
    const { kind, namespace, name } = resource.identity;
    hits.push({
      side,
      path: field.path,
      // The value is part of the risk: changing it again needs a new approval.
      key: `${pair.key}=${canonicalJson(field.value)}`,
      message: formatMessage(spec.message, {
        kind,
        namespace,
        name,
        resource: namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`,
        path: pair.text,
        before: shown(pair.before?.value),
        after: shown(pair.after?.value),
      }),
    });
  }
  return hits;
}

export function customRule(spec: CustomRuleSpec): Rule {
  const what = `${spec.path} ${describeConditions(spec.when)}`;
  return {
    id: spec.id,
    title: spec.title,
    defaultSeverity: spec.severity,
    description: `Custom rule: on ${spec.kinds.join(", ")}, flags ${what}.`,
    rationale: "Declared by this repository's KubeDelta policy (customRules).",
    remediation:
      spec.remediation ??
      `Revert the change, or ask the owners of the policy's custom rule ${spec.id} to accept it.`,
    check: (change) => hitsOf(spec, change),
  };
}

// One Rule object per spec, so every caller (engine, reports) sees the same rule.
const built = new WeakMap<CustomRuleSpec, Rule>();

export function customRulesOf(specs: readonly CustomRuleSpec[]): Rule[] {
  return specs.map((spec) => {
    let rule = built.get(spec);
    if (!rule) {
      rule = customRule(spec);
      built.set(spec, rule);
    }
    return rule;
  });
}
