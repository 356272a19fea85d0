import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderExampleReview } from "../../scripts/example-review.js";

describe("docs/example-review.md", () => {
  it("is what the app posts for the bundled example (regenerate with scripts/example-review.ts)", () => {
    expect(readFileSync("docs/example-review.md", "utf8")).toBe(renderExampleReview());
  });
});
