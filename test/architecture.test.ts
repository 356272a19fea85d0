// The layout of src/ (docs: DESIGN.md, "A layout that shows it"), checked on the import statements
// themselves, type-only imports included: the Kubernetes model (src/k8s/) builds on the engine
// alone, a rule never imports another rule, and approvals (commands and state) render nothing.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { Rule } from "../src/engine/rule.js";
import { RULES } from "../src/rules/index.js";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** A path with forward slashes, whatever the platform's separator. */
const slashed = (path: string) => path.split(sep).join("/");

/** Every TypeScript file of src/, as a path relative to src/ ("rules/index.ts"). */
const FILES = (readdirSync(SRC, { recursive: true }) as string[])
  .map(slashed)
  .filter((path) => path.endsWith(".ts"))
  .sort();

interface Import {
  /** As written. */
  specifier: string;
  /** The file it names, relative to src/; undefined for packages and node: modules. */
  target?: string;
}

/** The imports and re-exports of a file of src/, dynamic imports included. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(SRC, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith(".")) return { specifier };
    const path = slashed(relative(SRC, resolve(SRC, dirname(file), specifier)));
    return { specifier, target: path.replace(/\.js$/, ".ts") };
  });
}

/** "from → to" for each import of `files` that `allowed` refuses. */
function violations(files: readonly string[], allowed: (target: string, file: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((i) => i.target !== undefined && !allowed(i.target, file))
      .map((i) => `${file} → ${i.target}`),
  );
}

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

describe("the Kubernetes model (src/k8s/)", () => {
  const model = FILES.filter(under("k8s"));

  it("exists", () => {
    expect(model.length).toBeGreaterThan(0);
  });

  it("imports only the engine and itself: never rules, policy, report, approvals, github, cli or app", () => {
    expect(violations(model, (target) => under("engine")(target) || under("k8s")(target))).toEqual([]);
  });
});

describe("rules (src/rules/)", () => {
  /** The registry (index.ts, catalog.ts) and custom rules may name rules; nothing else in rules/ may. */
  const registry = new Set(["rules/index.ts", "rules/catalog.ts"]);
  const checked = FILES.filter(under("rules")).filter((f) => !registry.has(f) && !under("rules/custom")(f));

  it("never import another rule: only shared code (src/rules/shared/) from within rules/", () => {
    const isRule = (target: string) => under("rules")(target) && !under("rules/shared")(target);
    expect(violations(checked, (target) => !isRule(target))).toEqual([]);
  });

  it("are one file per rule, named by its id, exporting that rule", async () => {
    /** Top-level files of rules/ that are no rule: the registry and the rule reference. */
    const notRules = new Set([...registry, "rules/reference.ts"]);
    const files = FILES.filter((f) => /^rules\/[^/]+\.ts$/.test(f) && !notRules.has(f));
    expect(files.map((f) => f.slice("rules/".length, -".ts".length)).sort()).toEqual(
      RULES.map((rule) => rule.id).sort(),
    );
    const isRule = (value: unknown): value is Rule =>
      typeof value === "object" && value !== null && "id" in value && "check" in value;
    for (const file of files) {
      const exported = Object.values(await import(`../src/${file.replace(/\.ts$/, ".js")}`));
      const rules = exported.filter(isRule).map((rule) => rule.id);
      expect(rules, file).toEqual([file.slice("rules/".length, -".ts".length)]);
    }
  });
});

describe("the engine (src/engine/)", () => {
  it("takes nothing from src/rules/ but the rule catalog review() runs", () => {
    const engine = FILES.filter(under("engine"));
    const allowed = (target: string, file: string) =>
      !under("rules")(target) || (file === "engine/review.ts" && target === "rules/catalog.ts");
    expect(violations(engine, allowed)).toEqual([]);
  });
});

describe("approvals (src/approvals/)", () => {
  it("are pure domain: they import only the engine and themselves, never a renderer (src/report/)", () => {
    const approvals = FILES.filter(under("approvals"));
    expect(approvals.length).toBeGreaterThan(0);
    expect(violations(approvals, (target) => under("engine")(target) || under("approvals")(target))).toEqual(
      [],
    );
  });
});
