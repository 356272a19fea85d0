// Reading a rule's parameters. The policy loader validates them against the rule's ParamSpecs; a
// rule run by other means (tests, a shell that builds its own context) still gets a usable value.

import type { ParamValues } from "../../engine/rule.js";

/** A string-list parameter, falling back when a caller hands in something else. */
export function stringListParam(
  params: ParamValues,
  name: string,
  fallback: readonly string[],
): readonly string[] {
  const value = params[name];
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : fallback;
}
