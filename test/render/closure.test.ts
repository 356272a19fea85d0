import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  affectedTargets,
  isRenderInput,
  pairRevisions,
  renderInputs,
  resolveTargets,
} from "../../src/render/affected.js";
import { bundledHelm } from "../../src/render/bundled-helm.js";
import { closureOf, inputBytesOf, sizeFromRead } from "../../src/render/closure.js";
import type { RenderSettings } from "../../src/render/settings.js";
import { findTargets, type HelmTarget, type RenderTarget } from "../../src/render/targets.js";
import {
  changedRepository,
  FIXTURES,
  fixtureRepository,
  inlineRepository,
  renderSettings,
  type TestRepository,
  targetSpec,
} from "./fixtures/targets-repository.js";

const run = promisify(execFile);
const settings = renderSettings;

function target(repo: TestRepository, name: string, s: RenderSettings = settings()): RenderTarget {
  const found = findTargets(repo.paths, repo.read, s).targets.find((t) => t.name === name);
  if (!found) throw new Error(`no target ${name}`);
  return found;
}

const closure = (repo: TestRepository, name: string, s?: RenderSettings) =>
  closureOf(target(repo, name, s), repo.paths, repo.read);

/** The errors of the closure of the kustomization in `dir` of an inline repository. */
const errorsOf = (files: Record<string, string>, dir: string) => {
  const repo = inlineRepository(files);
  return closureOf({ tool: "kustomize", dir, key: dir, name: dir, declared: true }, repo.paths, repo.read)
    .errors;
};

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding exactly `files` of a fixture (or the given contents). */
function copyOf(fixture: string, files: readonly string[], contents: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "kubedelta-closure-"));
  temporary.push(root);
  for (const path of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    if (path in contents) writeFileSync(join(root, path), contents[path]);
    else copyFileSync(join(FIXTURES, fixture, path), join(root, path));
  }
  return root;
}

async function kustomize(root: string, dir: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run("kubectl", ["kustomize", join(root, dir)], { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr ?? error) };
  }
}

