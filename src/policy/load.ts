// Builds the effective policy from layers: the built-in defaults (the table of schema.ts, rules'
// from their own metadata), the policy pack (policies/default.yml), the repository's config, then command-line overrides.
// Every layer is validated; problems are collected and reported together, with their path. The
// settings, their defaults and their messages are declared once, in schema.ts.

import { readFileSync } from "node:fs";
import { parse as parseYaml, YAMLError } from "yaml";
import type { ParamSpec, ParamValues, Rule } from "../engine/rule.js";
import { isObject, SEVERITIES } from "../engine/types.js";
import { readRenderSettings } from "../render/settings.js";
import { customRulesOf } from "../rules/custom/rule.js";
import { RULES } from "../rules/index.js";
import { applyCustomRules } from "./custom-rules.js";
import { parseExceptions, unknownExceptionRules } from "./exceptions.js";
import { applyEntry, CONFIG, defaultsOf, entryOf, knownKeys } from "./schema.js";
import type { Limits, Policy } from "./types.js";
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

const DEFAULT_PACK = new URL("../../policies/default.yml", import.meta.url);

type Record_ = Record<string, unknown>;

/** The built-in defaults, before any layer: every entry of the table at its default, `rules` on. */
export function defaultPolicy(rules: readonly Rule[] = RULES): Policy {
  return defaultsOf(CONFIG, rules);
}

export const DEFAULT_LIMITS: Limits = defaultPolicy().limits;

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
export function normaliseRuleEntry(value: unknown): Record_ | string {
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
        const params = rule.params ?? {};
        const spec = Object.hasOwn(params, field) ? params[field] : undefined;
        if (!spec) {
          const known = ["enabled", "severity", "block", ...Object.keys(params)];
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
    const entry = entryOf(CONFIG, field);
    if (entry === undefined) problems.push(`${where}: unknown setting${suggest(field, knownKeys(CONFIG))}`);
    else if (entry.kind !== "external") applyEntry(policy, field, entry, value, where, problems);
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
    else if (field === "exceptions")
      policy.exceptions = parseExceptions(value, where, source, problems) ?? policy.exceptions;
    else if (field === "render") {
      const read = readRenderSettings(value, where, { suggest, base: policy.render });
      if ("problems" in read) problems.push(...read.problems);
      else policy.render = read.value;
    }
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
    throw new PolicyError([yamlProblem(source, text, error)]);
  }
}

/**
 * `FILE:LINE:COLUMN: not valid YAML: message`, then the offending line with a caret under the column.
 * The yaml package's own message ends in a code frame of its own, which is dropped: it is cut to a
 * width of its choosing and says the position a second time.
 */
function yamlProblem(source: string, text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = (/^([\s\S]*?) at line \d+, column \d+:/.exec(message)?.[1] ?? message).split("\n")[0];
  const at = error instanceof YAMLError ? error.linePos?.[0] : undefined;
  if (!at) return `${source}: not valid YAML: ${reason}`;
  // Control characters would move the caret or the terminal: each stands as one space.
  const lines = text.split(/\r?\n/);
  const line = (lines[at.line - 1] ?? "").replace(/\p{Cc}/gu, " ");
  const atEnd = lines.slice(at.line - 1).every((rest) => rest.trim() === "");
  const frame = atEnd ? "(at the end of the file)" : `${line}\n${" ".repeat(at.col - 1)}^`;
  const indented = frame.replace(/^/gm, "      ");
  return `${source}:${at.line}:${at.col}: not valid YAML: ${reason}\n${indented}`;
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
