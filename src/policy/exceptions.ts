// Reads the `exceptions:` list of one policy layer. Each entry is checked on its own here; whether
// its rule exists is checked once every layer is applied (rules can be registered by any layer).

import { isIsoDate, type PolicyException } from "../engine/exceptions.js";
import { isObject } from "../engine/types.js";
import { describe, suggest } from "./validation.js";

const FIELDS = ["rule", "kind", "namespace", "name", "container", "reason", "expires"] as const;
const GLOBS = ["kind", "namespace", "name", "container"] as const;

/**
 * `expires` as `YYYY-MM-DD`. YAML 1.2 (our parser) reads an unquoted date as a string; a YAML 1.1
 * or JSON-to-object loader may hand in a Date at midnight UTC, which means the same day.
 */
function expiryOf(value: unknown): string | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    const text = value.toISOString();
    return text.endsWith("T00:00:00.000Z") ? text.slice(0, 10) : undefined;
  }
  return typeof value === "string" && isIsoDate(value) ? value : undefined;
}

function parseEntry(
  entry: unknown,
  where: string,
  source: string,
  index: number,
  problems: string[],
): PolicyException | undefined {
  if (!isObject(entry)) {
    problems.push(
      `${where}: must be a mapping with rule, a selector (kind, namespace, name), reason and expires`,
    );
    return undefined;
  }
  const before = problems.length;
  for (const field of Object.keys(entry)) {
    if (!(FIELDS as readonly string[]).includes(field))
      problems.push(`${where}.${field}: unknown setting${suggest(field, FIELDS)}`);
  }
  const { rule, reason } = entry;
  if (rule === "*") {
    problems.push(`${where}.rule: "*" is not allowed: an exception names one rule id`);
  } else if (typeof rule !== "string" || rule === "") {
    problems.push(`${where}.rule: required, a rule id; got ${describe(rule)}`);
  }
  const globs: Partial<Record<(typeof GLOBS)[number], string>> = {};
  for (const field of GLOBS) {
    const value = entry[field];
    if (value === undefined) continue;
    // Only a namespace may be "": it selects cluster-scoped resources.
    if (typeof value !== "string" || (value === "" && field !== "namespace")) {
      problems.push(`${where}.${field}: must be a non-empty glob string; got ${describe(value)}`);
    } else globs[field] = value;
  }
  if (entry.kind === undefined && entry.namespace === undefined && entry.name === undefined) {
    problems.push(
      `${where}: needs at least one of kind, namespace, name (namespace: "" selects cluster-scoped resources)`,
    );
  }
  if (typeof reason !== "string" || reason.trim() === "") {
    problems.push(`${where}.reason: required, why the risk is accepted; got ${describe(reason)}`);
  }
  const expires = expiryOf(entry.expires);
  if (expires === undefined) {
    problems.push(
      `${where}.expires: required, the last day the exception applies, a real date written YYYY-MM-DD; got ${describe(entry.expires)}`,
    );
  }
  if (problems.length > before) return undefined;
  return {
    rule: rule as string,
    ...globs,
    reason: (reason as string).trim(),
    expires: expires as string,
    source,
    index,
  };
}

/** The list a layer declares (it replaces the earlier one), or undefined when it is unusable. */
export function parseExceptions(
  value: unknown,
  where: string,
  source: string,
  problems: string[],
): PolicyException[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list of exceptions ([] for none)`);
    return undefined;
  }
  const parsed = value.map((entry, index) =>
    parseEntry(entry, `${where}[${index}]`, source, index, problems),
  );
  return parsed.every((entry) => entry !== undefined) ? parsed : undefined;
}

/** Every exception must name a rule the final policy knows, built-in or registered by a layer. */
export function unknownExceptionRules(
  exceptions: readonly PolicyException[],
  ruleIds: readonly string[],
): string[] {
  return exceptions
    .filter((exception) => !ruleIds.includes(exception.rule))
    .map(
      (exception) =>
        `${exception.source}: exceptions[${exception.index}].rule: unknown rule id ${describe(exception.rule)}${suggest(exception.rule, ruleIds)}`,
    );
}

/** The JSON Schema of `exceptions:` (see schema.ts); what it cannot say, validation says. */
export const EXCEPTIONS_SCHEMA = {
  type: "array",
  items: {
    type: "object",
    properties: Object.fromEntries(
      FIELDS.map((field) => [
        field,
        {
          rule: { type: "string", description: "The rule id the risk is accepted for." },
          kind: { type: "string", description: "A glob of resource kinds." },
          namespace: {
            type: "string",
            description: 'A glob of namespaces ("" for cluster-scoped resources).',
          },
          name: { type: "string", description: "A glob of resource names." },
          container: { type: "string", description: "A glob of container names." },
          reason: { type: "string", minLength: 1, description: "Why the risk is accepted." },
          expires: {
            type: "string",
            pattern: "^\\d{4}-\\d{2}-\\d{2}$",
            description: "The last day the exception applies, YYYY-MM-DD.",
          },
        }[field],
      ]),
    ),
    required: ["rule", "reason", "expires"],
    additionalProperties: false,
  },
};