describe("the closure of a kustomization", () => {
  it("a kubebuilder config/default: its kustomization and exactly what it and its bases reference", () => {
    const repo = fixtureRepository("targets-kubebuilder");
    expect(closure(repo, "kustomize config/default")).toEqual({
      files: [
        "config/crd/bases/apps.example.com_widgets.yaml",
        "config/crd/kustomization.yaml",
        "config/crd/kustomizeconfig.yaml",
        "config/default/kustomization.yaml",
        "config/default/manager_metrics_patch.yaml",
        "config/default/manager_webhook_patch.yaml",
        "config/default/metrics_service.yaml",
        "config/manager/controller_manager_config.yaml",
        "config/manager/kustomization.yaml",
        "config/manager/manager.yaml",
        "config/rbac/kustomization.yaml",
        "config/rbac/leader_election_role.yaml",
        "config/rbac/leader_election_role_binding.yaml",
        "config/rbac/role.yaml",
        "config/rbac/role_binding.yaml",
        "config/rbac/service_account.yaml",
        "config/rbac/widget_editor_role.yaml",
        "config/webhook/kustomization.yaml",
        "config/webhook/kustomizeconfig.yaml",
        "config/webhook/manifests.yaml",
        "config/webhook/service.yaml",
      ],
      errors: [],
    });
  });

  it("an overlay with a component: the base, its generators' files (path and key=path), the component's resource and patches", () => {
    expect(closure(fixtureRepository("targets-overlays"), "kustomize overlays/dev")).toEqual({
      files: [
        "base/config/app.properties",
        "base/config/defaults.env",
        "base/config/nginx.conf",
        "base/deployment.yaml",
        "base/kustomization.yaml",
        "base/service.yaml",
        "components/monitoring/kustomization.yaml",
        // patchesStrategicMerge: the file entry; the inline patch is text.
        "components/monitoring/scrape-annotations.yaml",
        "components/monitoring/service-monitor.yaml",
        "overlays/dev/kustomization.yaml",
      ],
      errors: [],
    });
  });

  it("a component patch, a secret generator's envs and a replacements file", () => {
    const files = closure(fixtureRepository("targets-overlays"), "kustomize overlays/staging").files;
    expect(files.filter((path) => !path.startsWith("base/"))).toEqual([
      "components/hostpath-cache/hostpath-patch.yaml",
      "components/hostpath-cache/kustomization.yaml",
      "overlays/staging/credentials.env",
      "overlays/staging/kustomization.yaml",
      "overlays/staging/replacements.yaml",
    ]);
  });

  it("an overlay of an overlay: crds, configurations, openapi, JSON 6902 patches, builtin generator and transformer configs and the files they name", () => {
    const files = closure(fixtureRepository("targets-overlays"), "kustomize overlays/prod-eu").files;
    expect(files.filter((path) => path.startsWith("overlays/"))).toEqual([
      "overlays/prod-eu/kustomization.yaml",
      "overlays/prod/cluster-reader.yaml",
      "overlays/prod/crds/widget-crd.json",
      "overlays/prod/kustomization.yaml",
      "overlays/prod/name-references.yaml",
      // Named by the inline PatchTransformer under transformers.
      "overlays/prod/probe-patch.yaml",
      "overlays/prod/release-notes-generator.yaml",
      // Named by the ConfigMapGenerator config under generators (NOTES.txt=release/notes.txt).
      "overlays/prod/release/notes.txt",
      "overlays/prod/replicas-patch.yaml",
      "overlays/prod/schema/openapi.json",
      "overlays/prod/team-labels.yaml",
    ]);
  });

  // The proof that a closure is complete: kustomize builds the target from a copy holding only
  // the closure's files, to the same output as from the whole repository.
  const kustomizeTargets = [
    ["targets-kubebuilder", "config/default"],
    ["targets-kubebuilder", "config/samples"],
    ["targets-overlays", "overlays/dev"],
    ["targets-overlays", "overlays/staging"],
    ["targets-overlays", "overlays/prod-eu"],
  ] as const;

  it.each(kustomizeTargets)(
    "%s %s: kustomize builds the closure alone to the same output",
    async (fixture, dir) => {
      const repo = fixtureRepository(fixture);
      const { files, errors } = closure(repo, `kustomize ${dir}`);
      expect(errors).toEqual([]);
      const [whole, alone] = await Promise.all([
        kustomize(join(FIXTURES, fixture), dir),
        kustomize(copyOf(fixture, files), dir),
      ]);
      expect(whole.ok).toBe(true);
      expect(alone).toEqual(whole);
    },
  );

  it("and needs every file of it: without any one of them, kustomize fails", async () => {
    const repo = fixtureRepository("targets-overlays");
    const { files } = closure(repo, "kustomize overlays/staging");
    const builds = await Promise.all(
      files.map(async (left) => ({
        left,
        build: await kustomize(
          copyOf(
            "targets-overlays",
            files.filter((f) => f !== left),
          ),
          "overlays/staging",
        ),
      })),
    );
    expect(builds.filter(({ build }) => build.ok).map(({ left }) => left)).toEqual([]);
  });
});

