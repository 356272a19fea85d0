// Validates the `customRules:` list of a policy layer into CustomRuleSpecs and registers each rule
// in the policy's rule settings, so `rules:`, approvals and reports can name it like a built-in.
// A later layer's list replaces the earlier one, like every other setting.

import { RULE_ID, SHORT_ID } from "../engine/ids.js";
import { isObject, type Json, SEVERITIES, type Severity } from "../engine/types.js";
import { FieldPathError, parseFieldPath } from "../rules/custom/field-path.js";
import { compilePattern } from "../rules/custom/pattern.js";
import { type Condition, type CustomRuleSpec, PLACEHOLDERS } from "../rules/custom/rule.js";
import type { Policy } from "./types.js";
import { describe, isSeverity, suggest } from "./validation.js";

const FIELDS = ["id", "title", "kinds", "path", "when", "severity", "message", "remediation"];
const REQUIRED = ["id", "kinds", "path", "when", "message"];
const DEFAULT_SEVERITY: Severity = "medium";

// `Kind`, `group/Kind` (an API group: DNS-like, lowercase), or `*`.
const KIND = /^(?:(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)\/)?[A-Z][A-Za-z0-9]*$|^\*$/;

const VALUE_CONDITIONS = ["becomes", "matches"];
const CONDITION_NAMES = ["added", "removed", "changed", ...VALUE_CONDITIONS];
const CONDITION_FORMS = "added, removed, changed, {becomes: VALUE} or {matches: REGEX}";

type Problems = string[];

function parseCondition(raw: unknown, where: string, problems: Problems): Condition | undefined {
  if (raw === "added" || raw === "removed" || raw === "changed") return { type: raw };
  if (typeof raw === "string") {
    problems.push(
      `${where}: unknown condition ${describe(raw)}${suggest(raw, CONDITION_NAMES)}; expected ${CONDITION_FORMS}`,
    );
    return undefined;
  }
  const entries = isObject(raw) ? Object.entries(raw) : [];
  if (entries.length !== 1) {
    problems.push(`${where}: must be one condition: ${CONDITION_FORMS}; got ${describe(raw)}`);
    return undefined;
  }
  const [[name, value]] = entries;
  if (name === "becomes") {
    if (value !== null) return { type: "becomes", value: value as Json };
    problems.push(`${where}.becomes: needs a value (a null field is an absent one: use removed)`);
  } else if (name === "matches") {
    if (typeof value !== "string") {
      problems.push(`${where}.matches: must be a regular expression in a string; got ${describe(value)}`);
      return undefined;
    }
    const regex = compilePattern(value);
    if (typeof regex !== "string") return { type: "matches", pattern: value, regex };
    problems.push(`${where}.matches: ${regex}`);
  } else {
    problems.push(
      `${where}: unknown condition ${describe(name)}${suggest(name, CONDITION_NAMES)}; expected ${CONDITION_FORMS}`,
    );
  }
  return undefined;
}

function parseWhen(raw: unknown, where: string, problems: Problems): Condition[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    problems.push(`${where}: must name at least one condition (${CONDITION_FORMS})`);
    return undefined;
  }
  const conditions = list.map((item, i) =>
    parseCondition(item, Array.isArray(raw) ? `${where}[${i}]` : where, problems),
  );
  return conditions.every((c) => c !== undefined) ? (conditions as Condition[]) : undefined;
}

