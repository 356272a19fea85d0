// How much rendering a pull request needs, decided from paths alone (its file list, then the head
// tree's listing) so that a change no render reads costs no request for rendering. A render target
// reads only files in its own folder and below (Helm: the chart's folder and its declared values
// files; Kustomize: the kustomization's folder, plus other kustomization folders, each the folder of
// a kustomization file), so a changed file that lies below no folder holding a kustomization file or
// a Chart.yaml, and is no declared values file, is in no target's input closure.

import { isChartFile } from "../engine/charts.js";
import { isKustomizationFile } from "../render/kustomization.js";
import { dirOf, resolvePath } from "../render/repository.js";
import type { RenderSettings } from "../render/settings.js";
import type { PullFile } from "./pull-files.js";
import type { HeadTree } from "./revisions.js";

const DOCUMENTATION =
  /\.(md|markdown|mdx|rst|adoc|asciidoc)$|^(LICENSE|LICENCE|NOTICE|AUTHORS|CHANGELOG|CODEOWNERS)([.-][^/]*)?$/i;

const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const inFolder = (path: string, name: string) => path.startsWith(`${name}/`) || path.includes(`/${name}/`);

/**
 * Whether a render could read `path`, judged before the tree is listed: anything but documentation
 * and GitHub's own folder (.github/) could be one (a kustomize generator reads files of any name).
 */
export function mayFeedRender(path: string): boolean {
  if (path.startsWith(".github/")) return false;
  return inFolder(path, "templates") || !DOCUMENTATION.test(basename(path));
}

const HELM_FILES = new Set([
  "Chart.yaml",
  "Chart.lock",
  "requirements.yaml",
  "requirements.lock",
  ".helmignore",
]);

/** Whether `path` is named like a Kustomize or Helm input, for when the tree cannot be listed whole. */
export function looksLikeRenderInput(path: string): boolean {
  const name = basename(path);
  return (
    isKustomizationFile(path) ||
    HELM_FILES.has(name) ||
    /^values.*\.(ya?ml|json)$/i.test(name) ||
    name.endsWith(".tpl") ||
    inFolder(path, "templates") ||
    inFolder(path, "charts")
  );
}

export type RenderScope =
  /** No target can exist: review the plain manifests only, as without rendering. */
  | { kind: "none"; note?: string }
  /** The review renders; `touched` are the changed paths (either revision) some target may read. */
  | { kind: "render"; touched: Set<string> }
  /** Rendering is needed and impossible: the check fails with this reason. */
  | { kind: "refused"; reason: string };

const TRUNCATED = "the repository tree is too large for GitHub to list whole";

/** Folders holding a kustomization file or a Chart.yaml at either revision. */
function definitionFolders(tree: HeadTree, files: readonly PullFile[]): Set<string> {
  const folders = new Set<string>();
  const paths = [...tree.files.keys(), ...files.map((f) => f.previousFilename ?? f.filename)];
  for (const path of paths) if (isKustomizationFile(path) || isChartFile(path)) folders.add(dirOf(path));
  return folders;
}

function underAny(path: string, folders: ReadonlySet<string>): boolean {
  for (let dir = dirOf(path); ; dir = dirOf(dir)) {
    if (folders.has(dir)) return true;
    if (dir === "") return false;
  }
}

/** What rendering the pull request `files` needs, given the head tree. */
export function renderScope(
  tree: HeadTree,
  files: readonly PullFile[],
  settings: RenderSettings,
): RenderScope {
  const changed = files.flatMap((f) => [f.filename, ...(f.previousFilename ? [f.previousFilename] : [])]);
  if (tree.truncated) {
    const input = changed.find(looksLikeRenderInput);
    if (input !== undefined)
      return {
        kind: "refused",
        reason: `${TRUNCATED}: the Kustomize and Helm targets reading ${input} cannot be found (set render.enabled: false to review plain manifests only)`,
      };
    return {
      kind: "none",
      note: `Nothing was rendered: ${TRUNCATED}, so its Kustomize and Helm targets cannot be found; no changed file looks like one's input.`,
    };
  }
  if (!settings.autoDetect && settings.targets.length === 0) return { kind: "none" };
  const folders = definitionFolders(tree, files);
  if (folders.size === 0 && settings.targets.length === 0) return { kind: "none" };
  const declaredValues = new Set(
    settings.targets.flatMap((spec) =>
      spec.valuesFiles.flatMap((file) => resolvePath(spec.path, file) ?? []),
    ),
  );
  const touched = new Set(changed.filter((path) => declaredValues.has(path) || underAny(path, folders)));
  return { kind: "render", touched };
}
