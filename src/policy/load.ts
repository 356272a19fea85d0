// Builds the effective policy from layers: the built-in defaults (from the rules' own metadata),
// the policy pack (policies/default.yml), the repository's config, then command-line overrides.
// Every layer is validated; problems are collected and reported together, with their path.

import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { LOGIN } from "../engine/ids.js";
import type { ParamSpec, ParamValues, Rule } from "../engine/rule.js";
import { isObject, SEVERITIES } from "../engine/types.js";
import { customRulesOf } from "../rules/custom/rule.js";
import { RULES } from "../rules/index.js";
import { applyCustomRules } from "./custom-rules.js";
import { parseExceptions, unknownExceptionRules } from "./exceptions.js";
import { type Limits, PERMISSIONS, type Permission, type Policy, type RuleSettings } from "./types.js";
import { describe, isSeverity, suggest } from "./validation.js";

export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "PolicyError";
  }
}

export interface PolicyLayer {
  /** Named in error messages: a file path, or "--fail-on". */
  source: string;
  data: unknown;
}

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 8 * 1024 * 1024,
  maxDocuments: 10_000,
  maxDepth: 64,
  maxAliases: 1_000,
  maxNodes: 1_000_000,
  maxFiles: 3_000,
  maxContextFiles: 2_000,
};

const DEFAULT_PACK = new URL("../../policies/default.yml", import.meta.url);

type Record_ = Record<string, unknown>;

export function defaultPolicy(rules: readonly Rule[] = RULES): Policy {
  const ruleSettings: Record<string, RuleSettings> = {};
  for (const rule of rules) {
    const params: ParamValues = {};
    for (const [name, spec] of Object.entries(rule.params ?? {})) params[name] = spec.default;
    ruleSettings[rule.id] = { enabled: true, severity: rule.defaultSeverity, params };
  }
  return {
    failOn: "high",
    fullState: false,
    manifests: { include: ["**/*.yaml", "**/*.yml", "**/*.json"], exclude: [], skipTestFixtures: true },
    limits: { ...DEFAULT_LIMITS },
    rules: ruleSettings,
    customRules: [],
    approvals: {
      minPermission: "write",
      teams: [],
      users: [],
      allowAuthor: false,
      quorum: { severity: "critical", approvers: 1 },
      resetOnPush: false,
    },
    exceptions: [],
  };
}

function checkParam(spec: ParamSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
      return spec.min !== undefined && value < spec.min ? `must be at least ${spec.min}` : undefined;
    case "string":
      if (typeof value !== "string") return "must be a string";
      return spec.enum && !spec.enum.includes(value) ? `must be one of ${spec.enum.join(", ")}` : undefined;
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? undefined
        : "must be a list of strings";
  }
}

/** `rule: false` / `off` disables, `rule: high` sets the severity, a mapping sets anything. */
function normaliseRuleEntry(value: unknown): Record_ | string {
  if (value === false || value === "off") return { enabled: false };
  if (value === true || value === "on") return { enabled: true };
  if (isSeverity(value)) return { severity: value };
  if (isObject(value)) return value;
  return `must be a mapping, true/false, or a severity (${SEVERITIES.join(", ")}); got ${describe(value)}`;
}

function applyRules(policy: Policy, data: unknown, path: string, rules: readonly Rule[], problems: string[]) {
  if (!isObject(data)) {
    problems.push(`${path}: must be a mapping of rule id to settings`);
    return;
  }
  const ids = rules.map((r) => r.id);
  for (const [id, raw] of Object.entries(data)) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) {
      problems.push(`${path}.${id}: unknown rule id${suggest(id, ids)}`);
      continue;
    }
    const entry = normaliseRuleEntry(raw);
    if (typeof entry === "string") {
      problems.push(`${path}.${id}: ${entry}`);
      continue;
    }
    const settings = policy.rules[id];
    for (const [field, value] of Object.entries(entry)) {
      const where = `${path}.${id}.${field}`;
      if (field === "enabled") {
        if (typeof value === "boolean") settings.enabled = value;
        else problems.push(`${where}: must be true or false`);
      } else if (field === "severity") {
        if (isSeverity(value)) settings.severity = value;
        else problems.push(`${where}: must be one of ${SEVERITIES.join(", ")}; got ${describe(value)}`);
      } else if (field === "block") {
        // null: back to blocking by severity (undoes a lower layer's true or false).
        if (typeof value === "boolean") settings.block = value;
        else if (value === null) delete settings.block;
        else
          problems.push(`${where}: must be true (always blocks), false (never blocks) or null (by severity)`);
      } else {
        const spec = rule.params?.[field];
        if (!spec) {
          const known = ["enabled", "severity", "block", ...Object.keys(rule.params ?? {})];
          problems.push(`${where}: unknown setting for ${id}${suggest(field, known)}`);
          continue;
        }
        const problem = checkParam(spec, value);
        if (problem) problems.push(`${where}: ${problem}; got ${describe(value)}`);
        else settings.params[field] = value as ParamValues[string];
      }
    }
  }
}

