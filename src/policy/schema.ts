// The configuration schema, declared once: every setting of `.github/kubedelta.yml` (and of the
// policy pack) with how it is read, its default and what it means. From this table come the
// `Policy` type (types.ts, through `ValueOf`), the known-key lists and "did you mean" hints of
// validation (load.ts), the built-in defaults (`defaultsOf`), and the JSON Schema editors use
// (docs/kubedelta.schema.json, `npm run schema:update`). A new setting or section is one entry.
//
// Three keys are read by modules of their own and only described here, with their value type and
// default: `rules` (per rule id, from the rules' metadata), `customRules` (custom-rules.ts) and
// `exceptions` (exceptions.ts).

import type { PolicyException } from "../engine/exceptions.js";
import { LOGIN } from "../engine/ids.js";
import type { ParamSpec, ParamValues, Rule } from "../engine/rule.js";
import type { RuleSettings } from "../engine/settings.js";
import { type FailOn, SEVERITIES, type Severity } from "../engine/types.js";
import { DEFAULT_RENDER_SETTINGS, RENDER_SCHEMA, type RenderSettings } from "../render/settings.js";
import type { CustomRuleSpec } from "../rules/custom/rule.js";
import { CUSTOM_RULES_SCHEMA } from "./custom-rules.js";
import { EXCEPTIONS_SCHEMA } from "./exceptions.js";
import { describe, suggest } from "./validation.js";

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

/** A mapping of settings; `F` keeps each field's own entry type, so its value type survives. */
export interface Section<F extends SectionFields = SectionFields> {
  kind: "section";
  doc: string;
  fields: F;
  /** The problem when the value is not a mapping. */
  notMapping: string;
  /** The problem for a key the section does not know. */
  unknown(field: string, known: readonly string[]): string;
}

/** A key read by a module of its own (rules, customRules, exceptions): its value type and default. */
export interface External<T = unknown> {
  kind: "external";
  doc: string;
  /** The value when no layer sets the key; rules' settings come from the rules' metadata. */
  default(rules: readonly Rule[]): T;
  schema(rules: readonly Rule[]): JsonSchema;
}

export type Entry = Setting | Section | External;
/** The entries of the top level, by key. */
export type Fields = { readonly [key: string]: Entry };
/** The entries of a section, by key: settings and sections only. */
export type SectionFields = { readonly [key: string]: Setting | Section };

/**
 * The value an entry reads to: a setting's type; for a section, a mapping of each field to the
 * value of its own entry; an external key's declared type. `Policy` is this over the top level.
 */
export type ValueOf<E> =
  E extends Setting<infer T>
    ? T
    : E extends Section<infer F>
      ? ValuesOf<F>
      : E extends External<infer T>
        ? T
        : never;
/** A mapping of each field to the value of its entry. */
export type ValuesOf<F extends Fields> = { -readonly [K in keyof F]: ValueOf<F[K]> };

const setting = <T>(spec: Omit<Setting<T>, "kind">): Setting<T> => ({ kind: "setting", ...spec });
const section = <F extends SectionFields>(spec: Omit<Section<F>, "kind">): Section<F> => ({
  kind: "section",
  ...spec,
});
const external = <T>(spec: Omit<External<T>, "kind">): External<T> => ({ kind: "external", ...spec });

const ok = <T>(value: T): Read<T> => ({ value });
const problem = (text: string): Read<never> => ({ problem: text });

function boolean(doc: string, defaultValue: boolean): Setting<boolean> {
  return setting({
    doc,
    default: defaultValue,
    read: (value) => (typeof value === "boolean" ? ok(value) : problem("must be true or false")),
    schema: { type: "boolean" },
  });
}

function globs(doc: string, defaultValue: string[]): Setting<string[]> {
  return setting({
    doc,
    default: defaultValue,
    read: (value) =>
      Array.isArray(value) && value.every((v) => typeof v === "string")
        ? ok(value)
        : problem("must be a list of glob strings"),
    schema: { type: "array", items: { type: "string" } },
  });
}

function limit(doc: string, defaultValue: number): Setting<number> {
  return setting({
    doc,
    default: defaultValue,
    read: (value) =>
      typeof value === "number" && Number.isInteger(value) && value >= 1
        ? ok(value)
        : problem(`must be a positive whole number; got ${describe(value)}`),
    schema: { type: "integer", minimum: 1 },
  });
}

function names(doc: string, pattern: RegExp, what: string): Setting<string[]> {
  return setting({
    doc,
    default: [],
    read: (value) => {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
        return problem(`must be a list of ${what}`);
      const bad = value.filter((v) => !pattern.test(v));
      return bad.length > 0 ? problem(`not ${what}: ${bad.map((b) => describe(b)).join(", ")}`) : ok(value);
    },
    schema: { type: "array", items: { type: "string", pattern: pattern.source } },
  });
}

/** One of `values`, which the message lists. */
function oneOf<T extends string>(doc: string, values: readonly T[], defaultValue: T): Setting<T> {
  const isOne = (value: unknown): value is T => (values as readonly unknown[]).includes(value);
  return setting({
    doc,
    default: defaultValue,
    read: (value) =>
      isOne(value) ? ok(value) : problem(`must be one of ${values.join(", ")}; got ${describe(value)}`),
    schema: { enum: [...values] },
  });
}

