// The files of a tree that the engine reads as manifests, and where the tree's Helm charts are.

import { chartRootsIn } from "../engine/charts.js";
import type { FileContent } from "../engine/files.js";
import { isSymlink } from "../render/revision.js";
import type { ListedTree } from "./listed-tree.js";

export interface ManifestFiles {
  files: Map<string, FileContent>;
  /** The directories with a Chart.yaml (see engine/charts.ts), whatever `wanted` says of it. */
  chartRoots: Set<string>;
}

/** The regular files of `tree` that `wanted` accepts (a symbolic link holds no manifest text). */
export async function manifestsOf(
  tree: ListedTree,
  wanted: (path: string) => boolean,
): Promise<ManifestFiles> {
  const contents = await tree.read(tree.paths.filter((path) => wanted(path) && !tree.links.has(path)));
  const files = new Map<string, FileContent>();
  // A file that became a link since the tree was listed is no manifest either.
  for (const [path, content] of contents) if (!isSymlink(content)) files.set(path, content);
  return { files, chartRoots: chartRootsIn(tree.paths) };
}
