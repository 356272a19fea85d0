// Helm chart templates only become manifests once Helm renders them, so they are never read as
// manifests. Which files they are follows from where they sit, never from how they look: a file
// under the `templates/` folder of a chart, the nearest directory above it with a Chart.yaml (as
// Helm nests subcharts). A `{{` anywhere else is read like any other text, as kubectl reads it.

import { posix } from "node:path";

const CHART_FILE = "Chart.yaml";

/** A path's directory, "" for the root. */
function dirOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
}

/** Whether `path` is a chart's Chart.yaml (what makes its directory a chart root). */
export function isChartFile(path: string): boolean {
  return posix.basename(path) === CHART_FILE;
}

/** The directories (relative, "" for the root) that hold a Chart.yaml among `paths`. */
export function chartRootsIn(paths: Iterable<string>): Set<string> {
  const roots = new Set<string>();
  for (const path of paths) if (isChartFile(path)) roots.add(dirOf(path));
  return roots;
}

/** The Chart.yaml whose template `path` is, or undefined when it is not a chart template. */
export function chartOfTemplate(path: string, roots: ReadonlySet<string>): string | undefined {
  if (roots.size === 0) return undefined;
  for (let dir = dirOf(path); ; dir = dirOf(dir)) {
    if (roots.has(dir)) {
      const prefix = dir === "" ? "" : `${dir}/`;
      return path.startsWith(`${prefix}templates/`) ? `${prefix}${CHART_FILE}` : undefined;
    }
    if (dir === "") return undefined;
  }
}
