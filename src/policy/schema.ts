// The configuration schema, declared once: every setting of `.github/kubedelta.yml` (and of the
// policy pack) with how it is read, its default and what it means. From this table come the
// known-key lists and "did you mean" hints of validation (load.ts), the built-in defaults, and the
// JSON Schema editors use (docs/kubedelta.schema.json, `npm run schema:update`).
//
// Three keys are read by modules of their own and only described here: `rules` (per rule id, from
// the rules' metadata), `customRules` (custom-rules.ts) and `exceptions` (exceptions.ts). The
// `Policy` type (types.ts) stays hand-written: deriving it from the table would cost more clarity
// (mapped and conditional types over the table) than it saves. load.ts casts the table's defaults
// to it; test/policy/schema.test.ts checks the two agree (the defaults, key by key, against it).

import { LOGIN } from "../engine/ids.js";
import type { ParamSpec, Rule } from "../engine/rule.js";
import { type FailOn, SEVERITIES, type Severity } from "../engine/types.js";
import { CUSTOM_RULES_SCHEMA } from "./custom-rules.js";
import { EXCEPTIONS_SCHEMA } from "./exceptions.js";
import { PERMISSIONS, type Permission } from "./types.js";
import { describe, isSeverity, suggest } from "./validation.js";

export type JsonSchema = { [key: string]: unknown };

/** What reading a value gave: the value, or a problem (its path is put in front). */
export type Read<T> = { value: T } | { problem: string };

/** One setting: how it is read, its default, what it means. */
export interface Setting<T = unknown> {
  kind: "setting";
  doc: string;
  default: T;
  read(value: unknown): Read<T>;
  /** Its JSON Schema, without description and default (added from `doc` and `default`). */
  schema: JsonSchema;
}

/** A mapping of settings. */
export interface Section {
  kind: "section";
  doc: string;
  fields: Record<string, Setting | Section>;
  /** The problem when the value is not a mapping. */
  notMapping: string;
  /** The problem for a key the section does not know. */
  unknown(field: string, known: readonly string[]): string;
}

/** A key read by a module of its own (rules, customRules, exceptions): described here only. */
export interface External {
  kind: "external";
  doc: string;
  schema(rules: readonly Rule[]): JsonSchema;
}

const ok = <T>(value: T): Read<T> => ({ value });
const problem = (text: string): Read<never> => ({ problem: text });

function boolean(doc: string, defaultValue: boolean): Setting<boolean> {
  return {
    kind: "setting",
    doc,
    default: defaultValue,
    read: (value) => (typeof value === "boolean" ? ok(value) : problem("must be true or false")),
    schema: { type: "boolean" },
  };
}

function globs(doc: string, defaultValue: string[]): Setting<string[]> {
  return {
    kind: "setting",
    doc,
    default: defaultValue,
    read: (value) =>
      Array.isArray(value) && value.every((v) => typeof v === "string")
        ? ok(value)
        : problem("must be a list of glob strings"),
    schema: { type: "array", items: { type: "string" } },
  };
}

function limit(doc: string, defaultValue: number): Setting<number> {
  return {
    kind: "setting",
    doc,
    default: defaultValue,
    read: (value) =>
      typeof value === "number" && Number.isInteger(value) && value >= 1
        ? ok(value)
        : problem(`must be a positive whole number; got ${describe(value)}`),
    schema: { type: "integer", minimum: 1 },
  };
}

function names(doc: string, pattern: RegExp, what: string): Setting<string[]> {
  return {
    kind: "setting",
    doc,
    default: [],
    read: (value) => {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
        return problem(`must be a list of ${what}`);
      const bad = value.filter((v) => !pattern.test(v));
      return bad.length > 0 ? problem(`not ${what}: ${bad.map((b) => describe(b)).join(", ")}`) : ok(value);
    },
    schema: { type: "array", items: { type: "string", pattern: pattern.source } },
  };
}

function severity(doc: string, defaultValue: Severity): Setting<Severity> {
  return {
    kind: "setting",
    doc,
    default: defaultValue,
    read: (value) =>
      isSeverity(value)
        ? ok(value)
        : problem(`must be one of ${SEVERITIES.join(", ")}; got ${describe(value)}`),
    schema: { enum: [...SEVERITIES] },
  };
}

const unknownSetting = (field: string, known: readonly string[]) => `unknown setting${suggest(field, known)}`;

const TEAM = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

