import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ruleCatalog } from "../../src/rules/catalog.js";
import {
  DEFAULT_DOCS_BASE_URL,
  DocsUrlError,
  docsBaseFromEnv,
  ruleDocsUrl,
} from "../../src/rules/docs-url.js";
import { RULES } from "../../src/rules/index.js";

describe("rule links", () => {
  it("default to the docs folder of the repository package.json names, on its main branch", () => {
    const { repository } = JSON.parse(readFileSync("package.json", "utf8"));
    const web = repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
    expect(DEFAULT_DOCS_BASE_URL).toBe(`${web}/blob/main/docs`);
  });

  it("point at a heading that docs/rules.md has, for every built-in rule", () => {
    const headings = new Set(
      readFileSync("docs/rules.md", "utf8")
        .split("\n")
        .filter((line) => line.startsWith("## "))
        .map((line) => line.slice(3).trim()),
    );
    for (const rule of RULES) {
      expect(ruleDocsUrl(rule.id)).toBe(`${DEFAULT_DOCS_BASE_URL}/rules.md#${rule.id}`);
      expect(headings.has(rule.id), rule.id).toBe(true);
    }
  });

  it("follow a configured base, custom rules to custom-rules.md", () => {
    const spec = {
      id: "external-name",
      title: "t",
      kinds: ["Service"],
      path: "spec.type",
      when: [{ becomes: "ExternalName" }],
      severity: "high" as const,
      message: "m",
    };
    const catalog = ruleCatalog({ customRules: [spec] } as never, "https://ghe.example/k/blob/v1/docs");
    expect(catalog.docsUrl("host-path")).toBe("https://ghe.example/k/blob/v1/docs/rules.md#host-path");
    expect(catalog.docsUrl("external-name")).toBe("https://ghe.example/k/blob/v1/docs/custom-rules.md");
  });

  it("come from KUBEDELTA_DOCS_URL when it is set, checked, naming the variable when it is wrong", () => {
    expect(docsBaseFromEnv({})).toBe(DEFAULT_DOCS_BASE_URL);
    expect(docsBaseFromEnv({ KUBEDELTA_DOCS_URL: " " })).toBe(DEFAULT_DOCS_BASE_URL);
    expect(docsBaseFromEnv({ KUBEDELTA_DOCS_URL: "https://ghe.example/k/docs/" })).toBe(
      "https://ghe.example/k/docs",
    );
    expect(() => docsBaseFromEnv({ KUBEDELTA_DOCS_URL: "docs" })).toThrow(DocsUrlError);
    expect(() => docsBaseFromEnv({ KUBEDELTA_DOCS_URL: "docs" })).toThrow(
      /^KUBEDELTA_DOCS_URL: the docs URL must be/,
    );
  });
});
