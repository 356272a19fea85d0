import { describe, expect, it } from "vitest";
import type { FileContent } from "../../src/engine/files.js";
import { ParseCache } from "../../src/engine/parse-cache.js";
import { readManifest } from "../../src/engine/reading.js";
import { type FileSet, review } from "../../src/engine/review.js";
import type { Rule } from "../../src/engine/rule.js";
import type { Json, JsonObject } from "../../src/engine/types.js";
import { defaultPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { RULES } from "../../src/rules/index.js";

// A rule whose only job is to exercise the engine: flags a ConfigMap whose data.level
// becomes "debug", pointing at that field.
const debugRule: Rule = {
  id: "test-debug",
  title: "debug level",
  defaultSeverity: "medium",
  description: "",
  rationale: "",
  remediation: "",
  check({ before, after }) {
    const level = (r?: { object: JsonObject }) => (r?.object.data as JsonObject | undefined)?.level as Json;
    if (!after || level(after) !== "debug" || level(before) === "debug") return [];
    return [{ path: ["data", "level"], key: "debug", message: "level becomes debug" }];
  },
};

const throwingRule: Rule = {
  ...debugRule,
  id: "test-throws",
  check: () => {
    throw new Error("boom");
  },
};

function policyFor(rules: Rule[], change: (p: Policy) => void = () => {}): Policy {
  const policy = defaultPolicy(rules);
  change(policy);
  return policy;
}

function run(
  base: Record<string, string | Uint8Array>,
  head: Record<string, string | Uint8Array>,
  rules = [debugRule],
  change?: (p: Policy) => void,
) {
  const files = (r: Record<string, string | Uint8Array>): FileSet => new Map(Object.entries(r));
  return review({ base: files(base), head: files(head), policy: policyFor(rules, change), rules });
}

const configMap = (name: string, level: string, extra = "") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  level: ${level}\n`;

describe("review", () => {
  it("reports the change with its line, side, resource and a fingerprint", () => {
    const result = run(
      { "a.yaml": configMap("app", "info") },
      { "a.yaml": `# header\n${configMap("app", "debug")}` },
    );
    expect(result.findings).toEqual([
      {
        rule: "test-debug",
        severity: "medium",
        file: "a.yaml",
        line: 7,
        side: "head",
        resource: { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "app" },
        message: "level becomes debug",
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
    expect(result.stats).toMatchObject({ resourcesBase: 1, resourcesHead: 1, changed: 1, added: 0 });
  });

  it("keeps the fingerprint when the resource moves, is reformatted or gets an unrelated edit", () => {
    const first = run({}, { "a.yaml": configMap("app", "debug") }).findings[0];
    const moved = run(
      {},
      {
        "other/b.yml": `---\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app", "labels": {"x": "y"}}, "data": {"level": "debug"}}\n`,
      },
    ).findings[0];
    expect(moved.fingerprint).toBe(first.fingerprint);
    expect(moved.file).toBe("other/b.yml");
    expect(moved.line).toBe(2);
  });

  it("stays silent on a move between files, a reformat and key reordering", () => {
    const base = { "a.yaml": `${configMap("app", "debug")}---\n${configMap("other", "info")}` };
    const head = {
      "b.yaml": `data: {level: "debug"}\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: app}\n`,
      "c.yaml": configMap("other", "info"),
    };
    const result = run(base, head);
    expect(result.findings).toEqual([]);
    expect(result.stats).toMatchObject({ moved: 2, unchanged: 2, changed: 0, added: 0, removed: 0 });
  });

  it("expands List kinds and locates fields inside items", () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n    data:\n      level: debug\n`;
    const result = run({}, { "list.yaml": list });
    expect(result.findings.map((f) => [f.resource.name, f.line])).toEqual([["a", 9]]);
  });

  it("reports invalid YAML with file and line and still reviews the other files", () => {
    const result = run(
      {},
      { "bad.yaml": "apiVersion: v1\nkind: [oops\n", "good.yaml": configMap("app", "debug") },
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].file).toBe("bad.yaml");
    expect(result.errors[0].line).toBeGreaterThan(0);
    expect(result.findings.map((f) => f.file)).toEqual(["good.yaml"]);
  });

  it("skips non-Kubernetes YAML and Helm chart templates with a reason", () => {
    const result = run(
      {},
      {
        "values.yaml": "replicaCount: 2\nimage: {tag: x}\n",
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
        "chart/templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
        "empty.yaml": "# nothing here\n",
      },
      [debugRule],
      (p) => {
        p.manifests.exclude = ["**/.github/**"];
      },
    );
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.file, s.reason]));
    expect(reasons["values.yaml"]).toMatch(/not a Kubernetes manifest/);
    expect(reasons["chart/templates/svc.yaml"]).toBe(
      "Helm chart template (of chart/Chart.yaml): rendered by Helm, never read as manifests",
    );
    expect(reasons[".github/workflows/ci.yml"]).toBeUndefined(); // excluded by the default globs
    expect(reasons["empty.yaml"]).toBeUndefined();
    expect(result.errors).toEqual([]);
  });

  it("does not take Go templates inside ordinary values for Helm", () => {
    const rule = `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          annotations:\n            summary: "{{ $labels.instance }} is down"\n`;
    expect(run({}, { "rule.yaml": rule }).skipped).toEqual([]);
  });

  it("turns an oversized file into an error, never a silent pass", () => {
    const result = run({}, { "big.yaml": configMap("app", "debug") }, [debugRule], (p) => {
      p.limits.maxFileBytes = 10;
    });
    expect(result.errors[0]).toMatchObject({
      file: "big.yaml",
      message: expect.stringMatching(/limits\.maxFileBytes/),
    });
  });

  it("refuses a change with more files than the limit", () => {
    const head = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [`f${i}.yaml`, configMap(`c${i}`, "debug")]),
    );
    const result = run({}, head, [debugRule], (p) => {
      p.limits.maxFiles = 3;
    });
    expect(result.findings).toEqual([]);
    expect(result.errors[0].message).toMatch(/4 changed manifest files, over the limit of 3/);
  });

  it("turns a rule that throws into an error", () => {
    const result = run({}, { "a.yaml": configMap("app", "debug") }, [throwingRule]);
    expect(result.errors[0].message).toMatch(/rule test-throws failed on ConfigMap app: Error: boom/);
  });

  it("judges every head resource as new in full-state mode", () => {
    const same = { "a.yaml": configMap("app", "debug") };
    expect(run(same, same).findings).toEqual([]);
    expect(
      run(same, same, [debugRule], (p) => {
        p.fullState = true;
      }).findings,
    ).toHaveLength(1);
  });

  it("applies the configured severity and skips disabled rules", () => {
    const head = { "a.yaml": configMap("app", "debug") };
    expect(
      run({}, head, [debugRule], (p) => {
        p.rules["test-debug"].severity = "critical";
      }).findings[0].severity,
    ).toBe("critical");
    expect(
      run({}, head, [debugRule], (p) => {
        p.rules["test-debug"].enabled = false;
      }).findings,
    ).toEqual([]);
  });

  it("moves graded severities with the configured one", () => {
    const graded: Rule = {
      ...debugRule,
      id: "graded",
      check: (c, ctx) => debugRule.check(c, ctx).map((h) => ({ ...h, severity: "high" })),
    };
    const head = { "a.yaml": configMap("app", "debug") };
    expect(run({}, head, [graded]).findings[0].severity).toBe("high");
    expect(
      run({}, head, [graded], (p) => {
        p.rules.graded.severity = "low";
      }).findings[0].severity,
    ).toBe("medium");
    expect(
      run({}, head, [graded], (p) => {
        p.rules.graded.severity = "critical";
      }).findings[0].severity,
    ).toBe("critical");
  });

  it("parses a file identical on both sides once, and reuses a shared cache", () => {
    const text = configMap("app", "info");
    const cache = new ParseCache();
    const policy = policyFor([debugRule]);
    const first = review({
      base: new Map([["a.yaml", text]]),
      head: new Map([["a.yaml", text]]),
      policy,
      rules: [debugRule],
      cache,
    });
    expect(first.stats.filesParsed).toBe(1);
    const second = review({
      base: new Map([["a.yaml", text]]),
      head: new Map([["a.yaml", configMap("app", "debug")]]),
      policy,
      rules: [debugRule],
      cache,
    });
    expect(second.stats).toMatchObject({ filesParsed: 1, parseCacheHits: 1 });
    expect(second.findings).toHaveLength(1);
  });

  describe("real-world regressions", () => {
    it("does not fail a change over unreadable files it does not touch, nor list them as skipped", () => {
      const broken = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n";
      const values = "replicaCount: 1\n";
      const result = run(
        { "broken.yaml": broken, "values.yaml": values, "a.yaml": configMap("app", "info") },
        { "broken.yaml": broken, "values.yaml": values, "a.yaml": configMap("app", "debug") },
      );
      expect(result.errors).toEqual([]);
      expect(result.skipped).toEqual([]);
      expect(result.findings).toHaveLength(1);
    });

    it("reads a template of another tool outside a chart as kubectl would: an error on its line", () => {
      const krew =
        'apiVersion: krew.googlecontainertools.github.com/v1alpha2\nkind: Plugin\nmetadata: {name: x}\nspec:\n  version: {{ .TagName }}\n  platforms:\n  - selector: {}\n    {{addURIAndSha "https://e.x/a.tgz" .TagName }}\n';
      const result = run({}, { "krew.yaml": krew });
      expect(result.skipped).toEqual([]);
      expect(result.errors).toEqual([
        {
          file: "krew.yaml",
          line: expect.any(Number),
          message: expect.stringMatching(/add it to manifests\.exclude\)$/),
        },
      ]);
    });

    it("reads UTF-16 manifests with a byte-order mark, as kubectl does", () => {
      const utf16 = (text: string) =>
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
      const result = run(
        { "a.yaml": configMap("app", "info") },
        { "a.yaml": utf16(configMap("app", "debug")) },
      );
      expect(result.skipped).toEqual([]);
      expect(result.findings.map((f) => [f.rule, f.line])).toEqual([["test-debug", 6]]);
    });

    it("judges a new copy of an existing object against the existing version", () => {
      const text = configMap("app", "debug");
      expect(run({ "a.yaml": text }, { "a.yaml": text, "v2/a.yaml": text }).findings).toEqual([]);
      const widened = run(
        { "a.yaml": configMap("app", "info") },
        { "a.yaml": configMap("app", "info"), "v2/a.yaml": text },
      );
      expect(widened.findings.map((f) => f.file)).toEqual(["v2/a.yaml"]);
    });

    it("gives the true reason for kustomize files and reads a null list as empty", () => {
      const result = run(
        {},
        {
          "kustomization.yaml":
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
          "null-list.yaml": "apiVersion: v1\nkind: ConfigMapList\nitems: null\n",
        },
      );
      expect(result.skipped).toEqual([
        {
          file: "kustomization.yaml",
          reason: "line 1: Kustomization is kustomize configuration, not a cluster object",
        },
      ]);
      expect(result.errors).toEqual([]);
    });

    it("does not judge kustomize patches (partial objects) as whole resources", () => {
      const base = { "base/app.yaml": configMap("app", "info") };
      const head = {
        "base/app.yaml": configMap("app", "info"),
        "overlays/dev/kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\npatches:\n  - path: patch.yaml\npatchesStrategicMerge:\n  - ../../shared/extra.yaml\n",
        "overlays/dev/patch.yaml": configMap("app", "debug"),
        "shared/extra.yaml": configMap("extra", "debug"),
        "overlays/dev/new.yaml": configMap("fresh", "debug"),
      };
      const result = run(base, head);
      expect(result.findings.map((f) => f.file)).toEqual(["overlays/dev/new.yaml"]);
      expect(result.skipped).toEqual(
        expect.arrayContaining([
          {
            file: "overlays/dev/patch.yaml",
            reason:
              "kustomize patch (used by overlays/dev/kustomization.yaml): a partial object; review the built output",
          },
          {
            file: "shared/extra.yaml",
            reason:
              "kustomize patch (used by overlays/dev/kustomization.yaml): a partial object; review the built output",
          },
        ]),
      );
    });
  });
});

// Issue 11: every changed file is read as `kubectl apply -f` reads it, or it is an error on its file
// and line. Nothing Kubernetes would apply is skipped for how its text looks.
describe("reading every changed file as kubectl does", () => {
  const daemonSet = (annotation = "plain") =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: ops\n  annotations:\n    note: "${annotation}"\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers:\n        - name: agent\n          image: registry.example.com/agent:1\n          securityContext:\n            privileged: true\n`;
  const PRIVILEGED_LINE = 17;

  /** A review with the built-in rules and the default policy. */
  function reviewHead(
    head: Record<string, FileContent>,
    chartRoots?: { base: Set<string>; head: Set<string> },
  ) {
    return review({
      base: new Map(),
      head: new Map(Object.entries(head)),
      policy: defaultPolicy(),
      rules: RULES,
      chartRoots,
    });
  }
  it("a document KubeDelta refuses (a duplicate key) does not hide the documents after it", () => {
    const refused = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n---\n";
    const result = reviewHead({ "ds.yaml": refused + daemonSet() });
    expect(result.errors).toEqual([
      { file: "ds.yaml", line: 5, message: expect.stringMatching(/duplicate key "name"/) },
    ]);
    const privileged = result.findings.filter((f) => f.rule === "privileged-container");
    expect(privileged.map((f) => f.line)).toEqual([PRIVILEGED_LINE + 6]);
  });

  const privileged = (result: ReturnType<typeof reviewHead>) =>
    result.findings.filter((f) => f.rule === "privileged-container").map((f) => `${f.file}:${f.line}`);

  it("reviews a plain manifest whose comment has template braces", () => {
    const result = reviewHead({ "ds.yaml": `# {{- x }}\n${daemonSet()}` });
    expect(result.skipped).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(privileged(result)).toEqual([`ds.yaml:${PRIVILEGED_LINE + 1}`]);
  });

  it("reads a file with an invalid UTF-8 byte, the byte read as U+FFFD like kubectl, and judges it", () => {
    const [before, after] = daemonSet("a\u0000b").split("\u0000");
    const bytes = Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]);
    const reading = readManifest("ds.yaml", bytes, defaultPolicy().limits);
    expect(reading.errors).toEqual([]);
    expect(reading.documents[0].value).toMatchObject({ metadata: { annotations: { note: "a\ufffdb" } } });
    const result = reviewHead({ "ds.yaml": bytes });
    expect(result.skipped).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(privileged(result)).toEqual([`ds.yaml:${PRIVILEGED_LINE}`]);
  });

  it("reviews the documents before a NUL byte and reports the NUL's line (the YAML reader's control-character error)", () => {
    const second = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: a\u0000b\n";
    const result = reviewHead({ "mixed.yaml": `${daemonSet()}---\n${second}` });
    expect(result.skipped).toEqual([]);
    expect(privileged(result)).toEqual([`mixed.yaml:${PRIVILEGED_LINE}`]);
    const nulLine = PRIVILEGED_LINE + 1 + 5; // the separator, then the fifth line of the ConfigMap
    expect(result.errors).toEqual([{ file: "mixed.yaml", line: nulLine, message: expect.any(String) }]);
  });

  it("skips a file under the templates/ folder of a chart, and reads the same file anywhere else", () => {
    const template = `${daemonSet()}  # {{ .Values.x }}\n`;
    const chart = "apiVersion: v2\nname: x\nversion: 0.1.0\n";
    const result = reviewHead({
      "charts/x/Chart.yaml": chart,
      "charts/x/templates/ds.yaml": template,
      "charts/x/other/ds.yaml": template,
      "deploy/templates/ds.yaml": template,
    });
    expect(result.skipped).toContainEqual({
      file: "charts/x/templates/ds.yaml",
      reason: "Helm chart template (of charts/x/Chart.yaml): rendered by Helm, never read as manifests",
    });
    expect(result.skipped.map((s) => s.file)).not.toContain("deploy/templates/ds.yaml");
    expect(privileged(result).sort()).toEqual([
      `charts/x/other/ds.yaml:${PRIVILEGED_LINE}`,
      `deploy/templates/ds.yaml:${PRIVILEGED_LINE}`,
    ]);
  });

  it("takes the chart roots the shell passes (it sees the whole tree), not only the files it was given", () => {
    const files = { "charts/x/templates/ds.yaml": daemonSet() };
    expect(privileged(reviewHead(files))).toEqual([`charts/x/templates/ds.yaml:${PRIVILEGED_LINE}`]);
    const inChart = reviewHead(files, { base: new Set(), head: new Set(["charts/x"]) });
    expect(privileged(inChart)).toEqual([]);
    expect(inChart.skipped.map((s) => s.file)).toEqual(["charts/x/templates/ds.yaml"]);
  });

  it("makes a file its shell could not read an error, never a pass", () => {
    const result = reviewHead({ "gone.yaml": { unreadable: "git object abc is missing" } });
    expect(result.errors).toEqual([
      { file: "gone.yaml", message: "head: could not be read: git object abc is missing" },
    ]);
  });
});
