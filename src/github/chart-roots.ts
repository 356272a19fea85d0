// Where the Helm charts of a pull request are on each side, so that chart templates are never read
// as manifests (engine/charts.ts). The head tree listing, already fetched for the repository
// context, gives the head's charts. The base's differ only by the Chart.yaml files the pull request
// adds, removes or renames, and its file list names every one of them: no second listing needed.

import { chartRootsIn, isChartFile } from "../engine/charts.js";
import type { PullFile } from "./pull-files.js";

export function pullChartRoots(
  headTree: ReadonlySet<string>,
  files: readonly PullFile[],
): { base: Set<string>; head: Set<string> } {
  const headOnly: string[] = [];
  const baseOnly: string[] = [];
  const inHead: string[] = [];
  for (const file of files) {
    const before = file.previousFilename ?? file.filename;
    if (file.status !== "removed" && isChartFile(file.filename)) inHead.push(file.filename);
    if (file.status === "added" || file.status === "copied") headOnly.push(file.filename);
    else if (file.status === "removed") baseOnly.push(file.filename);
    else if (before !== file.filename) {
      headOnly.push(file.filename);
      baseOnly.push(before);
    }
  }
  // A tree too large to list whole may miss a chart that the file list shows.
  const head = new Set([...headTree, ...chartRootsIn(inHead)]);
  const base = new Set(head);
  for (const root of chartRootsIn(headOnly)) base.delete(root);
  for (const root of chartRootsIn(baseOnly)) base.add(root);
  return { base, head };
}
