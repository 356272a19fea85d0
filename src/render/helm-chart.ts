// Helm charts as rendering needs them: what Chart.yaml says (name, type, declared dependencies),
// which charts are subcharts, and a chart's input closure. Helm reads Chart.yaml through
// sigs.k8s.io/yaml into Go structs, so its fields are matched as encoding/json matches them
// (go-fields.ts). Helm loads every file under the chart's folder (templates, values, helpers,
// files read with .Files, vendored dependencies in charts/), so the closure is that folder, whole:
// .helmignore is not applied here, which can only make a target count as touched by a file Helm
// ignores.

import { posix } from "node:path";
import { isObject, type Json } from "../engine/types.js";
import { goField } from "./go-fields.js";
import type { Closure } from "./kustomize-closure.js";
import { dirOf, isWithin, type Repository, shownDir } from "./repository.js";

export const CHART_FILE = "Chart.yaml";

export function isChartFile(path: string): boolean {
  return posix.basename(path) === CHART_FILE;
}

export function chartFileOf(dir: string): string {
  return dir === "" ? CHART_FILE : `${dir}/${CHART_FILE}`;
}

export interface ChartMetadata {
  name?: string;
  /** "application" (the default) or "library" (never rendered on its own). */
  type: string;
  /** Names of the declared dependencies (Chart.yaml, or requirements.yaml of apiVersion v1 charts). */
  dependencies: string[];
}

const stringField = (object: Json, name: string): string | undefined => {
  const value = goField(object, name);
  return typeof value === "string" && value !== "" ? value : undefined;
};

function dependencyNames(document: Json): string[] {
  const list = goField(document, "dependencies");
  if (!Array.isArray(list)) return [];
  return list.map((entry) => stringField(entry, "name")).filter((name) => name !== undefined);
}

/** What the Chart.yaml of folder `dir` says, or why it cannot be read. */
export function readChart(repo: Repository, dir: string): { chart: ChartMetadata } | { error: string } {
  const file = chartFileOf(dir);
  const read = repo.documents(file);
  if ("error" in read) return read;
  const document = read.documents[0];
  if (!isObject(document)) return { error: `${file}: must be a mapping` };
  const dependencies = dependencyNames(document);
  // apiVersion v1 charts declared their dependencies in requirements.yaml.
  const requirements = dir === "" ? "requirements.yaml" : `${dir}/requirements.yaml`;
  if (stringField(document, "apiVersion") === "v1" && repo.tree.isFile(requirements)) {
    const more = repo.documents(requirements);
    if ("error" in more) return more;
    dependencies.push(...dependencyNames(more.documents[0]));
  }
  return {
    chart: {
      name: stringField(document, "name"),
      type: stringField(document, "type") ?? "application",
      dependencies,
    },
  };
}

/** Whether the chart in `dir` is a subchart: it lies in the charts/ folder of another chart of `chartDirs`. */
export function isSubchart(dir: string, chartDirs: ReadonlySet<string>): boolean {
  for (let parent = dirOf(dir); ; parent = dirOf(parent)) {
    if (chartDirs.has(parent) && isWithin(dir, parent === "" ? "charts" : `${parent}/charts`)) return true;
    if (parent === "") return false;
  }
}

/**
 * The declared dependencies of a chart that its charts/ folder does not hold, by Helm's rule (a
 * subchart matches by the name in its own Chart.yaml). A packaged subchart (.tgz) is matched by
 * its file name, `name-version.tgz` as `helm dependency build` writes it; when one cannot be
 * matched that way nothing is reported missing, and Helm itself says what is.
 */
function missingDependencies(repo: Repository, dir: string, declared: readonly string[]): string[] {
  const chartsDir = dir === "" ? "charts" : `${dir}/charts`;
  const vendored = new Set<string>();
  const archives: string[] = [];
  for (const path of repo.tree.filesUnder(chartsDir)) {
    const inner = path.slice(chartsDir.length + 1);
    if (!inner.includes("/") && inner.endsWith(".tgz")) archives.push(inner);
    if (inner.split("/").length === 2 && isChartFile(inner)) {
      const sub = readChart(repo, dirOf(path));
      if ("chart" in sub && sub.chart.name) vendored.add(sub.chart.name);
    }
  }
  const packages = (archive: string, name: string) =>
    archive.startsWith(`${name}-`) && /^v?\d/.test(archive.slice(name.length + 1));
  if (archives.some((archive) => !declared.some((name) => packages(archive, name)))) return [];
  return declared.filter(
    (name) => !vendored.has(name) && !archives.some((archive) => packages(archive, name)),
  );
}

/** The input closure of the chart in `dir` rendered with `valuesFiles` (repository paths). */
export function helmClosure(repo: Repository, dir: string, valuesFiles: readonly string[]): Closure {
  const errors: string[] = [];
  const files = new Set(repo.tree.filesUnder(dir));
  const read = readChart(repo, dir);
  if ("error" in read) errors.push(read.error);
  else {
    for (const name of [...new Set(missingDependencies(repo, dir, read.chart.dependencies))])
      errors.push(
        `${chartFileOf(dir)}: declares dependency ${name}, not vendored in ${shownDir(dir)}/charts/: run helm dependency build and commit charts/ — KubeDelta never downloads charts`,
      );
  }
  for (const path of valuesFiles) {
    if (repo.tree.isFile(path)) files.add(path);
    else errors.push(`values file ${path} of helm ${shownDir(dir)} does not exist`);
  }
  return { files: [...files].sort(), errors };
}

/** A values file of a chart as its target's messages show it: relative to the chart's folder. */
export function valuesFileShown(dir: string, path: string): string {
  return posix.relative(dir === "" ? "." : dir, path);
}
