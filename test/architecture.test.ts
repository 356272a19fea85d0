// The layout of src/ (docs: DESIGN.md, "A layout that shows it"), checked on the import statements
// themselves, type-only imports included.
//
// The layers, lowest first; a folder imports only from layers below it (and from itself):
//
//   engine     the rule contract, reading, pairing, review(), its own settings type; imports no
//              other folder
//   k8s        the Kubernetes model, on the engine alone
//   rules      one file per rule, the registry and the catalog; custom rules and their patterns
//   render     Kustomize and Helm: render targets, their input files, running the tools, mapping
//              rendered resources back to source lines
//   policy     the configuration: validates layers against the rules' metadata, yields a Policy
//   approvals  /approve-risk commands and approval state, pure; takes only the engine
//   report     markdown, check run, review comments, SARIF, JSON, text; approvals rendered
//   github     everything that talks to GitHub
//   git        revisions of a local git repository (the CLI's review and the Action read them)
//   queue      review jobs: collapsing duplicates, retrying them, on Redis or in process
//   cli, app, action
//              the entries (src/cli/ with src/cli.ts, src/app.ts, the GitHub Action in src/action/);
//              none imports another
//   server     the App's process (src/server.ts): Probot, the queue's workers, health
//
// Besides: a rule never imports another rule, and approvals render nothing.

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
    /** Top-level files of rules/ that are no rule: the registry, the rule reference and where it is published. */
    const notRules = new Set([...registry, "rules/reference.ts", "rules/docs-url.ts"]);
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
  it("imports no other folder of src/: rules and settings are inputs of review()", () => {
    const engine = FILES.filter(under("engine"));
    expect(engine.length).toBeGreaterThan(0);
    expect(violations(engine, (target) => under("engine")(target))).toEqual([]);
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

/** The layers, lowest first; the folders (or top-level files) on one line are peers. */
const LAYERS: readonly (readonly string[])[] = [
  ["engine"],
  ["k8s"],
  ["rules"],
  ["render"],
  ["policy"],
  ["approvals"],
  ["report"],
  ["github", "git"],
  ["queue"],
  ["cli", "app", "action"],
  ["server"],
];

/** The layer a file of src/ belongs to: its top folder, or its name for a top-level file. */
function unitOf(file: string): string {
  const [top, ...rest] = file.split("/");
  return rest.length > 0 ? top : top.replace(/\.ts$/, "");
}

const rankOf = (unit: string) => LAYERS.findIndex((layer) => layer.includes(unit));

/** Every import between two different units of src/, as "from → to" with the file and import. */
const CROSSINGS = FILES.flatMap((file) =>
  importsOf(file)
    .filter((i) => i.target !== undefined && unitOf(i.target) !== unitOf(file))
    .map((i) => ({ file, specifier: i.specifier, from: unitOf(file), to: unitOf(i.target as string) })),
);

describe("the folder graph of src/", () => {
  it("knows every folder and top-level file of src/ (src/cli.ts is the CLI's entry)", () => {
    const units = [...new Set(FILES.map(unitOf))];
    expect(units.filter((unit) => rankOf(unit) < 0)).toEqual([]);
  });

  it("has no upward or sideways arrow: each folder imports only the layers below it", () => {
    const upward = CROSSINGS.filter(({ from, to }) => rankOf(to) >= rankOf(from)).map(
      ({ file, specifier, from, to }) => `${file} imports "${specifier}" (${from} → ${to})`,
    );
    expect(upward).toEqual([]);
  });

  it("has no cycle", () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, to } of CROSSINGS) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    const cycles: string[] = [];
    const visit = (unit: string, path: string[]) => {
      for (const next of edges.get(unit) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(" → "));
        else if (!path.includes(next)) visit(next, [...path, next]);
      }
    };
    for (const unit of edges.keys()) visit(unit, [unit]);
    const witness = (cycle: string) =>
      cycle
        .split(" → ")
        .slice(1)
        .map((to, i, all) => {
          const from = i === 0 ? cycle.split(" → ")[0] : all[i - 1];
          const one = CROSSINGS.find((c) => c.from === from && c.to === to);
          return `${one?.file} imports "${one?.specifier}"`;
        })
        .join("; ");
    expect(cycles.map((cycle) => `${cycle}: ${witness(cycle)}`)).toEqual([]);
  });

  it("lets policy take rule-id and short-id shapes and logins from the engine (src/engine/ids.ts)", () => {
    const fromApprovals = CROSSINGS.filter(({ from, to }) => from === "policy" && to === "approvals");
    expect(fromApprovals).toEqual([]);
    const ids = (file: string) => importsOf(file).some((i) => i.target === "engine/ids.ts");
    // custom-rules.ts checks rule ids and short ids; schema.ts (the settings load.ts reads) logins.
    expect(["policy/custom-rules.ts", "policy/schema.ts"].filter((file) => !ids(file))).toEqual([]);
  });
});
