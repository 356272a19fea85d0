import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { suggest } from "../../src/policy/validation.js";
import {
  DEFAULT_RENDER_SETTINGS,
  RENDER_SCHEMA,
  type RenderSettings,
  readRenderSettings,
} from "../../src/render/settings.js";

const read = (value: unknown, base?: RenderSettings) =>
  readRenderSettings(value, "render", { suggest, base });
const problems = (value: unknown) => {
  const result = read(value);
  return "problems" in result ? result.problems : [];
};
const settings = (value: unknown) => {
  const result = read(value);
  if ("problems" in result) throw new Error(result.problems.join("\n"));
  return result.value;
};

describe("render settings", () => {
  it("absent: the defaults", () => {
    expect(settings(undefined)).toEqual(DEFAULT_RENDER_SETTINGS);
    expect(settings(null)).toEqual(DEFAULT_RENDER_SETTINGS);
    expect(DEFAULT_RENDER_SETTINGS).toMatchObject({ enabled: true, autoDetect: true, targets: [] });
  });

  it("a declared target: paths normalized, options defaulted, numbers and booleans of --set as YAML wrote them", () => {
    const web = {
      path: "charts/web",
      tool: "helm",
      valuesFiles: ["./values-prod.yaml", "../../env/prod/web.yaml"],
      releaseName: "storefront",
      namespace: "shop",
      kubeVersion: "1.31",
      apiVersions: ["monitoring.coreos.com/v1", "monitoring.coreos.com/v1/ServiceMonitor", "v1"],
      set: { replicaCount: 3, "redis.enabled": false, "image.tag": "1.8.1" },
    };
    expect(
      settings({
        autoDetect: false,
        targets: [{ path: "./overlays/prod/" }, web, { path: "." }],
        limits: { timeoutSeconds: 60 },
      }),
    ).toEqual({
      enabled: true,
      autoDetect: false,
      targets: [
        {
          path: "overlays/prod",
          valuesFiles: [],
          namespace: "default",
          kubeVersion: "1.32",
          apiVersions: [],
          set: {},
        },
        {
          ...web,
          valuesFiles: ["values-prod.yaml", "../../env/prod/web.yaml"],
          set: { replicaCount: "3", "redis.enabled": "false", "image.tag": "1.8.1" },
        },
        { path: "", valuesFiles: [], namespace: "default", kubeVersion: "1.32", apiVersions: [], set: {} },
      ],
      limits: { ...DEFAULT_RENDER_SETTINGS.limits, timeoutSeconds: 60 },
    });
  });

  it("problems name the setting's path, with a hint for a misspelt key", () => {
    expect(
      problems({
        enable: true,
        autoDetect: "no",
        targets: [
          { path: "a", valueFiles: ["v.yaml"] },
          { path: "b", tool: "kustomise" },
          { path: "charts/web", valuesFiles: "values-prod.yaml" },
          { tool: "helm" },
          "overlays/prod",
        ],
        limits: { maxInputByte: 10, timeoutSeconds: 0 },
      }),
    ).toEqual([
      "render.enable: unknown setting (did you mean enabled?)",
      'render.autoDetect: must be true or false; got "no"',
      "render.targets[0].valueFiles: unknown setting (did you mean valuesFiles?)",
      'render.targets[1].tool: must be kustomize or helm; got "kustomise"',
      "render.targets[2].valuesFiles: must be a list of file paths",
      "render.targets[3].path: required: the target's folder",
      "render.targets[4]: must be a mapping with a path (the target's folder) and its options",
      "render.limits.maxInputByte: unknown setting (did you mean maxInputBytes?)",
      "render.limits.timeoutSeconds: must be a positive whole number; got 0",
    ]);
    expect(problems(["overlays/prod"])).toEqual([
      "render: must be a mapping of enabled, autoDetect, targets, limits",
    ]);
    expect(problems({ targets: { path: "a" } })).toEqual([
      "render.targets: must be a list of targets (each a mapping with a path)",
    ]);
  });

  it("refuses paths outside the repository, absolute paths, URLs and backslashes", () => {
    expect(
      problems({
        targets: [
          { path: "../elsewhere" },
          { path: "/srv/charts/web" },
          { path: "charts\\web" },
          { path: "overlays/prod/kustomization.yaml" },
          {
            path: "charts/web",
            valuesFiles: [
              "../../../outside.yaml",
              "/etc/values.yaml",
              "https://example.com/values.yaml",
              ".",
            ],
          },
        ],
      }),
    ).toEqual([
      'render.targets[0].path: leaves the repository: "../elsewhere"',
      'render.targets[1].path: must be relative to the repository root; got "/srv/charts/web"',
      'render.targets[2].path: use forward slashes; got "charts\\\\web"',
      'render.targets[3].path: names a file; name its folder: "overlays/prod"',
      'render.targets[4].valuesFiles: "../../../outside.yaml" leaves the repository; "/etc/values.yaml" must be relative to the target\'s folder; "https://example.com/values.yaml" is a URL; values files are read from the repository only; "." is the target\'s folder, not a file',
    ]);
  });

  it("checks Helm's own rules, and a version YAML read as a number", () => {
    expect(
      problems({
        targets: [
          {
            path: "c",
            releaseName: "Web_Prod",
            namespace: "Shop",
            kubeVersion: 1.3,
            apiVersions: ["apps/v1,batch/v1"],
            set: { "": "x", image: { tag: "1" } },
          },
          { path: "d", kubeVersion: "latest", set: { image: { tag: "1" } } },
        ],
      }),
    ).toEqual([
      'render.targets[0].releaseName: must be a Helm release name (lowercase letters, digits, - and ., at most 53); got "Web_Prod"',
      'render.targets[0].namespace: must be a namespace name (a DNS label); got "Shop"',
      'render.targets[0].kubeVersion: must be a quoted version string ("1.30"): as a YAML number, 1.3 may have lost digits',
      'render.targets[0].apiVersions: not an API version (group/version or group/version/Kind): "apps/v1,batch/v1"',
      "render.targets[0].set: has an empty key",
      'render.targets[1].kubeVersion: must be a Kubernetes version such as "1.32"; got "latest"',
      'render.targets[1].set: image: must be a string, number or boolean; got {"tag":"1"}',
    ]);
  });

  it("Helm options on a target declared as kustomize, and the same target twice", () => {
    expect(
      problems({
        targets: [
          { path: "overlays/prod", tool: "kustomize", valuesFiles: ["v.yaml"], namespace: "prod" },
          { path: "charts/web" },
          { path: "./charts/web/" },
        ],
      }),
    ).toEqual([
      "render.targets[0].valuesFiles: applies to helm targets only",
      "render.targets[0].namespace: applies to helm targets only",
      "render.targets[2]: the same target as render.targets[1]",
    ]);
  });

  it("a later layer changes what it names: its targets replace the earlier list, its limits the limits they name", () => {
    const pack = settings({ targets: [{ path: "charts/web" }], limits: { timeoutSeconds: 60 } });
    const result = read({ autoDetect: false, limits: { maxInputBytes: 1024 } }, pack);
    expect("value" in result && result.value).toEqual({
      ...pack,
      autoDetect: false,
      limits: { ...pack.limits, maxInputBytes: 1024 },
    });
    const replaced = read({ targets: [{ path: "overlays/prod" }] }, pack);
    expect("value" in replaced && replaced.value.targets.map((t) => t.path)).toEqual(["overlays/prod"]);
    // The base is not changed.
    expect(pack.limits.maxInputBytes).toBe(DEFAULT_RENDER_SETTINGS.limits.maxInputBytes);
  });

  it("without a suggest function, unknown keys are still named", () => {
    expect(readRenderSettings({ enable: true }, "render")).toEqual({
      problems: ["render.enable: unknown setting"],
    });
  });
});

