import { describe, expect, it } from "vitest";
import { pullChartRoots } from "../../src/github/chart-roots.js";
import type { PullFile } from "../../src/github/pull-files.js";

const file = (filename: string, status: PullFile["status"], previousFilename?: string): PullFile => ({
  filename,
  status,
  previousFilename,
});

describe("pullChartRoots", () => {
  it("takes the head's charts from its tree, and the base's from them and the Chart.yaml files the change touches", () => {
    const roots = pullChartRoots(new Set(["kept", "added", "moved/to"]), [
      file("added/Chart.yaml", "added"),
      file("removed/Chart.yaml", "removed"),
      file("moved/to/Chart.yaml", "renamed", "moved/from/Chart.yaml"),
      file("kept/Chart.yaml", "modified"),
      file("kept/templates/svc.yaml", "modified"),
    ]);
    expect([...roots.head].sort()).toEqual(["added", "kept", "moved/to"]);
    expect([...roots.base].sort()).toEqual(["kept", "moved/from", "removed"]);
  });

  it("adds the charts the change names to a tree listed only in part", () => {
    const roots = pullChartRoots(new Set(), [file("big/Chart.yaml", "modified")]);
    expect([...roots.head]).toEqual(["big"]);
    expect([...roots.base]).toEqual(["big"]);
  });
});