const MANIFESTS: Section = {
  kind: "section",
  doc: "Which files are manifests: minimatch globs relative to the repository root.",
  notMapping: "must be a mapping with include and exclude globs",
  unknown: (field, known) => `unknown setting${suggest(field, known) || ` (expected ${known.join(", ")})`}`,
  fields: {
    include: globs("Globs of the files to review.", ["**/*.yaml", "**/*.yml", "**/*.json"]),
    exclude: globs("Globs of the files left out, even when included.", []),
    skipTestFixtures: boolean(
      "Leave out the assert and error files of kuttl and chainsaw tests (false: review them as manifests).",
      true,
    ),
  },
};

export const LIMITS: Section = {
  kind: "section",
  doc: "Bounds on what a hostile or broken file can make KubeDelta do.",
  notMapping: "must be a mapping",
  unknown: (field, known) => `unknown limit${suggest(field, known)}`,
  fields: {
    maxFileBytes: limit("Bytes per file; a larger file is skipped with an error.", 8 * 1024 * 1024),
    maxDocuments: limit("YAML documents per file.", 10_000),
    maxDepth: limit("Nesting depth of mappings and sequences.", 64),
    maxAliases: limit("Alias (*ref) uses per document.", 1_000),
    maxNodes: limit("Values produced per document, counting alias expansion.", 1_000_000),
    maxFiles: limit("Changed manifest files per review.", 3_000),
    maxContextFiles: limit(
      "Unchanged manifests the GitHub App reads as context for repository-wide rules; over it, those rules are not run.",
      2_000,
    ),
  },
};

const QUORUM: Section = {
  kind: "section",
  doc: "Findings at or above `severity` need `approvers` distinct approvers (others need one).",
  notMapping: "must be a mapping with severity and approvers",
  unknown: () => "unknown setting (expected severity or approvers)",
  fields: {
    severity: severity("The severity from which the quorum applies.", "critical"),
    approvers: {
      kind: "setting",
      doc: "How many distinct approvers those findings need.",
      default: 1,
      read: (value) =>
        typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10
          ? ok(value)
          : problem(`must be a whole number from 1 to 10; got ${describe(value)}`),
      schema: { type: "integer", minimum: 1, maximum: 10 },
    },
  },
};

const APPROVALS: Section = {
  kind: "section",
  doc: "Who may accept a risk with /approve-risk, and how many must.",
  notMapping: "must be a mapping",
  unknown: unknownSetting,
  fields: {
    minPermission: {
      kind: "setting",
      doc: 'A collaborator with at least this role may approve; "none": the role alone never suffices.',
      default: "write",
      read: (value) =>
        (PERMISSIONS as readonly unknown[]).includes(value)
          ? ok(value as Permission)
          : problem(`must be one of ${PERMISSIONS.join(", ")}; got ${describe(value)}`),
      schema: { enum: [...PERMISSIONS] },
    } satisfies Setting<Permission>,
    teams: names(
      "Teams (org/team-slug) whose active members may approve.",
      TEAM,
      "teams written org/team-slug",
    ),
    users: names("GitHub logins that may approve.", LOGIN, "GitHub logins"),
    allowAuthor: boolean("Whether the pull request's author may approve its own risks.", false),
    quorum: QUORUM,
    resetOnPush: boolean("Whether any new commit voids the approvals given before it.", false),
  },
};

/** The top level of a configuration, in the order documented. */
export const CONFIG: Record<string, Setting | Section | External> = {
  failOn: {
    kind: "setting",
    doc: "Findings at or above this severity fail the check; none reports only.",
    default: "high",
    read: (value) =>
      isSeverity(value) || value === "none"
        ? ok(value)
        : problem(`must be one of ${SEVERITIES.join(", ")}, none; got ${describe(value)}`),
    schema: { enum: [...SEVERITIES, "none"] },
  } satisfies Setting<FailOn>,
  fullState: boolean("Report risk that was already there too, not only what the change introduces.", false),
  manifests: MANIFESTS,
  limits: LIMITS,
  rules: {
    kind: "external",
    doc: "Per rule id: off/false disables, a severity sets the severity, a mapping sets enabled, severity, block and the rule's parameters.",
    schema: rulesSchema,
  },
  customRules: {
    kind: "external",
    doc: "Rules declared in the policy itself (docs/custom-rules.md); a layer's list replaces the earlier one.",
    schema: () => CUSTOM_RULES_SCHEMA,
  },
  approvals: APPROVALS,
  exceptions: {
    kind: "external",
    doc: "Accepted risks with an expiry; a layer's list replaces the earlier one.",
    schema: () => EXCEPTIONS_SCHEMA,
  },
};