describe("RENDER_SCHEMA", () => {
  const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(RENDER_SCHEMA);

  it("accepts what the reader accepts and states the same defaults", () => {
    const config = {
      enabled: true,
      autoDetect: false,
      targets: [
        {
          path: "charts/web",
          valuesFiles: ["values-prod.yaml"],
          releaseName: "web",
          set: { replicaCount: 3 },
        },
        { path: "overlays/prod", tool: "kustomize" },
      ],
      limits: { maxInputBytes: 1024, timeoutSeconds: 10 },
    };
    expect(validate(config)).toBe(true);
    expect("value" in read(config)).toBe(true);
    const properties = RENDER_SCHEMA.properties as Record<
      string,
      { default?: unknown; properties?: Record<string, { default?: unknown }> }
    >;
    expect(properties.enabled.default).toBe(DEFAULT_RENDER_SETTINGS.enabled);
    expect(properties.autoDetect.default).toBe(DEFAULT_RENDER_SETTINGS.autoDetect);
    for (const [key, value] of Object.entries(DEFAULT_RENDER_SETTINGS.limits))
      expect(properties.limits.properties?.[key].default).toBe(value);
  });

  it("refuses misspelt keys, unknown tools and a target without a path, as the reader does", () => {
    for (const config of [
      { enable: true },
      { targets: [{ path: "a", tool: "kustomise" }] },
      { targets: [{ valuesFiles: [] }] },
      { limits: { timeoutSeconds: 0 } },
    ]) {
      expect(validate(config)).toBe(false);
      expect("problems" in read(config)).toBe(true);
    }
  });
});