function parseKinds(raw: unknown, where: string, problems: Problems): string[] | undefined {
  if (!Array.isArray(raw) || !raw.every((k) => typeof k === "string")) {
    problems.push(`${where}: must be a list of kinds (Deployment, apps/Deployment, or * for every kind)`);
    return undefined;
  }
  if (raw.length === 0) {
    problems.push(`${where}: must name at least one kind (* for every kind)`);
    return undefined;
  }
  const bad = raw.filter((kind) => !KIND.test(kind));
  if (bad.length > 0) {
    problems.push(`${where}: not a kind (Kind or group/Kind): ${bad.map(describe).join(", ")}`);
    return undefined;
  }
  // `v1/Pod` or `core/Pod` would name a group no object has: the rule would never fire.
  const versioned = raw.filter((kind) => /^(?:core|v\d[a-z0-9]*)\//.test(kind));
  if (versioned.length === 0) return raw;
  const bare = versioned.map((kind) => kind.slice(kind.indexOf("/") + 1));
  problems.push(
    `${where}: ${versioned.map(describe).join(", ")}: the prefix is an API group, not a version; write core kinds bare (${bare.join(", ")})`,
  );
  return undefined;
}

function parseMessage(raw: unknown, where: string, problems: Problems): string | undefined {
  if (typeof raw !== "string" || raw.trim() === "") {
    problems.push(`${where}: must be a non-empty string`);
    return undefined;
  }
  const unknown = [...raw.matchAll(/\{([A-Za-z]+)\}/g)]
    .map((m) => m[1])
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length === 0) return raw;
  for (const name of unknown)
    problems.push(
      `${where}: unknown placeholder {${name}}${suggest(name, PLACEHOLDERS)}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
    );
  return undefined;
}

function optionalText(raw: unknown, where: string, problems: Problems): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === "string" && raw.trim() !== "") return raw;
  problems.push(`${where}: must be a non-empty string`);
  return undefined;
}

/** One entry, or undefined when it has problems (all of them recorded). */
function parseEntry(
  raw: unknown,
  where: string,
  index: number,
  taken: Map<string, string>,
  problems: Problems,
) {
  if (!isObject(raw)) {
    problems.push(`${where}: must be a mapping with ${REQUIRED.join(", ")}`);
    return undefined;
  }
  const before = problems.length;
  for (const field of Object.keys(raw))
    if (!FIELDS.includes(field)) problems.push(`${where}.${field}: unknown setting${suggest(field, FIELDS)}`);
  for (const field of REQUIRED)
    if (raw[field] === undefined || raw[field] === null) problems.push(`${where}.${field}: required`);

  const { id, severity = DEFAULT_SEVERITY } = raw;
  if (typeof id === "string" && !RULE_ID.test(id))
    problems.push(
      `${where}.id: must be lowercase words joined by dashes (like run-as-root); got ${describe(id)}`,
    );
  else if (typeof id === "string" && SHORT_ID.test(id))
    // `/approve-risk ID` would read it as the short id of a finding.
    problems.push(
      `${where}.id: ${describe(id)} looks like a finding id (hex digits); use words, like run-as-root`,
    );
  else if (typeof id === "string" && taken.has(id)) problems.push(`${where}.id: ${id} ${taken.get(id)}`);
  else if (id !== undefined && typeof id !== "string") problems.push(`${where}.id: must be a string`);
  if (typeof id === "string" && !taken.has(id)) taken.set(id, `is already the id of entry ${index}`);
  if (!isSeverity(severity))
    problems.push(`${where}.severity: must be one of ${SEVERITIES.join(", ")}; got ${describe(severity)}`);

  let steps: ReturnType<typeof parseFieldPath> | undefined;
  if (typeof raw.path === "string") {
    try {
      steps = parseFieldPath(raw.path);
    } catch (error) {
      if (!(error instanceof FieldPathError)) throw error;
      problems.push(`${where}.path: ${error.message} of ${describe(raw.path)}`);
    }
  } else if (raw.path !== undefined && raw.path !== null) problems.push(`${where}.path: must be a string`);
  const present = (field: string) => raw[field] !== undefined && raw[field] !== null;
  const kinds = present("kinds") ? parseKinds(raw.kinds, `${where}.kinds`, problems) : undefined;
  const when = present("when") ? parseWhen(raw.when, `${where}.when`, problems) : undefined;
  const message = present("message") ? parseMessage(raw.message, `${where}.message`, problems) : undefined;
  const title = optionalText(raw.title, `${where}.title`, problems);
  const remediation = optionalText(raw.remediation, `${where}.remediation`, problems);
  if (problems.length > before || !steps || !kinds || !when || !message) return undefined;
  const spec: CustomRuleSpec = {
    id: id as string,
    title: title ?? `${raw.path as string} (custom rule)`,
    kinds,
    path: raw.path as string,
    steps,
    when,
    severity: severity as Severity,
    message,
    ...(remediation ? { remediation } : {}),
  };
  return spec;
}

/** Replaces the policy's custom rules with a layer's list; problems are collected with their path. */
export function applyCustomRules(
  policy: Policy,
  data: unknown,
  path: string,
  builtinIds: readonly string[],
  problems: Problems,
) {
  if (!Array.isArray(data)) {
    problems.push(`${path}: must be a list of custom rules (see docs/custom-rules.md)`);
    return;
  }
  const taken = new Map(builtinIds.map((id) => [id, "is a built-in rule"]));
  const specs: CustomRuleSpec[] = [];
  data.forEach((raw, i) => {
    const spec = parseEntry(raw, `${path}[${i}]`, i, taken, problems);
    if (spec) specs.push(spec);
  });
  for (const old of policy.customRules) delete policy.rules[old.id];
  policy.customRules = specs;
  for (const spec of specs) policy.rules[spec.id] = { enabled: true, severity: spec.severity, params: {} };
}

const CONDITION_SCHEMA = {
  anyOf: [
    { enum: ["added", "removed", "changed"] },
    {
      type: "object",
      properties: { becomes: { description: "The field becomes this value (not null: use removed)." } },
      required: ["becomes"],
      additionalProperties: false,
    },
    {
      type: "object",
      properties: { matches: { type: "string", description: "A regular expression the new value matches." } },
      required: ["matches"],
      additionalProperties: false,
    },
  ],
};

/** The JSON Schema of `customRules:` (see schema.ts); what it cannot say, validation says. */
export const CUSTOM_RULES_SCHEMA = {
  type: "array",
  items: {
    type: "object",
    properties: Object.fromEntries(
      FIELDS.map((field) => [
        field,
        {
          id: { type: "string", pattern: RULE_ID.source },
          title: { type: "string" },
          kinds: { type: "array", items: { type: "string", pattern: KIND.source }, minItems: 1 },
          path: { type: "string", minLength: 1 },
          when: { anyOf: [CONDITION_SCHEMA, { type: "array", items: CONDITION_SCHEMA, minItems: 1 }] },
          severity: { enum: [...SEVERITIES] },
          message: { type: "string", minLength: 1 },
          remediation: { type: "string", minLength: 1 },
        }[field],
      ]),
    ),
    required: REQUIRED,
    additionalProperties: false,
  },
};
