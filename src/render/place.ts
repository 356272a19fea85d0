// Moving a finding on rendered output to the source line that causes it, preferring a line the
// change touched: the reviewer is shown the line of the pull request that made the risk.

import type { Finding, Path, Side } from "../engine/types.js";
import type { Candidate } from "./candidates.js";
import { documentAt, type GeneratedManifest } from "./generated.js";
import { helmCandidates } from "./helm-lines.js";
import { kustomizeCandidates } from "./kustomize-lines.js";
import type { SourceFiles, SourceLimits } from "./sources.js";

/** A render target's output at both revisions, as the engine was given it. */
export interface RenderedTarget {
  tool: "kustomize" | "helm";
  /** Repository-relative directory of the kustomization or chart. */
  dir: string;
  /** For messages: "kustomize build of overlays/prod", "helm template of charts/web with values.yaml". */
  description: string;
  /** The file that defines the target (kustomization.yaml, Chart.yaml): where unplaceable findings go. */
  definition: string;
  /** Helm values files given with -f at each revision, repository-relative, in order. */
  valuesFiles: Record<Side, readonly string[]>;
  /** The target's input files at each revision. */
  files: Record<Side, readonly string[]>;
  output: { base?: GeneratedManifest; head?: GeneratedManifest };
}

/** The candidate a reviewer should see: one the change touched, else one that sets the field. */
export function choose(
  candidates: readonly Candidate[],
  touched: (c: Candidate) => boolean,
): Candidate | undefined {
  return candidates.find(touched) ?? candidates.find((c) => c.exact) ?? candidates[0];
}

export function placeFinding(
  finding: Finding,
  field: Path,
  target: RenderedTarget,
  sources: SourceFiles,
  limits: SourceLimits,
): Finding {
  const side = finding.side;
  const manifest = target.output[side];
  const document = manifest ? documentAt(manifest, finding.line) : undefined;
  const lookup = { sources, side, limits };
  let candidates: Candidate[] = [];
  if (document?.origin.tool === "kustomize")
    candidates = kustomizeCandidates(lookup, document.origin, target.dir, document.value, field);
  else if (manifest && document?.origin.tool === "helm" && document.origin.template) {
    const template = document.origin.template;
    candidates = helmCandidates(
      lookup,
      template,
      {
        dir: target.dir,
        valuesFiles: target.valuesFiles[side],
        templates: target.files[side].filter(
          (file) => file.includes("/templates/") || file.startsWith("templates/"),
        ),
      },
      document.value,
      field,
      // Which of the template's documents rendered it follows from its place among these.
      manifest.documents
        .filter((d) => d.origin.tool === "helm" && d.origin.template === template)
        .map((d) => d.value),
    );
  }
  const chosen = choose(candidates, (c) => sources.changedLines(side, c.file).has(c.line));
  const place = chosen ?? { file: target.definition, line: 1, exact: false };
  const why = place.exact
    ? ""
    : `; ${place.note ?? "no source line writes this field, the nearest is shown"}`;
  return {
    ...finding,
    file: place.file,
    line: place.line,
    message: `${finding.message} (rendered by ${target.description}${why})`,
    rendered: { target: target.dir, tool: target.tool },
  };
}