describe("refused kustomizations", () => {
  const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";

  it("remote bases and files: KubeDelta never fetches", () => {
    expect(
      errorsOf(
        {
          "app/kustomization.yaml": [
            "resources:",
            "- github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v5.5.0",
            "- https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.13.0",
            "- git@github.com:example/platform.git//base",
            "- git::https://gitlab.com/example/platform.git//base",
            "- gitlab.com/example/platform//base?ref=main",
            "- https://raw.githubusercontent.com/example/platform/main/cm.yaml",
            "patches:",
            "- path: https://example.com/patch.yaml",
          ].join("\n"),
        },
        "app",
      ),
    ).toEqual([
      'app/kustomization.yaml: resources[0]: "github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v5.5.0" is a remote reference; KubeDelta never fetches: vendor it into the repository',
      'app/kustomization.yaml: resources[1]: "https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.13.0" is a remote reference; KubeDelta never fetches: vendor it into the repository',
      'app/kustomization.yaml: resources[2]: "git@github.com:example/platform.git//base" is a remote reference; KubeDelta never fetches: vendor it into the repository',
      'app/kustomization.yaml: resources[3]: "git::https://gitlab.com/example/platform.git//base" is a remote reference; KubeDelta never fetches: vendor it into the repository',
      'app/kustomization.yaml: resources[4]: "gitlab.com/example/platform//base?ref=main" is not in the repository and looks like a remote reference; KubeDelta never fetches: vendor it into the repository',
      'app/kustomization.yaml: resources[5]: "https://raw.githubusercontent.com/example/platform/main/cm.yaml" is a remote reference; KubeDelta never fetches: vendor it into the repository',
      'app/kustomization.yaml: patches[0].path: "https://example.com/patch.yaml" is a remote reference; KubeDelta never fetches: vendor it into the repository',
    ]);
  });

  it("helmCharts and helmChartInflationGenerator, in the kustomization or as a generator config", () => {
    expect(
      errorsOf(
        {
          "app/kustomization.yaml":
            "helmCharts:\n- name: redis\n  repo: https://charts.bitnami.com/bitnami\n  version: 17.3.2\ngenerators:\n- redis-chart.yaml\n",
          "app/redis-chart.yaml":
            "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: redis}\nname: redis\nrepo: https://charts.bitnami.com/bitnami\n",
        },
        "app",
      ),
    ).toEqual([
      "app/kustomization.yaml: helmCharts: inflates a Helm chart, which needs kustomize's --enable-helm and downloads the chart; KubeDelta never does either: declare the chart as a helm render target instead",
      "app/kustomization.yaml: generators[0] (app/redis-chart.yaml) HelmChartInflationGenerator: inflates a Helm chart, which needs kustomize's --enable-helm and downloads the chart; KubeDelta never does either: declare the chart as a helm render target instead",
    ]);
  });

  it("paths leaving the repository, absolute paths, and files outside the kustomization's folder", () => {
    expect(
      errorsOf(
        {
          "app/kustomization.yaml":
            "resources:\n- ../../outside\n- /etc/kubernetes/admin.yaml\n- ../shared/cm.yaml\n- ../shared\n",
          "shared/cm.yaml": cm,
          "shared/kustomization.yaml": "resources: [cm.yaml]\n",
        },
        "app",
      ),
    ).toEqual([
      'app/kustomization.yaml: resources[0]: "../../outside" leaves the repository',
      'app/kustomization.yaml: resources[1]: "/etc/kubernetes/admin.yaml" is an absolute path; use a relative one',
      'app/kustomization.yaml: resources[2]: "../shared/cm.yaml" is outside app: kustomize loads files only from a kustomization\'s folder and below (a folder with its own kustomization can be included from anywhere)',
    ]);
  });

  it("missing files and folders, a folder without a kustomization, a folder where a file belongs", () => {
    expect(
      errorsOf(
        {
          "app/kustomization.yaml":
            "resources:\n- gone.yaml\n- ../plain\ncomponents:\n- ../nowhere\nconfigMapGenerator:\n- name: c\n  files: [settings=conf/missing.ini]\n  envs: [conf]\n",
          "app/conf/x.env": "A=1\n",
          "plain/cm.yaml": cm,
        },
        "app",
      ),
    ).toEqual([
      'app/kustomization.yaml: resources[0]: "gone.yaml" does not exist',
      "app/kustomization.yaml: resources[1]: plain has no kustomization.yaml, kustomization.yml or Kustomization",
      'app/kustomization.yaml: components[0]: "../nowhere" does not exist',
      'app/kustomization.yaml: configMapGenerator[0].files[0]: "conf/missing.ini" does not exist',
      'app/kustomization.yaml: configMapGenerator[0].envs[0]: "conf" is a folder; a file is expected',
    ]);
  });

  it("cycles, through other folders or through a folder that contains the one being built", () => {
    expect(
      errorsOf(
        {
          "a/kustomization.yaml": "resources: [../b]\n",
          "b/kustomization.yaml": "resources: [../c]\n",
          "c/kustomization.yaml": "resources: [../a]\n",
        },
        "a",
      ),
    ).toEqual(["c/kustomization.yaml: resources[0]: cycle: a → b → c → a"]);
    expect(
      errorsOf(
        { "kustomization.yaml": "resources: []\n", "apps/web/kustomization.yaml": "resources: [../..]\n" },
        "apps/web",
      ),
    ).toEqual([
      "apps/web/kustomization.yaml: resources[0]: cycle: apps/web → . (. contains apps/web; kustomize refuses a folder that contains one it is building)",
    ]);
  });

  it("components that are no Component, Components under resources, several kustomization files in a folder", () => {
    expect(
      errorsOf(
        {
          "app/kustomization.yaml": "resources: [../comp]\ncomponents: [../plain, ../twice]\n",
          "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
          "plain/kustomization.yaml": "resources: []\n",
          "twice/kustomization.yaml": "kind: Component\n",
          "twice/kustomization.yml": "kind: Component\n",
        },
        "app",
      ),
    ).toEqual([
      "app/kustomization.yaml: resources[0]: comp is a Component: kustomize takes it under components only",
      "app/kustomization.yaml: components[0]: plain is listed under components but is not a kustomization of kind Component",
      "app/kustomization.yaml: components[1]: twice/kustomization.yaml, twice/kustomization.yml: kustomize refuses a folder with several kustomization files",
    ]);
  });

  it("fields of the wrong shape, as kustomize refuses them", () => {
    expect(
      errorsOf(
        {
          "app/kustomization.yaml":
            "resources: cm.yaml\npatches:\n- patch.yaml\nconfigMapGenerator:\n- name: c\n  files: [a=b=c, =x]\n",
        },
        "app",
      ),
    ).toEqual([
      "app/kustomization.yaml: resources: must be a list of paths",
      "app/kustomization.yaml: patches[0]: must be a mapping",
      "app/kustomization.yaml: configMapGenerator[0].files[0]: key names or file paths cannot contain '='",
      "app/kustomization.yaml: configMapGenerator[0].files[1]: must be path or key=path",
    ]);
  });
});