function applyStringList(value: unknown, where: string, problems: string[]): string[] | undefined {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  problems.push(`${where}: must be a list of glob strings`);
  return undefined;
}

const MANIFEST_SETTINGS = ["include", "exclude", "skipTestFixtures"];

function applyManifests(policy: Policy, data: unknown, path: string, problems: string[]) {
  if (!isObject(data)) {
    problems.push(`${path}: must be a mapping with include and exclude globs`);
    return;
  }
  for (const [field, value] of Object.entries(data)) {
    if (field === "skipTestFixtures") {
      if (typeof value === "boolean") policy.manifests.skipTestFixtures = value;
      else problems.push(`${path}.${field}: must be true or false`);
    } else if (field === "include" || field === "exclude") {
      const globs = applyStringList(value, `${path}.${field}`, problems);
      if (globs) policy.manifests[field] = globs;
    } else {
      const hint = suggest(field, MANIFEST_SETTINGS) || ` (expected ${MANIFEST_SETTINGS.join(", ")})`;
      problems.push(`${path}.${field}: unknown setting${hint}`);
    }
  }
}

function applyLimits(policy: Policy, data: unknown, path: string, problems: string[]) {
  if (!isObject(data)) {
    problems.push(`${path}: must be a mapping`);
    return;
  }
  const known = Object.keys(DEFAULT_LIMITS);
  for (const [field, value] of Object.entries(data)) {
    if (!known.includes(field)) {
      problems.push(`${path}.${field}: unknown limit${suggest(field, known)}`);
    } else if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      problems.push(`${path}.${field}: must be a positive whole number; got ${describe(value)}`);
    } else {
      policy.limits[field as keyof Limits] = value;
    }
  }
}

const TEAM = /^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

function applyQuorum(policy: Policy, data: unknown, path: string, problems: string[]) {
  if (!isObject(data)) {
    problems.push(`${path}: must be a mapping with severity and approvers`);
    return;
  }
  for (const [field, value] of Object.entries(data)) {
    if (field === "severity") {
      if (isSeverity(value)) policy.approvals.quorum.severity = value;
      else problems.push(`${path}.severity: must be one of ${SEVERITIES.join(", ")}; got ${describe(value)}`);
    } else if (field === "approvers") {
      if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10) {
        policy.approvals.quorum.approvers = value;
      } else problems.push(`${path}.approvers: must be a whole number from 1 to 10; got ${describe(value)}`);
    } else problems.push(`${path}.${field}: unknown setting (expected severity or approvers)`);
  }
}

function applyNames(
  value: unknown,
  pattern: RegExp,
  what: string,
  where: string,
  problems: string[],
): string[] | undefined {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    problems.push(`${where}: must be a list of ${what}`);
    return undefined;
  }
  const bad = value.filter((v) => !pattern.test(v));
  if (bad.length > 0) problems.push(`${where}: not ${what}: ${bad.map((b) => describe(b)).join(", ")}`);
  return bad.length > 0 ? undefined : value;
}

