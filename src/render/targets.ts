// The render targets of one revision of a repository. Detected: every kustomization folder that no
// other kustomization of the repository includes (through resources, bases, components or plugin
// entries naming a folder): the overlays and top-level kustomizations, the ones that are deployed;
// a kustomization of kind Component is never one. And every Helm chart that is not a subchart
// (under another chart's charts/ folder) or a library chart. Declared targets (settings) replace
// the detected ones of their folder; with autoDetect off they are all there is.

import { posix } from "node:path";
import { compareStrings } from "../engine/text.js";
import {
  CHART_FILE,
  chartFileOf,
  isChartFile,
  isSubchart,
  readChart,
  valuesFileShown,
} from "./helm-chart.js";
import { isKustomizationFile, kustomizationFileIn, readKustomization } from "./kustomization.js";
import { isRemoteForKustomize } from "./remote-references.js";
import { dirOf, type ReadFile, type Repository, repositoryOf, resolvePath, shownDir } from "./repository.js";
import type { HelmOptions } from "./run.js";
import {
  DEFAULT_TARGET_OPTIONS,
  type RenderSettings,
  type RenderTargetSpec,
  type RenderTool,
} from "./settings.js";

interface TargetBase {
  /** The target's folder, repository-relative ("" for the root). */
  dir: string;
  /** For messages: "kustomize overlays/prod", "helm charts/web with values.yaml, values-prod.yaml". */
  name: string;
  /** The same target at both revisions has the same key. */
  key: string;
  /** Declared in the settings (else detected). */
  declared: boolean;
}

export interface KustomizeTarget extends TargetBase {
  tool: "kustomize";
}

export interface HelmTarget extends TargetBase {
  tool: "helm";
  options: HelmOptions;
}

export type RenderTarget = KustomizeTarget | HelmTarget;

export interface TargetsFound {
  targets: RenderTarget[];
  /** Declared targets that do not mean anything in this repository (both tools possible, helm options on a kustomization). */
  errors: string[];
  /** Indexes in settings.targets of declared targets whose folder holds no such target at this revision. */
  absent: number[];
}

/** The files target detection and closures read first: kustomizations, Chart.yaml and requirements.yaml. */
export function filesReadUpFront(paths: readonly string[]): string[] {
  return paths.filter(
    (path) => isKustomizationFile(path) || isChartFile(path) || posix.basename(path) === "requirements.yaml",
  );
}

/** Kustomization folders of a revision: which are Components, and which folders each one includes. */
function kustomizationGraph(repo: Repository): {
  dirs: string[];
  components: Set<string>;
  includes: Map<string, string[]>;
} {
  const dirs = [...new Set([...repo.tree.files].filter(isKustomizationFile).map(dirOf))].sort(compareStrings);
  const components = new Set<string>();
  const includes = new Map<string, string[]>();
  for (const dir of dirs) {
    const found = kustomizationFileIn(repo.tree, dir);
    const read = found && "file" in found ? repo.documents(found.file) : undefined;
    // A kustomization that cannot be read includes nothing we know of: it stays a root, and its
    // closure says what is wrong with it.
    if (!read || "error" in read) continue;
    const kustomization = readKustomization(read.documents[0]);
    if (kustomization.kind === "Component") components.add(dir);
    const included = kustomization.references
      .filter((reference) => reference.kind !== "file" && !isRemoteForKustomize(reference.entry))
      .map((reference) => resolvePath(dir, reference.entry))
      .filter(
        (path): path is string =>
          path !== undefined && path !== dir && kustomizationFileIn(repo.tree, path) !== undefined,
      );
    includes.set(dir, included);
  }
  return { dirs, components, includes };
}

/**
 * The deployable kustomization folders: those nothing includes, and then (so that no
 * kustomization goes unreviewed) one folder of each group that only includes itself, a cycle,
 * whose closure then reports the cycle.
 */
function kustomizeRoots(repo: Repository): string[] {
  const { dirs, components, includes } = kustomizationGraph(repo);
  const included = new Set([...includes.values()].flat());
  const roots = dirs.filter((dir) => !components.has(dir) && !included.has(dir));
  const reached = new Set<string>();
  const reach = (from: string) => {
    const stack = [from];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      if (reached.has(dir)) continue;
      reached.add(dir);
      stack.push(...(includes.get(dir) ?? []));
    }
  };
  roots.forEach(reach);
  for (const dir of dirs) {
    if (reached.has(dir) || components.has(dir)) continue;
    roots.push(dir);
    reach(dir);
  }
  return roots.sort(compareStrings);
}

