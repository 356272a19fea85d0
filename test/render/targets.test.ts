import { describe, expect, it } from "vitest";
import { closureOf } from "../../src/render/closure.js";
import type { RenderSettings } from "../../src/render/settings.js";
import { filesReadUpFront, findTargets, type HelmTarget } from "../../src/render/targets.js";
import {
  fixtureRepository,
  inlineRepository,
  renderSettings,
  type TestRepository,
  targetSpec,
} from "./fixtures/targets-repository.js";

const spec = targetSpec;
const settings = renderSettings;

const targetsOf = (repo: TestRepository, s: RenderSettings = settings()) =>
  findTargets(repo.paths, repo.read, s);
const names = (repo: TestRepository, s?: RenderSettings) => targetsOf(repo, s).targets.map((t) => t.name);

describe("detected Kustomize targets", () => {
  it("a kubebuilder config/ tree: config/default (which includes crd, rbac, manager, webhook) and the kustomizations nothing includes", () => {
    expect(names(fixtureRepository("targets-kubebuilder"))).toEqual([
      "kustomize config/default",
      "kustomize config/prometheus",
      "kustomize config/samples",
    ]);
  });

  it("overlays over a shared base: the overlays, not the base, the components, nor an overlay another overlay builds on", () => {
    const found = targetsOf(fixtureRepository("targets-overlays"));
    expect(found.targets.map((t) => t.name)).toEqual([
      "kustomize overlays/dev",
      "kustomize overlays/prod-eu",
      "kustomize overlays/staging",
    ]);
    expect(found.errors).toEqual([]);
    expect(found.targets.every((t) => t.key === `kustomize:${t.dir}` && !t.declared)).toBe(true);
  });

  it("a Component nobody includes is still no target; a kustomization at the repository root is one", () => {
    const repo = inlineRepository({
      "kustomization.yaml": "resources:\n- app.yaml\n",
      "app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
      "unused/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
    });
    expect(names(repo)).toEqual(["kustomize ."]);
  });

  it("reads includes as kustomize does: keys matched case-insensitively by Unicode folding, bases as resources", () => {
    const repo = inlineRepository({
      "base/kustomization.yaml": "resources: [cm.yaml]\n",
      "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
      "legacy/kustomization.yaml": "resources: [cm.yaml]\n",
      "legacy/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
      // ſ (U+017F) folds to s: kustomize reads this key as resources.
      "a/kustomization.yaml": "reſources:\n- ../base\n",
      "b/kustomization.yaml": "BASES:\n- ../legacy\n",
    });
    expect(names(repo)).toEqual(["kustomize a", "kustomize b"]);
  });

  it("kustomizations that only include each other (a cycle) still get a target, whose closure reports the cycle", () => {
    const repo = inlineRepository({
      "a/kustomization.yaml": "resources: [../b]\n",
      "b/kustomization.yaml": "resources: [../a]\n",
    });
    const found = targetsOf(repo);
    expect(found.targets.map((t) => t.dir)).toEqual(["a"]);
    expect(closureOf(found.targets[0], repo.paths, repo.read).errors).toEqual([
      "b/kustomization.yaml: resources[0]: cycle: a → b → a",
    ]);
  });

  it("an unreadable kustomization stays a target (its closure says why), and does not hide the others", () => {
    const repo = inlineRepository({
      "broken/kustomization.yaml": "resources: [a\n",
      "ok/kustomization.yaml": "resources: []\n",
    });
    const found = targetsOf(repo);
    expect(found.targets.map((t) => t.dir)).toEqual(["broken", "ok"]);
    expect(closureOf(found.targets[0], repo.paths, repo.read).errors[0]).toMatch(
      /^broken\/kustomization\.yaml:1: /,
    );
  });
});

describe("detected Helm targets", () => {
  it("every chart but subcharts (under a chart's charts/) and library charts, released under the chart's name", () => {
    const found = targetsOf(fixtureRepository("targets-charts"));
    expect(found.targets.map((t) => t.name)).toEqual([
      "helm charts/api with values.yaml",
      "helm charts/web with values.yaml",
    ]);
    const [api, web] = found.targets as HelmTarget[];
    expect(api.options).toEqual({
      releaseName: "shop-api",
      namespace: "default",
      kubeVersion: "1.32",
      apiVersions: [],
      valuesFiles: [],
      set: {},
    });
    expect(web.options.releaseName).toBe("web");
  });

  it("a chart at the root, its subchart, and a chart without values.yaml", () => {
    const repo = inlineRepository({
      "Chart.yaml": "apiVersion: v2\nname: root\nversion: 1.0.0\n",
      "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
      "charts/sub/charts/deeper/Chart.yaml": "apiVersion: v2\nname: deeper\nversion: 1.0.0\n",
      "tools/Chart.yaml": "apiVersion: v2\nname: tools\nversion: 1.0.0\n",
    });
    expect(names(repo)).toEqual(["helm .", "helm tools"]);
  });
});