/** The keys a mapping of the table knows, in order (for unknown-key messages and hints). */
export function knownKeys(table: Record<string, unknown>): string[] {
  return Object.keys(table);
}

/** The default value of a section (or the top level): every setting's default, lists copied. */
export function defaultsOf(fields: Record<string, Setting | Section | External>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(fields)) {
    if (entry.kind === "setting")
      defaults[key] = Array.isArray(entry.default) ? [...entry.default] : entry.default;
    else if (entry.kind === "section") defaults[key] = defaultsOf(entry.fields);
  }
  return defaults;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads one value of the table into `target[key]`, collecting problems under `where`. */
export function applyEntry(
  target: Record<string, unknown>,
  key: string,
  entry: Setting | Section,
  value: unknown,
  where: string,
  problems: string[],
) {
  if (entry.kind === "setting") {
    const read = entry.read(value);
    if ("problem" in read) problems.push(`${where}: ${read.problem}`);
    else target[key] = read.value;
    return;
  }
  if (!isMapping(value)) {
    problems.push(`${where}: ${entry.notMapping}`);
    return;
  }
  const into = target[key] as Record<string, unknown>;
  const known = knownKeys(entry.fields);
  for (const [field, fieldValue] of Object.entries(value)) {
    const child = entry.fields[field];
    if (child === undefined) problems.push(`${where}.${field}: ${entry.unknown(field, known)}`);
    else applyEntry(into, field, child, fieldValue, `${where}.${field}`, problems);
  }
}

function described(schema: JsonSchema, doc: string, defaultValue?: unknown): JsonSchema {
  return { description: doc, ...(defaultValue !== undefined ? { default: defaultValue } : {}), ...schema };
}

function entrySchema(entry: Setting | Section | External, rules: readonly Rule[]): JsonSchema {
  if (entry.kind === "setting") return described(entry.schema, entry.doc, entry.default);
  if (entry.kind === "external") return described(entry.schema(rules), entry.doc);
  return described(objectSchema(entry.fields, rules), entry.doc);
}

function objectSchema(
  fields: Record<string, Setting | Section | External>,
  rules: readonly Rule[],
): JsonSchema {
  return {
    type: "object",
    properties: Object.fromEntries(Object.entries(fields).map(([key, e]) => [key, entrySchema(e, rules)])),
    additionalProperties: false,
  };
}

function paramSchema(spec: ParamSpec): JsonSchema {
  const base = { description: spec.description, default: spec.default };
  switch (spec.type) {
    case "boolean":
      return { ...base, type: "boolean" };
    case "number":
      return { ...base, type: "number", ...(spec.min !== undefined ? { minimum: spec.min } : {}) };
    case "string":
      return { ...base, type: "string", ...(spec.enum ? { enum: [...spec.enum] } : {}) };
    case "string[]":
      return { ...base, type: "array", items: { type: "string" } };
  }
}

/** A rule's entry under `rules:`: a switch, a severity, or a mapping of its settings. */
function ruleEntrySchema(rule?: Rule): JsonSchema {
  const params = Object.entries(rule?.params ?? {}).map(([name, spec]) => [name, paramSchema(spec)]);
  return {
    ...(rule ? { description: `${rule.title} (default severity ${rule.defaultSeverity}).` } : {}),
    anyOf: [
      { type: "boolean" },
      { enum: ["on", "off", ...SEVERITIES] },
      {
        type: "object",
        properties: {
          enabled: { type: "boolean" },
          severity: { enum: [...SEVERITIES] },
          block: {
            description: "true: always blocks until approved; false: never blocks; null: by severity.",
            type: ["boolean", "null"],
          },
          ...Object.fromEntries(params),
        },
        additionalProperties: false,
      },
    ],
  };
}

function rulesSchema(rules: readonly Rule[]): JsonSchema {
  return {
    type: "object",
    properties: Object.fromEntries(rules.map((rule) => [rule.id, ruleEntrySchema(rule)])),
    // A custom rule of the same configuration is named like a built-in one, without parameters.
    additionalProperties: ruleEntrySchema(),
  };
}

export const SCHEMA_ID =
  "https://raw.githubusercontent.com/kubedelta/kubedelta/main/docs/kubedelta.schema.json";

/** The JSON Schema of `.github/kubedelta.yml` and of policy packs. */
export function configSchema(rules: readonly Rule[]): JsonSchema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: SCHEMA_ID,
    title: "KubeDelta configuration (.github/kubedelta.yml)",
    ...objectSchema(CONFIG, rules),
  };
}
