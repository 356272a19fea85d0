import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load.js";

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