function helmTarget(
  repo: Repository,
  dir: string,
  spec: RenderTargetSpec | undefined,
  key: string,
): HelmTarget {
  const read = readChart(repo, dir);
  // A Chart.yaml without a name still gets a target: its closure reports the error.
  const chartName = "chart" in read ? read.chart.name : undefined;
  const options = spec ?? { ...DEFAULT_TARGET_OPTIONS, path: dir };
  const valuesFiles = options.valuesFiles.map((file) => resolvePath(dir, file) as string);
  const defaultValues = dir === "" ? "values.yaml" : `${dir}/values.yaml`;
  const shownValues = [...(repo.tree.isFile(defaultValues) ? [defaultValues] : []), ...valuesFiles].map(
    (path) => valuesFileShown(dir, path),
  );
  const namespace = options.namespace === "default" ? "" : ` in namespace ${options.namespace}`;
  return {
    tool: "helm",
    dir,
    key,
    declared: spec !== undefined,
    name: `helm ${shownDir(dir)}${shownValues.length > 0 ? ` with ${shownValues.join(", ")}` : ""}${namespace}`,
    options: {
      releaseName: options.releaseName ?? chartName ?? posix.basename(dir === "" ? "release" : dir),
      namespace: options.namespace,
      kubeVersion: options.kubeVersion,
      apiVersions: [...options.apiVersions],
      valuesFiles,
      set: { ...options.set },
    },
  };
}

function kustomizeTarget(dir: string, key: string, declared: boolean): KustomizeTarget {
  return { tool: "kustomize", dir, key, declared, name: `kustomize ${shownDir(dir)}` };
}

/** The Helm options a declared target sets away from their defaults. */
function helmOptionsSet(spec: RenderTargetSpec): string[] {
  const defaults: Record<string, unknown> = DEFAULT_TARGET_OPTIONS;
  const set = Object.keys(defaults).filter(
    (key) => JSON.stringify(spec[key as keyof RenderTargetSpec]) !== JSON.stringify(defaults[key]),
  );
  return spec.releaseName === undefined ? set : ["releaseName", ...set];
}

/** A declared target at this revision: the target, an error, or absent. */
function declaredTarget(
  repo: Repository,
  spec: RenderTargetSpec,
  index: number,
): { target: RenderTarget } | { error: string } | "absent" {
  const dir = spec.path;
  const where = `render.targets[${index}] (${shownDir(dir)})`;
  const has: Record<RenderTool, boolean> = {
    kustomize: kustomizationFileIn(repo.tree, dir) !== undefined,
    helm: repo.tree.isFile(chartFileOf(dir)),
  };
  if (spec.tool === undefined && has.kustomize && has.helm)
    return {
      error: `${where}: the folder holds both a kustomization and a ${CHART_FILE}: set tool to kustomize or helm`,
    };
  const tool = spec.tool ?? (has.kustomize ? "kustomize" : has.helm ? "helm" : undefined);
  if (tool === undefined || !has[tool]) return "absent";
  const key = `${tool}:${shownDir(dir)}#${index}`;
  if (tool === "kustomize") {
    const helmOnly = helmOptionsSet(spec);
    if (helmOnly.length > 0)
      return { error: `${where}: is a kustomization; ${helmOnly.join(", ")} apply to helm targets only` };
    return { target: kustomizeTarget(dir, key, true) };
  }
  const read = readChart(repo, dir);
  if ("chart" in read && read.chart.type === "library")
    return { error: `${where}: is a library chart, which Helm does not render on its own` };
  return { target: helmTarget(repo, dir, spec, key) };
}

function detectedTargets(repo: Repository): RenderTarget[] {
  const kustomize = kustomizeRoots(repo).map((dir) =>
    kustomizeTarget(dir, `kustomize:${shownDir(dir)}`, false),
  );
  const chartDirs = new Set([...repo.tree.files].filter(isChartFile).map(dirOf));
  const helm = [...chartDirs]
    .filter((dir) => !isSubchart(dir, chartDirs))
    .filter((dir) => {
      const read = readChart(repo, dir);
      return !("chart" in read && read.chart.type === "library");
    })
    .map((dir) => helmTarget(repo, dir, undefined, `helm:${shownDir(dir)}`));
  return [...kustomize, ...helm];
}

/** The render targets of a revision (`paths`, read through `read`) under `settings`. */
export function findTargets(
  paths: readonly string[],
  read: ReadFile,
  settings: RenderSettings,
): TargetsFound {
  const found: TargetsFound = { targets: [], errors: [], absent: [] };
  if (!settings.enabled) return found;
  const repo = repositoryOf(paths, read);
  settings.targets.forEach((spec, index) => {
    const declared = declaredTarget(repo, spec, index);
    if (declared === "absent") found.absent.push(index);
    else if ("error" in declared) found.errors.push(declared.error);
    else found.targets.push(declared.target);
  });
  if (settings.autoDetect) {
    const declaredDirs = new Set(settings.targets.map((spec) => spec.path));
    found.targets.push(...detectedTargets(repo).filter((target) => !declaredDirs.has(target.dir)));
  }
  found.targets.sort((a, b) => compareStrings(a.dir, b.dir) || compareStrings(a.key, b.key));
  return found;
}