describe("a kustomization read as kustomize reads it", () => {
  // Keys that differ only in case (or by Unicode folding) are one field for kustomize, the last in
  // sorted key order winning; checked against kustomize itself.
  const variants = [
    "resources:\n- first.yaml\nRESOURCES:\n- second.yaml\n",
    "RESOURCES:\n- second.yaml\nresources:\n- first.yaml\n",
    "ReSources:\n- first.yaml\nRESOURCES:\n- second.yaml\n",
    "reſources:\n- second.yaml\n",
    "resources:\n- first.yaml\n---\nresources:\n- second.yaml\n",
  ];

  it.each(variants)("%j: the closure holds the file kustomize builds", async (text) => {
    const files = {
      "app/kustomization.yaml": text,
      "app/first.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n",
      "app/second.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: second}\n",
    };
    const repo = inlineRepository(files);
    const { files: closureFiles, errors } = closureOf(
      { tool: "kustomize", dir: "app", key: "app", name: "app", declared: true },
      repo.paths,
      repo.read,
    );
    expect(errors).toEqual([]);
    const built = await kustomize(copyOf("", Object.keys(files), files), "app");
    expect(built.ok).toBe(true);
    const name = /name: (\w+)/.exec(built.output)?.[1];
    expect(closureFiles).toEqual([`app/${name}.yaml`, "app/kustomization.yaml"].sort());
  });
});

