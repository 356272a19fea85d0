// Builtin plugin configs (apiVersion: builtin) listed under a kustomization's generators,
// transformers or validators can name files of their own, which kustomize reads through the
// listing kustomization's loader: a PatchTransformer's path, a ConfigMapGenerator's files, …
// (kustomize v5.5, api/internal/builtins). Plugins that are not builtin need kustomize's plugin
// flags, which rendering never passes; kustomize refuses them itself.

import { isObject, type Json } from "../engine/types.js";
import {
  type EntrySink,
  inlineYaml,
  readGeneratorSources,
  readObjects,
  readPath,
  readPaths,
} from "./kustomize-entries.js";

/** The file references of one builtin plugin config, by its kind. */
const BUILTIN_FILES: Readonly<Record<string, (config: Json, where: string, sink: EntrySink) => void>> = {
  PatchTransformer: (config, where, sink) => readPath(config, "path", where, sink),
  PatchJson6902Transformer: (config, where, sink) => readPath(config, "path", where, sink),
  PatchStrategicMergeTransformer: (config, where, sink) =>
    readStrategicMergePatches(config, "paths", where, sink),
  ReplacementTransformer: (config, where, sink) =>
    readObjects(config, "replacements", where, sink, (item, at) => readPath(item, "path", at, sink)),
  ConfigMapGenerator: readGeneratorSources,
  SecretGenerator: readGeneratorSources,
  ValueAddTransformer: (config, where, sink) => readPath(config, "targetFilePath", where, sink),
  HelmChartInflationGenerator: (_config, where, sink) => {
    sink.problems.push(`${where.replace(/\.$/, "")}: ${HELM_REFUSAL}`);
  },
};

export const HELM_REFUSAL =
  "inflates a Helm chart, which needs kustomize's --enable-helm and downloads the chart; KubeDelta never does either: declare the chart as a helm render target instead";

/**
 * Strategic-merge patch entries: each is a patch written inline or the path of a patch file (the
 * kustomization's `patchesStrategicMerge`, the builtin's `paths`).
 */
export function readStrategicMergePatches(object: Json, name: string, where: string, sink: EntrySink): void {
  const before = sink.references.length;
  readPaths(object, name, where, "file", sink);
  // Inline patches are text, not files.
  const added = sink.references.splice(before);
  sink.references.push(...added.filter((reference) => inlineYaml(reference.entry) === undefined));
}

/** The files the builtin plugin configs among `documents` name, `where` saying where they are. */
export function readBuiltinConfigs(documents: readonly Json[], where: string, sink: EntrySink): void {
  documents.forEach((document, i) => {
    // The group/version/kind of a plugin config is read by kyaml, key for key.
    if (!isObject(document) || document.apiVersion !== "builtin" || typeof document.kind !== "string") return;
    const read = Object.hasOwn(BUILTIN_FILES, document.kind) ? BUILTIN_FILES[document.kind] : undefined;
    const at =
      documents.length > 1 ? `${where} (document ${i + 1}) ${document.kind}.` : `${where} ${document.kind}.`;
    read?.(document, at, sink);
  });
}
