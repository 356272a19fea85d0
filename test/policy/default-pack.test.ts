// The default policy pack (policies/default.yml) states only what it changes from the built-in
// defaults (the table in src/policy/schema.ts and the rules' metadata), and the effective policy it
// gives stays what it was.

import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { defaultPolicy, loadPolicy, normaliseRuleEntry } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { DEFAULT_RENDER_SETTINGS } from "../../src/render/settings.js";

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The built-in defaults written the way a layer writes them: a rule's parameters beside its
 * `enabled` and `severity`, and `block: null` for "by severity" (the default, no block set).
 */
function defaultsAsLayer(policy: Policy): Record<string, unknown> {
  const rules = Object.fromEntries(
    Object.entries(policy.rules).map(([id, { params, block, ...settings }]) => [
      id,
      { ...settings, block: block ?? null, ...params },
    ]),
  );
  return { ...policy, rules };
}

/** The paths at which `layer` sets a value equal to the one in `defaults` (lists as a whole). */
function restated(layer: unknown, defaults: unknown, path: string): string[] {
  if (!isMapping(layer) || !isMapping(defaults)) return isDeepStrictEqual(layer, defaults) ? [path] : [];
  return Object.entries(layer).flatMap(([key, value]) => {
    const where = path ? `${path}.${key}` : key;
    // A rule's shorthand (`off`, `high`) is the mapping it stands for.
    const written = path === "rules" ? normaliseRuleEntry(value) : value;
    return Object.hasOwn(defaults, key) ? restated(written, defaults[key], where) : [];
  });
}

const restatedDefaults = (layer: unknown) => restated(layer, defaultsAsLayer(defaultPolicy()), "");

const PACK = readFileSync("policies/default.yml", "utf8");

/** The defaults the pack's comments name, written "`path` (default VALUE)", VALUE in YAML. */
function defaultsNamedInComments(text: string): { path: string; value: unknown }[] {
  const comments = text
    .split("\n")
    .filter((line) => line.trimStart().startsWith("#"))
    .map((line) => line.replace(/^\s*#\s?/, ""))
    .join(" ");
  return [...comments.matchAll(/`([\w.]+)` \(default ([^)]*)\)/g)].map(([, path, value]) => ({
    path,
    value: parseYaml(value),
  }));
}

function valueAt(policy: Policy, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (isMapping(value) ? value[key] : undefined), policy);
}

describe("the default policy pack", () => {
  it("gives the effective default policy it gave before it stopped restating defaults", () => {
    // Recorded from the pack that spelled every default out; a change here changes every review.
    // `render:` came later: it is the built-in default.
    const { render, ...recorded } = loadPolicy();
    expect(recorded).toMatchSnapshot();
    expect(render).toEqual(DEFAULT_RENDER_SETTINGS);
  });

  it("sets no value to its built-in default (a default is written once, at its declaration)", () => {
    expect(restatedDefaults(parseYaml(PACK))).toEqual([]);
  });

  it("names in its comments only the built-in defaults", () => {
    const named = defaultsNamedInComments(PACK);
    expect(named.map(({ path }) => path)).toContain("failOn");
    const defaults = defaultPolicy();
    const wrong = named.filter(({ path, value }) => !isDeepStrictEqual(valueAt(defaults, path), value));
    expect(wrong).toEqual([]);
  });

  it("finds each restated default: settings, sections, lists, rule severities, parameters, block", () => {
    const layer = {
      failOn: "high",
      fullState: true,
      limits: { maxDepth: 64, maxFiles: 10 },
      manifests: { exclude: [], include: ["**/*.yaml"] },
      approvals: { quorum: { severity: "critical", approvers: 2 } },
      exceptions: [],
      rules: {
        "host-path": { severity: "high", block: true },
        "image-registry": { allowedRegistries: [], block: null },
        "resources-missing": { required: ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] },
        "service-node-port": "medium",
        "host-port": "on",
        "privileged-container": "off",
      },
    };
    expect(restatedDefaults(layer)).toEqual([
      "failOn",
      "limits.maxDepth",
      "manifests.exclude",
      "approvals.quorum.severity",
      "exceptions",
      "rules.host-path.severity",
      "rules.image-registry.allowedRegistries",
      "rules.image-registry.block",
      "rules.resources-missing.required",
      "rules.service-node-port.severity",
      "rules.host-port.enabled",
    ]);
  });
});