describe("the closure of a Helm chart", () => {
  const charts = fixtureRepository("targets-charts");
  const declared = settings({
    targets: [
      targetSpec({
        path: "charts/web",
        valuesFiles: ["values-prod.yaml", "../../environments/prod/web-values.yaml"],
      }),
    ],
  });

  it("every file of the chart's folder (templates, helpers, .Files, vendored subcharts, .helmignore) and its values files", () => {
    const web = closure(
      charts,
      "helm charts/web with values.yaml, values-prod.yaml, ../../environments/prod/web-values.yaml",
      declared,
    );
    expect(web).toEqual({
      files: [
        "charts/web/.helmignore",
        "charts/web/Chart.lock",
        "charts/web/Chart.yaml",
        "charts/web/charts/common/Chart.yaml",
        "charts/web/charts/common/templates/_labels.tpl",
        "charts/web/charts/redis-17.3.2.tgz",
        "charts/web/files/nginx.conf",
        "charts/web/templates/NOTES.txt",
        "charts/web/templates/_helpers.tpl",
        "charts/web/templates/configmap.yaml",
        "charts/web/templates/deployment.yaml",
        "charts/web/values-prod.yaml",
        "charts/web/values.yaml",
        "environments/prod/web-values.yaml",
      ],
      errors: [],
    });
    expect(closure(charts, "helm charts/api with values.yaml").files).toEqual([
      "charts/api/Chart.yaml",
      "charts/api/templates/deployment.yaml",
      "charts/api/values.yaml",
    ]);
  });

  it("helm template renders the closure alone to the same output", async () => {
    const helm = await bundledHelm();
    if (!helm.ok) throw new Error(helm.reason);
    const t = target(
      charts,
      "helm charts/web with values.yaml, values-prod.yaml, ../../environments/prod/web-values.yaml",
      declared,
    ) as HelmTarget;
    const { files } = closureOf(t, charts.paths, charts.read);
    const template = (root: string) =>
      run(helm.path, [
        "template",
        t.options.releaseName,
        join(root, t.dir),
        ...t.options.valuesFiles.flatMap((f) => ["-f", join(root, f)]),
      ]);
    const [whole, alone] = await Promise.all([
      template(join(FIXTURES, "targets-charts")),
      template(copyOf("targets-charts", files)),
    ]);
    expect(alone.stdout).toContain("kind: StatefulSet"); // the vendored redis, enabled by values-prod.yaml
    expect(alone.stdout).toBe(whole.stdout);
  });

  it("a declared dependency not vendored in charts/ is an error; the chart's other files are still its closure", () => {
    const head = changedRepository(charts, { "charts/web/charts/redis-17.3.2.tgz": null });
    expect(closure(head, "helm charts/web with values.yaml")).toMatchObject({
      errors: [
        "charts/web/Chart.yaml: declares dependency redis, not vendored in charts/web/charts/: run helm dependency build and commit charts/ — KubeDelta never downloads charts",
      ],
    });
  });

  it("dependencies of apiVersion v1 charts come from requirements.yaml; a missing values file is an error", () => {
    const repo = inlineRepository({
      "legacy/Chart.yaml": "apiVersion: v1\nname: legacy\nversion: 1.0.0\n",
      "legacy/requirements.yaml":
        "dependencies:\n- name: mariadb\n  version: 7.x.x\n  repository: https://charts.example.com\n",
      "legacy/charts/mariadb/Chart.yaml": "apiVersion: v1\nname: mariadb\nversion: 7.3.1\n",
      "legacy/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    });
    expect(closure(repo, "helm legacy").errors).toEqual([]);
    const s = settings({
      targets: [targetSpec({ path: "legacy", valuesFiles: ["values-prod.yaml"] })],
    });
    expect(closure(repo, "helm legacy with values-prod.yaml", s).errors).toEqual([
      "values file legacy/values-prod.yaml of helm legacy does not exist",
    ]);
    const missing = changedRepository(repo, { "legacy/charts/mariadb/Chart.yaml": null });
    expect(closure(missing, "helm legacy").errors).toHaveLength(1);
  });
});

describe("affected targets", () => {
  const overlays = fixtureRepository("targets-overlays");
  const charts = fixtureRepository("targets-charts");

  function change(base: TestRepository, changes: Record<string, string | null>) {
    const head = changedRepository(base, changes);
    const s = settings();
    const paired = pairRevisions(
      resolveTargets(base.paths, base.read, s),
      resolveTargets(head.paths, head.read, s),
      s,
    );
    return { paired, affected: affectedTargets(Object.keys(changes), paired.targets).map((t) => t.key) };
  }

  it("a one-file change to a shared base: every overlay over it, nothing else", () => {
    const { affected, paired } = change(overlays, {
      "base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\n",
    });
    expect(affected).toEqual([
      "kustomize:overlays/dev",
      "kustomize:overlays/prod-eu",
      "kustomize:overlays/staging",
    ]);
    expect(paired.errors).toEqual([]);
  });

  it("a component's patch: only the overlay using the component", () => {
    expect(
      change(overlays, { "components/hostpath-cache/hostpath-patch.yaml": "# emptied\n" }).affected,
    ).toEqual(["kustomize:overlays/staging"]);
  });

  it("files no target reads (a README, an unused component) affect nothing", () => {
    expect(
      change(overlays, {
        "base/README.md": "changed\n",
        "components/debug-tools/debug-sidecar.yaml": "x: 1\n",
      }).affected,
    ).toEqual([]);
  });

  it("a values.yaml change: only its chart", () => {
    expect(change(charts, { "charts/web/values.yaml": "replicaCount: 3\n" }).affected).toEqual([
      "helm:charts/web",
    ]);
  });

  it("a deleted file is in the base revision's closure; an added overlay exists at the head only", () => {
    const { affected, paired } = change(overlays, {
      "base/config/nginx.conf": null,
      "overlays/qa/kustomization.yaml": "resources: [../../base]\nnamespace: shop-qa\n",
    });
    expect(affected).toEqual([
      "kustomize:overlays/dev",
      "kustomize:overlays/prod-eu",
      "kustomize:overlays/qa",
      "kustomize:overlays/staging",
    ]);
    const qa = paired.targets.find((t) => t.key === "kustomize:overlays/qa");
    expect(qa?.base).toBeUndefined();
    // The head revision's closures name the deleted file as missing.
    expect(paired.errors).toEqual([]);
    expect(paired.targets.find((t) => t.key === "kustomize:overlays/dev")?.head?.closure.errors).toEqual([
      'base/kustomization.yaml: configMapGenerator[0].files[1]: "config/nginx.conf" does not exist',
    ]);
  });

  it("a declared target at neither revision is an error of the pairing", () => {
    const s = settings({
      targets: [targetSpec({ path: "charts/gone" })],
    });
    const revision = resolveTargets(charts.paths, charts.read, s);
    expect(pairRevisions(revision, revision, s).errors).toEqual([
      "render.targets[0] (charts/gone): the folder holds no kustomization or Chart.yaml at either revision",
    ]);
  });

  it("closure files are render inputs, reviewed through the renders rather than as plain manifests", () => {
    const { paired } = change(overlays, {});
    const inputs = renderInputs(paired.targets);
    expect(isRenderInput("base/deployment.yaml", inputs)).toBe(true);
    expect(isRenderInput("components/hostpath-cache/hostpath-patch.yaml", paired.targets)).toBe(true);
    expect(isRenderInput("base/README.md", inputs)).toBe(false);
    // An unused component's patch is no render input: the engine judges it as it always has.
    expect(isRenderInput("components/debug-tools/debug-sidecar.yaml", inputs)).toBe(false);
  });

  it("input bytes: the sizes of the closure's files", () => {
    const { files } = closure(charts, "helm charts/api with values.yaml");
    expect(inputBytesOf(files, sizeFromRead(charts.read))).toBe(
      files.reduce((sum, path) => sum + (charts.read(path) as Uint8Array).byteLength, 0),
    );
    expect(inputBytesOf(files, () => 100)).toBe(300);
  });
});
