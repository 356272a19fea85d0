// Workflow commands as the runner reads them: escaping of messages and properties, and how many
// annotations of each kind a step gets to show.

import { describe, expect, it } from "vitest";
import {
  ANNOTATIONS_PER_KIND,
  annotationCommand,
  annotationCommands,
  escapeData,
  escapeProperty,
  workflowCommand,
} from "../../src/action/workflow-commands.js";
import type { Annotation } from "../../src/report/check-run.js";

const annotation = (level: Annotation["annotation_level"], line: number): Annotation => ({
  path: "deploy/app.yaml",
  start_line: line,
  end_line: line,
  annotation_level: level,
  title: `${level} ${line}`,
  message: "m",
});

describe("escaping", () => {
  it.each([
    ["100%", "100%25", "100%25"],
    ["a\r\nb", "a%0D%0Ab", "a%0D%0Ab"],
    ["x::y, z", "x::y, z", "x%3A%3Ay%2C z"],
    ["%0A stays literal", "%250A stays literal", "%250A stays literal"],
  ])("%j: message %j, property %j", (text, data, property) => {
    expect(escapeData(text)).toBe(data);
    expect(escapeProperty(text)).toBe(property);
  });

  it("writes properties in order, leaving out those without a value", () => {
    expect(
      workflowCommand("warning", { file: "a,b.yaml", line: 3, endLine: undefined, title: "" }, "m:n"),
    ).toBe("::warning file=a%2Cb.yaml,line=3::m:n");
    expect(workflowCommand("error", {}, "plain")).toBe("::error::plain");
  });

  it("gives an annotation spanning lines its endLine", () => {
    expect(annotationCommand({ ...annotation("notice", 4), end_line: 6 })).toBe(
      "::notice file=deploy/app.yaml,line=4,endLine=6,title=notice 4::m",
    );
  });
});

describe("annotationCommands", () => {
  it("keeps the first ANNOTATIONS_PER_KIND of each kind, in order, and counts the rest", () => {
    const many = [
      ...Array.from({ length: 12 }, (_, i) => annotation("failure", i + 1)),
      ...Array.from({ length: 3 }, (_, i) => annotation("warning", i + 1)),
    ];
    const { lines, leftOut } = annotationCommands(many);
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(ANNOTATIONS_PER_KIND);
    expect(lines.filter((l) => l.startsWith("::warning "))).toHaveLength(3);
    expect(lines[0]).toContain("title=failure 1::");
    expect(leftOut).toBe(2);
  });
});
