import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { review } from "../../src/engine/review.js";
import { loadPolicy } from "../../src/policy/load.js";
import { rulesOf } from "../../src/rules/catalog.js";

/** The ```yaml blocks of a Markdown file that declare custom rules. */
function declarations(file: string): string[] {
  const blocks = [...readFileSync(file, "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.filter((block) => block.startsWith("customRules:"));
}

describe("custom rule documentation", () => {
  const examples = [...declarations("docs/custom-rules.md"), ...declarations("README.md")];

  it("has examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  for (const [i, text] of examples.entries()) {
    it(`example ${i + 1} is a valid configuration`, () => {
      const policy = loadPolicy({ source: `example ${i + 1}`, text });
      expect(policy.customRules.length).toBeGreaterThan(0);
    });
  }
});

/** A Deployment whose pod template carries these lines (indented under `template:`). */
function deployment(template: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
${template}`;
}

const container = (fields = "") => `    spec:
      containers:
        - name: api
          image: nginx:1.25
${fields}`;

const service = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations: {${annotations}}
spec:
  type: LoadBalancer
  ports: [{port: 80}]
`;

// Each documented example, on a change it is written for: it must fire, on this line and side.
const CHANGES: Record<string, { base: string; head: string; line: number; side: "base" | "head" }> = {
  "run-as-root": {
    base: deployment(container("          securityContext: {runAsUser: 1000}\n")),
    head: deployment(container("          securityContext: {runAsUser: 0}\n")),
    line: 12,
    side: "head",
  },
  "iam-role": {
    base: deployment(`    metadata: {annotations: {}}\n${container()}`),
    head: deployment(`    metadata: {annotations: {iam.amazonaws.com/role: admin}}\n${container()}`),
    line: 8,
    side: "head",
  },
  "image-latest": {
    base: deployment(container()),
    head: deployment(container().replace("nginx:1.25", "nginx:latest")),
    line: 11,
    side: "head",
  },
  "host-aliases": {
    base: deployment(container()),
    head: deployment(`${container()}      hostAliases: [{ip: 10.0.0.1, hostnames: [db]}]\n`),
    line: 12,
    side: "head",
  },
  "internal-lb-dropped": {
    base: service('"networking.gke.io/load-balancer-type": Internal'),
    head: service(""),
    line: 6,
    side: "base",
  },
};

describe("custom rule documentation examples fire on the change they describe", () => {
  const examples = declarations("docs/custom-rules.md").filter((text) => !text.includes("# required"));
  for (const text of examples) {
    const policy = loadPolicy({ source: "example", text });
    const [rule] = policy.customRules;
    it(rule.id, () => {
      const change = CHANGES[rule.id];
      expect(change, `a change for ${rule.id}`).toBeDefined();
      const files = (yaml: string) => new Map([["app.yaml", yaml]]);
      const result = review({
        base: files(change.base),
        head: files(change.head),
        policy,
        rules: rulesOf(policy),
      });
      expect(result.errors).toEqual([]);
      const found = result.findings.filter((f) => f.rule === rule.id);
      expect(found.map(({ line, side }) => ({ line, side }))).toEqual([
        { line: change.line, side: change.side },
      ]);
    });
  }
});
