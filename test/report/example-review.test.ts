import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderExampleReview } from "../../scripts/example-review.js";
import { useRealTools } from "../render/helpers/tools.js";

// The example's overlay and chart are rendered with the real kustomize and helm.
useRealTools();

describe("docs/example-review.md", () => {
  it("is what the app posts for the bundled example (regenerate with scripts/example-review.ts)", async () => {
    expect(readFileSync("docs/example-review.md", "utf8")).toBe(await renderExampleReview());
  });
});
