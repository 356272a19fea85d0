// Kubernetes label selectors (metav1.LabelSelector), evaluated as the API machinery does:
// matchLabels AND every matchExpression; an empty selector selects everything; a selector the
// API server would reject selects nothing.

import type { Json } from "../engine/types.js";
import { isObject, scalarText } from "./pods.js";

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
