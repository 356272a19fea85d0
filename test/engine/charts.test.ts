import { describe, expect, it } from "vitest";
import { chartOfTemplate, chartRootsIn } from "../../src/engine/charts.js";

describe("Helm chart templates", () => {
  const roots = chartRootsIn([
    "Chart.yaml",
    "charts/web/Chart.yaml",
    "charts/web/charts/db/Chart.yaml",
    "charts/web/values.yaml",
    "other/chart.yaml", // not Helm's name
  ]);

  it("finds the directories that hold a Chart.yaml", () => {
    expect([...roots].sort()).toEqual(["", "charts/web", "charts/web/charts/db"]);
  });

  it("a file under templates/ of the nearest chart above it is a template of that chart", () => {
    expect(chartOfTemplate("charts/web/templates/svc.yaml", roots)).toBe("charts/web/Chart.yaml");
    expect(chartOfTemplate("charts/web/templates/sub/svc.yaml", roots)).toBe("charts/web/Chart.yaml");
    expect(chartOfTemplate("charts/web/charts/db/templates/sts.yaml", roots)).toBe(
      "charts/web/charts/db/Chart.yaml",
    );
    expect(chartOfTemplate("templates/svc.yaml", roots)).toBe("Chart.yaml");
  });

  it("anything else is not, whatever its folder is called", () => {
    expect(chartOfTemplate("charts/web/values.yaml", roots)).toBeUndefined();
    expect(chartOfTemplate("charts/web/crds/crd.yaml", roots)).toBeUndefined();
    // The nearest chart is db, and this is not under db's templates/.
    expect(chartOfTemplate("charts/web/charts/db/extra/templates/x.yaml", roots)).toBeUndefined();
    expect(chartOfTemplate("other/templates/x.yaml", chartRootsIn(["other/chart.yaml"]))).toBeUndefined();
    expect(chartOfTemplate("deploy/templates/x.yaml", new Set())).toBeUndefined();
  });
});
