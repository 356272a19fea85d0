// action.yml against the code it runs: every input reaches the Action through the environment
// the review step sets (never spliced into the script), the outputs are the ones the Action
// writes, and the files the steps run exist.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionInputs } from "../../src/action/inputs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}

const ACTION = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};
const REVIEW = ACTION.runs.steps.find((step) => step.id === "review") as Step;

/** A GitHub expression as action.yml writes it: `${{ … }}`. */
const expression = (text: string) => `\${{ ${text} }}`;

describe("action.yml", () => {
  it("is a composite action whose review step runs the built entry of src/action/main.ts", () => {
    expect(ACTION.runs.using).toBe("composite");
    expect(REVIEW.run).toMatch(/^\s*node dist\/action\/main\.js\s*$/m);
    expect(existsSync(join(ROOT, "src/action/main.ts"))).toBe(true);
    const build = ACTION.runs.steps.find((step) => step.run?.includes("npm run build"));
    expect(build?.["working-directory"]).toBe(expression("github.action_path"));
    expect(REVIEW["working-directory"]).toBe(expression("github.action_path"));
    const tools = /node --import tsx (scripts\/render-tools\.ts) /.exec(REVIEW.run ?? "");
    expect(tools && existsSync(join(ROOT, tools[1]))).toBe(true);
  });

  it("hands every input to the Action through the step's environment, and none into a script", () => {
    for (const step of ACTION.runs.steps) expect(step.run ?? "").not.toContain("inputs.");
    const env = REVIEW.env ?? {};
    const reaching = (name: string) =>
      Object.entries(env).find(([, value]) => value.replace(/\s/g, "") === `\${{inputs.${name}}}`)?.[0];
    const names = Object.keys(ACTION.inputs).sort();
    expect(names).toEqual(["config", "fail-on", "render", "sarif"]);
    // Each input, set to a value of its own, arrives where the Action reads it.
    const sample: Record<string, string> = {
      config: "ci/kubedelta.yml",
      "fail-on": "critical",
      render: "false",
      sarif: "out/k.sarif",
    };
    const stepEnv = Object.fromEntries(
      names.map((name) => [reaching(name) ?? `unset-${name}`, sample[name]]),
    );
    expect(actionInputs(stepEnv)).toEqual({
      config: { path: "ci/kubedelta.yml", explicit: true },
      failOn: "critical",
      render: false,
      sarif: "out/k.sarif",
    });
    // The defaults action.yml declares are the Action's own defaults.
    const defaults = Object.fromEntries(
      names.map((name) => [reaching(name) as string, ACTION.inputs[name].default ?? ""]),
    );
    expect(actionInputs(defaults)).toEqual(actionInputs({}));
  });

  it("declares as outputs what the review step writes to GITHUB_OUTPUT", () => {
    expect(ACTION.outputs).toEqual({
      passed: expect.objectContaining({ value: expression("steps.review.outputs.passed") }),
      findings: expect.objectContaining({ value: expression("steps.review.outputs.findings") }),
      blocking: expect.objectContaining({ value: expression("steps.review.outputs.blocking") }),
      sarif: expect.objectContaining({ value: expression("steps.review.outputs.sarif") }),
    });
    // run.ts writes these names (test/action/action.test.ts reads them back from a real run).
    const code = readFileSync(join(ROOT, "src/action/run.ts"), "utf8");
    for (const name of Object.keys(ACTION.outputs)) expect(code, name).toContain(`\`${name}=`);
  });
});