describe("declared targets", () => {
  const charts = fixtureRepository("targets-charts");

  it("replace the detected target of their folder, with their options", () => {
    const s = settings({
      targets: [
        spec({
          path: "charts/web",
          valuesFiles: ["values-prod.yaml", "../../environments/prod/web-values.yaml"],
          namespace: "shop",
          releaseName: "storefront",
          set: { "redis.enabled": "false" },
        }),
      ],
    });
    const found = targetsOf(charts, s);
    expect(found.targets.map((t) => t.name)).toEqual([
      "helm charts/api with values.yaml",
      "helm charts/web with values.yaml, values-prod.yaml, ../../environments/prod/web-values.yaml in namespace shop",
    ]);
    const web = found.targets[1] as HelmTarget;
    expect(web).toMatchObject({ declared: true, key: "helm:charts/web#0" });
    expect(web.options).toEqual({
      releaseName: "storefront",
      namespace: "shop",
      kubeVersion: "1.32",
      apiVersions: [],
      valuesFiles: ["charts/web/values-prod.yaml", "environments/prod/web-values.yaml"],
      set: { "redis.enabled": "false" },
    });
  });

  it("several for one folder are several targets (a chart per environment)", () => {
    const s = settings({
      targets: [
        spec({ path: "charts/web", namespace: "staging" }),
        spec({ path: "charts/web", valuesFiles: ["values-prod.yaml"], namespace: "prod" }),
      ],
    });
    expect(targetsOf(charts, s).targets.map((t) => [t.key, t.name])).toEqual([
      ["helm:charts/api", "helm charts/api with values.yaml"],
      ["helm:charts/web#0", "helm charts/web with values.yaml in namespace staging"],
      ["helm:charts/web#1", "helm charts/web with values.yaml, values-prod.yaml in namespace prod"],
    ]);
  });

  it("with autoDetect off, are all there is; with rendering off there is nothing", () => {
    const s = settings({ autoDetect: false, targets: [spec({ path: "charts/api" })] });
    expect(names(charts, s)).toEqual(["helm charts/api with values.yaml"]);
    expect(targetsOf(charts, settings({ enabled: false })).targets).toEqual([]);
  });

  it("a declared kustomization keeps the detected roots of other folders, and may be one nothing would detect", () => {
    const overlays = fixtureRepository("targets-overlays");
    const s = settings({ targets: [spec({ path: "overlays/prod" })] });
    expect(targetsOf(overlays, s).targets.map((t) => [t.name, t.declared])).toEqual([
      ["kustomize overlays/dev", false],
      ["kustomize overlays/prod", true],
      ["kustomize overlays/prod-eu", false],
      ["kustomize overlays/staging", false],
    ]);
  });

  it("say what does not fit the folder: two tools, Helm options on a kustomization, a library chart", () => {
    const repo = inlineRepository({
      "both/Chart.yaml": "apiVersion: v2\nname: both\nversion: 1.0.0\n",
      "both/kustomization.yaml": "resources: []\n",
      "app/kustomization.yaml": "resources: []\n",
      "lib/Chart.yaml": "apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n",
    });
    const s = settings({
      autoDetect: false,
      targets: [
        spec({ path: "both" }),
        spec({ path: "app", namespace: "prod", valuesFiles: ["v.yaml"] }),
        spec({ path: "lib" }),
        spec({ path: "both", tool: "helm" }),
      ],
    });
    const found = targetsOf(repo, s);
    expect(found.errors).toEqual([
      "render.targets[0] (both): the folder holds both a kustomization and a Chart.yaml: set tool to kustomize or helm",
      "render.targets[1] (app): is a kustomization; valuesFiles, namespace apply to helm targets only",
      "render.targets[2] (lib): is a library chart, which Helm does not render on its own",
    ]);
    expect(found.targets.map((t) => t.name)).toEqual(["helm both"]);
  });

  it("whose folder holds no such target at this revision are absent (the pairing of revisions decides)", () => {
    const s = settings({
      targets: [spec({ path: "charts/new" }), spec({ path: "charts/api", tool: "kustomize" })],
    });
    const found = targetsOf(charts, s);
    expect(found.absent).toEqual([0, 1]);
    expect(found.errors).toEqual([]);
    // The declared folder's detected target is replaced all the same.
    expect(found.targets.map((t) => t.dir)).toEqual(["charts/web"]);
  });
});

describe("files read up front", () => {
  it("are the kustomizations, Chart.yaml and requirements.yaml files", () => {
    expect(
      filesReadUpFront([
        "a/kustomization.yaml",
        "a/deploy.yaml",
        "b/Kustomization",
        "c/kustomization.yml",
        "charts/x/Chart.yaml",
        "charts/x/requirements.yaml",
        "charts/x/values.yaml",
        "chart.yaml",
      ]),
    ).toEqual([
      "a/kustomization.yaml",
      "b/Kustomization",
      "c/kustomization.yml",
      "charts/x/Chart.yaml",
      "charts/x/requirements.yaml",
    ]);
  });

  it("are all that detection reads (closures of kustomizations without plugin configs read no more)", () => {
    const repo = fixtureRepository("targets-kubebuilder");
    const found = targetsOf(repo);
    for (const target of found.targets) closureOf(target, repo.paths, repo.read);
    expect([...repo.reads].sort()).toEqual(filesReadUpFront(repo.paths));
  });
});