/** Repository roles, weakest first, as GitHub's collaborator-permission endpoint names them. */
export const PERMISSIONS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

const unknownSetting = (field: string, known: readonly string[]) => `unknown setting${suggest(field, known)}`;

const TEAM = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

const MANIFESTS = section({
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
});

const LIMITS = section({
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
});

const QUORUM = section({
  doc: "Findings at or above `severity` need `approvers` distinct approvers (others need one).",
  notMapping: "must be a mapping with severity and approvers",
  unknown: () => "unknown setting (expected severity or approvers)",
  fields: {
    severity: oneOf<Severity>("The severity from which the quorum applies.", SEVERITIES, "critical"),
    approvers: setting({
      doc: "How many distinct approvers those findings need.",
      default: 1,
      read: (value) =>
        typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10
          ? ok(value)
          : problem(`must be a whole number from 1 to 10; got ${describe(value)}`),
      schema: { type: "integer", minimum: 1, maximum: 10 },
    }),
  },
});

const APPROVALS = section({
  doc: "Who may accept a risk with /approve-risk, and how many must.",
  notMapping: "must be a mapping",
  unknown: unknownSetting,
  fields: {
    minPermission: oneOf<Permission>(
      'A collaborator with at least this role may approve; "none": the role alone never suffices.',
      PERMISSIONS,
      "write",
    ),
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
});

/** Every rule on, at its default severity, with its declared parameter defaults. */
function ruleDefaults(rules: readonly Rule[]): Record<string, RuleSettings> {
  const settings: Record<string, RuleSettings> = {};
  for (const rule of rules) {
    const params: ParamValues = {};
    for (const [name, spec] of Object.entries(rule.params ?? {})) params[name] = spec.default;
    settings[rule.id] = { enabled: true, severity: rule.defaultSeverity, params };
  }
  return settings;
}

/** The top level of a configuration, in the order documented. */
export const CONFIG = {
  failOn: oneOf<FailOn>(
    "Findings at or above this severity fail the check; none reports only.",
    [...SEVERITIES, "none"],
    "high",
  ),
  fullState: boolean("Report risk that was already there too, not only what the change introduces.", false),
  manifests: MANIFESTS,
  limits: LIMITS,
  rules: external<Record<string, RuleSettings>>({
    doc: "Per rule id: off/false disables, a severity sets the severity, a mapping sets enabled, severity, block and the rule's parameters.",
    default: ruleDefaults,
    schema: rulesSchema,
  }),
  customRules: external<CustomRuleSpec[]>({
    doc: "Rules declared in the policy itself (docs/custom-rules.md); a layer's list replaces the earlier one.",
    default: () => [],
    schema: () => CUSTOM_RULES_SCHEMA,
  }),
  approvals: APPROVALS,
  exceptions: external<PolicyException[]>({
    doc: "Accepted risks with an expiry; a layer's list replaces the earlier one.",
    default: () => [],
    schema: () => EXCEPTIONS_SCHEMA,
  }),
  render: external<RenderSettings>({
    doc: String(RENDER_SCHEMA.description),
    default: () => structuredClone(DEFAULT_RENDER_SETTINGS) as RenderSettings,
    schema: () => withoutDescription(RENDER_SCHEMA),
  }),
} satisfies Fields;

/** A schema whose description the table's `doc` gives instead. */
function withoutDescription({ description: _, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

/** The keys a mapping of the table knows, in order (for unknown-key messages and hints). */
export function knownKeys(table: Fields): string[] {
  return Object.keys(table);
}

/** The entry of `key`, if the mapping declares it (never an inherited property such as toString). */
export function entryOf<E extends Entry>(fields: { readonly [key: string]: E }, key: string): E | undefined {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/** The default value of a section (or the top level): every entry's default, lists copied. */
export function defaultsOf<F extends Fields>(fields: F, rules: readonly Rule[]): ValuesOf<F> {
  const defaults: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(fields)) {
    if (entry.kind === "setting")
      defaults[key] = Array.isArray(entry.default) ? [...entry.default] : entry.default;
    else if (entry.kind === "section") defaults[key] = defaultsOf(entry.fields, rules);
    else defaults[key] = entry.default(rules);
  }
  // Built key by key from the same table the type is mapped from.
  return defaults as ValuesOf<F>;
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
    const child = entryOf(entry.fields, field);
    if (child === undefined) problems.push(`${where}.${field}: ${entry.unknown(field, known)}`);
    else applyEntry(into, field, child, fieldValue, `${where}.${field}`, problems);
  }
}

function described(schema: JsonSchema, doc: string, defaultValue?: unknown): JsonSchema {
  return { description: doc, ...(defaultValue !== undefined ? { default: defaultValue } : {}), ...schema };
}

function entrySchema(entry: Entry, rules: readonly Rule[]): JsonSchema {
  if (entry.kind === "setting") return described(entry.schema, entry.doc, entry.default);
  if (entry.kind === "external") return described(entry.schema(rules), entry.doc);
  return described(objectSchema(entry.fields, rules), entry.doc);
}

function objectSchema(fields: Fields, rules: readonly Rule[]): JsonSchema {
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
