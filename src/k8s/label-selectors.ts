// Kubernetes label selectors (metav1.LabelSelector), evaluated as the API machinery does:
// matchLabels AND every matchExpression; an empty selector selects everything; a selector the
// API server would reject selects nothing.

import { isObject, type Json, type JsonObject } from "../engine/types.js";
import { scalarText } from "./objects.js";

export type Labels = Readonly<Record<string, string>>;

type Requirement = (labels: Labels) => boolean;

const has = (labels: Labels, key: string) => Object.hasOwn(labels, key);

/** A list of scalar values as text; undefined when it is not one. */
function valuesOf(raw: Json | undefined): string[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return undefined;
  const values = raw.map(scalarText);
  return values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

function expressionOf(raw: Json): Requirement | undefined {
  if (!isObject(raw)) return undefined;
  const key = raw.key;
  const values = valuesOf(raw.values);
  if (typeof key !== "string" || key === "" || !values) return undefined;
  switch (raw.operator) {
    case "In":
      return values.length > 0 ? (labels) => has(labels, key) && values.includes(labels[key]) : undefined;
    case "NotIn":
      // A pod without the key is "not in" any set of values.
      return values.length > 0 ? (labels) => !has(labels, key) || !values.includes(labels[key]) : undefined;
    case "Exists":
      return values.length === 0 ? (labels) => has(labels, key) : undefined;
    case "DoesNotExist":
      return values.length === 0 ? (labels) => !has(labels, key) : undefined;
    default:
      return undefined;
  }
}

/** The selector's requirements, or undefined when it is malformed. */
function requirementsOf(selector: Json): Requirement[] | undefined {
  if (!isObject(selector)) return undefined;
  const requirements: Requirement[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) return undefined;
    for (const [key, raw] of Object.entries(matchLabels)) {
      const value = scalarText(raw);
      if (value === undefined) return undefined;
      requirements.push((labels) => has(labels, key) && labels[key] === value);
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return undefined;
    for (const raw of matchExpressions) {
      const requirement = expressionOf(raw);
      if (!requirement) return undefined;
      requirements.push(requirement);
    }
  }
  return requirements;
}

/**
 * Whether a label selector selects a set of labels. `{}` selects everything; an absent (nil)
 * selector or a malformed one selects nothing. Callers whose field defaults to `{}` when absent
 * (NetworkPolicy's podSelector) pass `{}` themselves.
 */
export function selectorMatches(selector: Json | undefined, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}

/** selectorMatches with the selector read once, for matching many label sets against it. */
export function compileSelector(selector: Json | undefined): (labels: Labels) => boolean {
  if (selector === undefined || selector === null) return () => false;
  const requirements = requirementsOf(selector);
  if (!requirements) return () => false;
  return (labels) => requirements.every((requirement) => requirement(labels));
}

/** Whether a selector selects every set of labels (`{}`, or clauses that are empty or null). */
export function selectsEverything(selector: Json | undefined): boolean {
  if (selector === undefined || selector === null) return false;
  return requirementsOf(selector)?.length === 0;
}

/**
 * Whether `selector` selects no more than `wider`: it holds every requirement `wider` holds (as
 * written: matchLabels pairs and whole expressions), maybe more. A malformed one selects nothing.
 */
export function narrowsSelector(selector: Json, wider: Json): boolean {
  if (!isObject(selector) || requirementsOf(selector) === undefined) return true;
  if (!isObject(wider) || requirementsOf(wider) === undefined) return false;
  const mine = writtenRequirements(selector);
  return [...writtenRequirements(wider)].every((r) => mine.has(r));
}

/** A well-formed selector's requirements as comparable strings. */
function writtenRequirements(selector: JsonObject): Set<string> {
  const found = new Set<string>();
  const { matchLabels, matchExpressions } = selector;
  if (isObject(matchLabels)) {
    for (const [key, value] of Object.entries(matchLabels))
      found.add(JSON.stringify(["label", key, scalarText(value)]));
  }
  if (Array.isArray(matchExpressions)) {
    for (const e of matchExpressions) found.add(JSON.stringify(["expression", e]));
  }
  return found;
}

/**
 * A pod that carries just the labels a selector requires: matchLabels, the first value of each
 * `In`, an empty value for each `Exists`. Undefined when no pod can satisfy the selector (a
 * malformed or contradictory one). It stands for the selected pods when none are known.
 */
export function representativeLabels(selector: Json | undefined): Labels | undefined {
  if (!isObject(selector)) return undefined;
  const labels: Record<string, string> = {};
  const { matchLabels, matchExpressions } = selector;
  if (isObject(matchLabels)) {
    for (const [key, raw] of Object.entries(matchLabels)) labels[key] = scalarText(raw) ?? "";
  }
  for (const raw of Array.isArray(matchExpressions) ? matchExpressions : []) {
    if (!isObject(raw) || typeof raw.key !== "string" || Object.hasOwn(labels, raw.key)) continue;
    const first = Array.isArray(raw.values) ? scalarText(raw.values[0]) : undefined;
    if (raw.operator === "In" && first !== undefined) labels[raw.key] = first;
    if (raw.operator === "Exists") labels[raw.key] = "";
  }
  return compileSelector(selector)(labels) ? labels : undefined;
}

/** The label keys a selector's clauses read (matchLabels keys, then matchExpressions keys). */
export function selectorKeys(selector: Json | undefined): string[] {
  if (!isObject(selector)) return [];
  const keys: string[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (isObject(matchLabels)) keys.push(...Object.keys(matchLabels));
  for (const raw of Array.isArray(matchExpressions) ? matchExpressions : []) {
    if (isObject(raw) && typeof raw.key === "string") keys.push(raw.key);
  }
  return keys;
}

function expressionText(raw: Json): string {
  if (!isObject(raw)) return "?";
  const key = typeof raw.key === "string" ? raw.key : "?";
  const values = (valuesOf(raw.values) ?? []).join(", ");
  switch (raw.operator) {
    case "In":
      return `${key} in (${values})`;
    case "NotIn":
      return `${key} notin (${values})`;
    case "Exists":
      return key;
    case "DoesNotExist":
      return `!${key}`;
    default:
      return `${key} ${String(raw.operator)} (${values})`;
  }
}

/** A selector the way kubectl writes one (`app=web, tier in (front)`); "" when it has no clause. */
export function selectorText(selector: Json | undefined): string {
  if (!isObject(selector)) return "";
  const parts: string[] = [];
  const { matchLabels, matchExpressions } = selector;
  if (isObject(matchLabels)) {
    for (const [key, raw] of Object.entries(matchLabels)) parts.push(`${key}=${scalarText(raw) ?? "?"}`);
  }
  if (Array.isArray(matchExpressions)) parts.push(...matchExpressions.map(expressionText));
  return parts.join(", ");
}
