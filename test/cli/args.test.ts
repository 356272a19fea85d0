import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseArgs, USAGE, UsageError } from "../../src/cli/args.js";

describe("parseArgs", () => {
  it("parses diff with options in either form", () => {
    expect(parseArgs(["diff", "a", "b", "--format=json", "--fail-on", "medium", "--no-color"])).toEqual({
      name: "diff",
      base: "a",
      head: "b",
      options: {
        format: "json",
        config: undefined,
        failOn: "medium",
        fullState: false,
        color: false,
        output: undefined,
        render: true,
      },
    });
  });

  it("parses --no-render and repeated --render-target, refusing them together and where nothing renders", () => {
    expect(parseArgs(["review", "--no-render"])).toMatchObject({ options: { render: false } });
    expect(
      parseArgs(["review", "--render-target", "./overlays/prod/", "--render-target=charts/web"]),
    ).toMatchObject({ options: { render: true, renderTargets: ["overlays/prod", "charts/web"] } });
    expect(parseArgs(["diff", "a", "b", "--render-target", "."])).toMatchObject({
      options: { renderTargets: [""] },
    });
    expect(() => parseArgs(["review", "--no-render", "--render-target", "x"])).toThrow(/contradict/);
    expect(() => parseArgs(["review", "--render-target", "../x"])).toThrow(/a folder of the repository/);
    expect(() => parseArgs(["rules", "--no-render"])).toThrow(/do not apply to `kubedelta rules`/);
    expect(() => parseArgs(["read", "x", "--render-target", "y"])).toThrow(
      /do not apply to `kubedelta read`/,
    );
  });

  it("parses review with git options and defaults", () => {
    expect(parseArgs(["review", "--base", "main", "--repo", "/r"])).toMatchObject({
      name: "review",
      base: "main",
      head: undefined,
      repo: "/r",
    });
    expect(parseArgs(["review"])).toMatchObject({ name: "review", repo: "." });
  });

  it("parses read with its formats, paths and standard input", () => {
    expect(parseArgs(["read", "a.yaml", "dir", "-"])).toEqual({
      name: "read",
      paths: ["a.yaml", "dir", "-"],
      format: "text",
      output: undefined,
    });
    expect(parseArgs(["read", "--format=yaml", "x", "--output", "o"])).toMatchObject({
      format: "yaml",
      output: "o",
    });
    expect(parseArgs(["read", "--format", "json", "x"])).toMatchObject({ format: "json" });
  });

  it("help and version win over everything else", () => {
    expect(parseArgs(["diff", "--help"])).toEqual({ name: "help" });
    expect(parseArgs(["--version"])).toEqual({ name: "version" });
  });

  it("takes `help` and `help COMMAND` as --help does, and refuses help on what does not exist", () => {
    for (const argv of [["help"], ["help", "review"], ["help", "read"], ["help", "rules"], ["help", "diff"]])
      expect(parseArgs(argv)).toEqual({ name: "help" });
    expect(() => parseArgs(["help", "frobnicate"])).toThrow(/unknown command "frobnicate"/);
    expect(() => parseArgs(["help", "diff", "review"])).toThrow(/at most one command/);
  });

  it("takes --docs-url as an absolute http(s) folder URL, without a trailing slash", () => {
    expect(
      parseArgs(["diff", "a", "b", "--docs-url", "https://ghe.example/acme/kubedelta/blob/v1/docs/"]),
    ).toMatchObject({
      options: { docsUrl: "https://ghe.example/acme/kubedelta/blob/v1/docs" },
    });
    expect(() => parseArgs(["diff", "a", "b", "--docs-url", "docs/"])).toThrow(
      /--docs-url: .*absolute http\(s\) URL/,
    );
    expect(() => parseArgs(["diff", "a", "b", "--docs-url", "file:///etc"])).toThrow(
      /absolute http\(s\) URL/,
    );
    expect(() => parseArgs(["diff", "a", "b", "--docs-url", "https://x/docs#rules"])).toThrow(
      /no query or #fragment/,
    );
    expect(() => parseArgs(["read", "x", "--docs-url", "https://x"])).toThrow(
      /do not apply to `kubedelta read`/,
    );
  });

  const bad: [string[], RegExp][] = [
    [[], /no command given/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [["diff", "a"], /exactly two paths/],
    [
      ["diff", "a", "b", "--format", "xml"],
      /--format must be one of text, json, markdown, sarif for `kubedelta diff`; got "xml"/,
    ],
    [["diff", "a", "b", "--fail-on", "urgent"], /--fail-on must be one of/],
    [["diff", "a", "b", "--fail-on"], /--fail-on needs a value/],
    [["diff", "a", "b", "--bogus"], /unknown option --bogus/],
    [["diff", "a", "b", "--base", "x"], /only apply to `kubedelta review`/],
    [["review", "somewhere"], /review takes no paths/],
    [["diff", "a", "b", "--color", "--no-color"], /contradict/],
    [["diff", "a", "b", "--config", "x", "--config", "y"], /given twice/],
    [["read"], /read needs a file or directory/],
    [
      ["read", "x", "--format", "sarif"],
      /--format must be one of text, json, yaml for `kubedelta read`; got "sarif"/,
    ],
    [["diff", "a", "b", "--format", "yaml"], /--format must be one of text, json, markdown, sarif/],
    [
      ["review", "--format", "yaml"],
      /--format must be one of text, json, markdown, sarif for `kubedelta review`/,
    ],
    [
      ["rules", "--format", "sarif"],
      /--format must be one of text, json, markdown for `kubedelta rules`; got "sarif"/,
    ],
    [["read", "x", "--fail-on", "high"], /--fail-on do not apply to `kubedelta read`/],
    [["read", "-", "-"], /standard input \(-\) only once/],
    [["read", "x", "--base", "main"], /only apply to `kubedelta review`/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${JSON.stringify(argv)}`, () => {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(message);
    });
  }

  it("is the usage the README's command-line reference shows", () => {
    expect(readFileSync("README.md", "utf8")).toContain(
      `## Command-line reference\n\n\`\`\`text\n${USAGE}\n\`\`\``,
    );
  });
});
