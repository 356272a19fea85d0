import { describe, expect, it } from "vitest";
import { fileUri, toSarif } from "../../src/report/sarif.js";
import { docsUrl, finding, HOSTILE, RULES, result } from "./fixtures.js";

const options = { rules: RULES, docsUrl, toolVersion: "1.2.3" };

// biome-ignore lint/suspicious/noExplicitAny: a parsed SARIF log is walked loosely in assertions
function sarif(input = result()): any {
  return JSON.parse(toSarif(input, options));
}

describe("toSarif", () => {
  it("is a SARIF 2.1.0 log with one run of KubeDelta", () => {
    const text = toSarif(result(), { ...options, informationUri: "https://kubedelta.example" });
    expect(text.endsWith("}\n")).toBe(true);
    const log = JSON.parse(text);
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver).toMatchObject({
      name: "KubeDelta",
      informationUri: "https://kubedelta.example",
      version: "1.2.3",
    });
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });

  it("describes each rule for code-scanning viewers", () => {
    const rules = sarif().runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(rules[0]).toEqual({
      id: "service-load-balancer",
      name: "ServiceLoadBalancer",
      shortDescription: { text: "Title of service-load-balancer" },
      fullDescription: { text: "What service-load-balancer flags." },
      help: { text: "Why service-load-balancer matters.\n\nRemediation: How to fix service-load-balancer." },
      helpUri: "https://kubedelta.example/rules/service-load-balancer",
      defaultConfiguration: { level: "error" },
      properties: { tags: ["kubernetes", "security"], "security-severity": "8.0" },
    });
    expect(rules[1].defaultConfiguration.level).toBe("error");
    expect(rules[2].defaultConfiguration.level).toBe("note");
  });

  it("maps severities to levels", () => {
    const input = result({
      findings: (["critical", "high", "medium", "low", "info"] as const).map((severity, i) =>
        finding({ severity, line: i + 1 }),
      ),
    });
    const results = sarif(input).runs[0].results;
    expect(results.map((r: { level: string }) => r.level)).toEqual([
      "error",
      "error",
      "warning",
      "note",
      "note",
    ]);
    expect(results.map((r: { properties: { severity: string } }) => r.properties.severity)).toEqual([
      "critical",
      "high",
      "medium",
      "low",
      "info",
    ]);
  });

  it("gives every result a ruleIndex that points at its rule, also for undescribed rules", () => {
    const input = result({
      findings: [
        finding({ rule: "missing-probe" }),
        finding({ rule: "not-described" }),
        finding({ rule: "privileged-container" }),
        finding({ rule: "not-described", line: 40 }),
        finding({ rule: "service-load-balancer" }),
      ],
    });
    const run = sarif(input).runs[0];
    const rules = run.tool.driver.rules;
    expect(rules).toHaveLength(4);
    expect(rules[3]).toMatchObject({ id: "not-described", helpUri: docsUrl("not-described") });
    for (const r of run.results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it("locates results with relative, per-segment encoded URIs and head lines", () => {
    const input = result({ findings: [finding({ file: "my dir/web #1.yaml", line: 7, fingerprint: "f1" })] });
    const [r] = sarif(input).runs[0].results;
    expect(r.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "my%20dir/web%20%231.yaml", uriBaseId: "%SRCROOT%" },
          region: { startLine: 7 },
        },
      },
    ]);
    expect(r.partialFingerprints).toEqual({ "kubedelta/v1": "f1" });
    expect(r.message.text).toBe("Service shop/web: type changed from ClusterIP to LoadBalancer.");
  });

  it("does not point a removed resource at a line of the new file", () => {
    const [r] = sarif(result({ findings: [finding({ side: "base", line: 9 })] })).runs[0].results;
    expect(r.locations[0].physicalLocation.region).toBeUndefined();
    expect(r.message.text).toContain("(in the base version, line 9)");
    expect(r.properties.side).toBe("base");
  });

  it("reports input errors as failed execution and skipped files as notes", () => {
    const input = result({
      errors: [
        { file: "bad.yaml", line: 3, message: "invalid YAML" },
        { file: "big.yaml", message: "too large" },
      ],
      skipped: [{ file: "chart/t.yaml", reason: "Helm template" }],
    });
    const [invocation] = sarif(input).runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: "error",
        message: { text: "invalid YAML" },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: "bad.yaml", uriBaseId: "%SRCROOT%" },
              region: { startLine: 3 },
            },
          },
        ],
      },
      {
        level: "error",
        message: { text: "too large" },
        locations: [{ physicalLocation: { artifactLocation: { uri: "big.yaml", uriBaseId: "%SRCROOT%" } } }],
      },
      {
        level: "note",
        message: { text: "Skipped: Helm template" },
        locations: [
          { physicalLocation: { artifactLocation: { uri: "chart/t.yaml", uriBaseId: "%SRCROOT%" } } },
        ],
      },
    ]);
    const skippedOnly = sarif(result({ skipped: [{ file: "x.png", reason: "binary" }] }));
    expect(skippedOnly.runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it("keeps hostile text plain: no embedded links, controls or line breaks", () => {
    const input = result({
      findings: [finding({ message: HOSTILE })],
      errors: [{ file: "e.yaml", message: HOSTILE }],
    });
    const log = sarif(input);
    const texts = [
      log.runs[0].results[0].message.text,
      log.runs[0].invocations[0].toolExecutionNotifications[0].message.text,
    ];
    for (const text of texts) {
      // Every bracket is escaped, so `[click](https://evil)` cannot become a link.
      expect(text).not.toMatch(/(?<!\\)[[\]]/);
      expect(text).toContain("\\[click\\](https://evil)");
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for control characters
      expect(text).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    }
  });
});

describe("fileUri", () => {
  it("encodes each segment and keeps the path relative", () => {
    expect(fileUri("a b/c%d/ü.yaml")).toBe("a%20b/c%25d/%C3%BC.yaml");
    expect(fileUri("./k8s/app.yaml")).toBe("k8s/app.yaml");
    expect(fileUri("/k8s/app.yaml")).toBe("k8s/app.yaml");
    expect(fileUri("c:x/y?.yaml")).toBe("c%3Ax/y%3F.yaml");
  });
});