function applyApprovals(policy: Policy, data: unknown, path: string, problems: string[]) {
  if (!isObject(data)) {
    problems.push(`${path}: must be a mapping`);
    return;
  }
  const approvals = policy.approvals;
  for (const [field, value] of Object.entries(data)) {
    const where = `${path}.${field}`;
    if (field === "minPermission") {
      if ((PERMISSIONS as readonly unknown[]).includes(value)) approvals.minPermission = value as Permission;
      else problems.push(`${where}: must be one of ${PERMISSIONS.join(", ")}; got ${describe(value)}`);
    } else if (field === "teams") {
      const teams = applyNames(value, TEAM, "teams written org/team-slug", where, problems);
      if (teams) approvals.teams = teams;
    } else if (field === "users") {
      const users = applyNames(value, LOGIN, "GitHub logins", where, problems);
      if (users) approvals.users = users;
    } else if (field === "allowAuthor" || field === "resetOnPush") {
      if (typeof value === "boolean") approvals[field] = value;
      else problems.push(`${where}: must be true or false`);
    } else if (field === "quorum") applyQuorum(policy, value, where, problems);
    else {
      const known = ["minPermission", "teams", "users", "allowAuthor", "quorum", "resetOnPush"];
      problems.push(`${where}: unknown setting${suggest(field, known)}`);
    }
  }
}

const TOP_LEVEL = [
  "failOn",
  "fullState",
  "manifests",
  "limits",
  "rules",
  "customRules",
  "approvals",
  "exceptions",
];

/** Applies one layer onto the policy in place, collecting problems. */
function applyLayer(policy: Policy, layer: PolicyLayer, rules: readonly Rule[], problems: string[]) {
  const { source, data } = layer;
  if (data === null || data === undefined) return; // an empty file changes nothing
  if (!isObject(data)) {
    problems.push(`${source}: must be a mapping at the top level`);
    return;
  }
  // Custom rules first: the same layer's `rules:` may configure them.
  const fields = Object.entries(data).sort(
    ([a], [b]) => Number(b === "customRules") - Number(a === "customRules"),
  );
  for (const [field, value] of fields) {
    const where = `${source}: ${field}`;
    if (field === "failOn") {
      if (isSeverity(value) || value === "none") policy.failOn = value;
      else problems.push(`${where}: must be one of ${SEVERITIES.join(", ")}, none; got ${describe(value)}`);
    } else if (field === "fullState") {
      if (typeof value === "boolean") policy.fullState = value;
      else problems.push(`${where}: must be true or false`);
    } else if (field === "manifests") applyManifests(policy, value, where, problems);
    else if (field === "limits") applyLimits(policy, value, where, problems);
    else if (field === "rules")
      applyRules(policy, value, where, [...rules, ...customRulesOf(policy.customRules)], problems);
    else if (field === "customRules")
      applyCustomRules(
        policy,
        value,
        where,
        rules.map((r) => r.id),
        problems,
      );
    else if (field === "approvals") applyApprovals(policy, value, where, problems);
    else if (field === "exceptions")
      policy.exceptions = parseExceptions(value, where, source, problems) ?? policy.exceptions;
    else problems.push(`${where}: unknown setting${suggest(field, TOP_LEVEL)}`);
  }
}

export function buildPolicy(layers: readonly PolicyLayer[], rules: readonly Rule[] = RULES): Policy {
  const policy = defaultPolicy(rules);
  const problems: string[] = [];
  for (const layer of layers) applyLayer(policy, layer, rules, problems);
  problems.push(...unknownExceptionRules(policy.exceptions, Object.keys(policy.rules)));
  if (problems.length > 0) throw new PolicyError(problems);
  return policy;
}

/** Parses a YAML config text into a layer; YAML errors become PolicyErrors with the line. */
export function parsePolicyText(source: string, text: string): PolicyLayer {
  try {
    return { source, data: parseYaml(text, { prettyErrors: true, maxAliasCount: 100 }) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new PolicyError([`${source}: not valid YAML: ${message}`]);
  }
}

export function defaultPackLayer(): PolicyLayer {
  return parsePolicyText("policies/default.yml", readFileSync(DEFAULT_PACK, "utf8"));
}

/** The policy pack with an optional repository config text on top. */
export function loadPolicy(config?: { source: string; text: string }, overrides: PolicyLayer[] = []): Policy {
  const layers = [defaultPackLayer()];
  if (config) layers.push(parsePolicyText(config.source, config.text));
  return buildPolicy([...layers, ...overrides]);
}
