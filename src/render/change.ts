// Rendering a change: every render target the change touches, rendered at both revisions with the
// real tools (through the cache), its output handed to the engine as generated manifests, and the
// findings on them placed back on source lines. The files rendering reads are never reviewed as
// plain manifests: a base's Deployment is judged as the overlays deploy it, a patch is not an object.

import { availableParallelism } from "node:os";
import { isUnreadable } from "../engine/files.js";
import type { GeneratedFiles } from "../engine/inputs.js";
import { compareStrings } from "../engine/text.js";
import type { InputError, Side, Skipped } from "../engine/types.js";
import { withBuildMetadata } from "./build-metadata.js";
import { type GeneratedManifest, generatedManifest, generatedPath } from "./generated.js";
import { type RenderOutput, readHelmOutput, readKustomizeOutput } from "./output.js";
import { placeFinding, type RenderedTarget } from "./place.js";
import type { RenderCache } from "./render-cache.js";
import { isSymlink, type Revision, type TreeContent } from "./revision.js";
import type { HelmOptions, InputFile, RenderLimits, RenderRequest } from "./run.js";
import { SourceFiles, type SourceLimits } from "./sources.js";

/** A render target the change touches, with its input files at each revision it exists in. */
export interface PlannedTarget {
  tool: "kustomize" | "helm";
  dir: string;
  /** The kustomization file or Chart.yaml, repository-relative. */
  definition: string;
  description: string;
  /** Helm's options at each revision (the values files the base has may be fewer). */
  helm: { base?: HelmOptions; head?: HelmOptions };
  /** Input files at each revision; absent where the target does not exist. */
  closure: { base?: readonly string[]; head?: readonly string[] };
}

export interface RenderChangeInput {
  base: Revision;
  head: Revision;
  targets: readonly PlannedTarget[];
  /** Paths whose content differs between the revisions. */
  changed: ReadonlySet<string>;
  cache: RenderCache;
  limits: SourceLimits & { maxInputBytes: number };
  renderLimits?: RenderLimits;
}

export interface RenderedChange {
  /** The generated manifests of each side, by their (never a repository) path. */
  generated: { base: Map<string, string>; head: Map<string, string> };
  /** What the engine needs to read them and place their findings. */
  hook: GeneratedFiles;
  /** Targets that could not be rendered at the head, on their definition file: they fail the review. */
  errors: InputError[];
  /** Targets that could not be rendered at the base: their head is judged as if new. */
  notes: Skipped[];
  rendered: RenderedTarget[];
}

const SIDES: readonly Side[] = ["base", "head"];

function inputFile(path: string, content: TreeContent): InputFile | string {
  if (isSymlink(content)) return content;
  if (isUnreadable(content)) return `${path} could not be read: ${content.unreadable}`;
  return typeof content === "string" ? Buffer.from(content, "utf8") : content;
}

/** The request for one target at one revision, or why it cannot be made. */
function requestOf(
  target: PlannedTarget,
  side: Side,
  files: ReadonlyMap<string, TreeContent>,
  limits: RenderChangeInput["limits"],
): { request: RenderRequest; own: { origin: boolean; transformations: boolean } } | { problem: string } {
  const inputs = new Map<string, InputFile>();
  let bytes = 0;
  for (const [path, content] of files) {
    const file = inputFile(path, content);
    if (typeof file === "string") return { problem: file };
    bytes += file instanceof Uint8Array ? file.byteLength : 0;
    inputs.set(path, file);
  }
  if (bytes > limits.maxInputBytes)
    return {
      problem: `its input files are ${bytes} bytes, over render.limits.maxInputBytes (${limits.maxInputBytes}): not rendered`,
    };
  const helm = target.helm[side];
  if (target.tool === "helm" && helm)
    return { request: { tool: "helm", files: inputs, target: target.dir, helm }, own: NOT_OWN };
  const definition = files.get(target.definition);
  if (definition === undefined || isSymlink(definition))
    return { problem: `${target.definition} is not a file` };
  const rewritten = withBuildMetadata(target.definition, definition, limits);
  if (!rewritten.ok) return { problem: rewritten.message };
  inputs.set(target.definition, Buffer.from(rewritten.content, "utf8"));
  return { request: { tool: "kustomize", files: inputs, target: target.dir }, own: rewritten.own };
}

const NOT_OWN = { origin: false, transformations: false };

function readOutput(
  target: PlannedTarget,
  side: Side,
  output: string,
  own: typeof NOT_OWN,
  limits: SourceLimits,
): RenderOutput {
  return target.tool === "helm"
    ? readHelmOutput(output, target.dir, target.helm[side]?.namespace ?? "default", limits)
    : readKustomizeOutput(output, target.dir, limits, own);
}

export async function renderChange(input: RenderChangeInput): Promise<RenderedChange> {
  const { cache, limits } = input;
  // Each side's closure files, and the other side's version of the changed ones (their diff
  // tells which source lines the change touched).
  const all = unique(input.targets.flatMap((t) => [...(t.closure.base ?? []), ...(t.closure.head ?? [])]));
  const wanted = (side: Side, revision: Revision) => {
    const present = new Set(revision.paths);
    const own = new Set(input.targets.flatMap((t) => t.closure[side] ?? []));
    return all.filter((path) => own.has(path) || (input.changed.has(path) && present.has(path)));
  };
  const read = {
    base: await input.base.read(wanted("base", input.base)),
    head: await input.head.read(wanted("head", input.head)),
  };
  const errors: InputError[] = [];
  const notes: Skipped[] = [];
  const generated = { base: new Map<string, string>(), head: new Map<string, string>() };
  const rendered: RenderedTarget[] = [];
  const byPath = new Map<string, RenderedTarget>();
  const slot = limiter(Math.max(1, availableParallelism()));
  /** One side's render, read; or the problem, already reported. */
  const renderSide = async (target: PlannedTarget, side: Side): Promise<GeneratedManifest | undefined> => {
    const closure = target.closure[side] ?? [];
    const files = new Map(closure.map((path) => [path, read[side].get(path) as TreeContent]));
    const made = requestOf(target, side, files, limits);
    const where = `${target.description} at the ${side}`;
    const fail = (message: string) => {
      if (side === "head") errors.push({ file: target.definition, message: `${where}${message}` });
      else
        notes.push({ file: target.definition, reason: `${where}${message}; the head is judged as if new` });
      return undefined;
    };
    if ("problem" in made) return fail(`: ${made.problem}`);
    const result = await slot(() => cache.render(made.request, input.renderLimits));
    if (!result.ok) return fail(` failed: ${result.message}`);
    const parsed = readOutput(target, side, result.output, made.own, limits);
    if (parsed.errors.length > 0) return fail(`: its output cannot be read: ${parsed.errors.join("; ")}`);
    return generatedManifest(generatedPath(target.tool, target.dir), parsed.documents);
  };
  await Promise.all(
    input.targets.map(async (target) => {
      const sides = SIDES.filter((side) => target.closure[side] !== undefined);
      const manifests = await Promise.all(sides.map((side) => renderSide(target, side)));
      // What deploys could not be seen: the error fails the review, and the base alone would read
      // as all removed. (A base that failed leaves the head to be judged whole.)
      const head = sides.indexOf("head");
      if (head >= 0 && manifests[head] === undefined) return;
      const output: RenderedTarget["output"] = {};
      sides.forEach((side, i) => {
        const manifest = manifests[i];
        if (!manifest) return;
        output[side] = manifest;
        generated[side].set(manifest.path, manifest.text);
      });
      const done: RenderedTarget = {
        tool: target.tool,
        dir: target.dir,
        description: target.description,
        definition: target.definition,
        valuesFiles: {
          base: target.helm.base?.valuesFiles ?? [],
          head: target.helm.head?.valuesFiles ?? [],
        },
        files: { base: target.closure.base ?? [], head: target.closure.head ?? [] },
        output,
      };
      rendered.push(done);
      byPath.set(generatedPath(target.tool, target.dir), done);
    }),
  );
  errors.sort((a, b) => compareStrings(a.file, b.file) || compareStrings(a.message, b.message));
  notes.sort((a, b) => compareStrings(a.file, b.file) || compareStrings(a.reason, b.reason));
  rendered.sort((a, b) => compareStrings(a.dir, b.dir));
  const sources = new SourceFiles(
    { base: contentsOnly(read.base), head: contentsOnly(read.head) },
    input.changed,
    limits,
  );
  const hook: GeneratedFiles = {
    paths: new Set(byPath.keys()),
    place: (finding, field) => {
      const target = byPath.get(finding.file);
      return target ? placeFinding(finding, field, target, sources, limits) : finding;
    },
  };
  return { generated, hook, errors, notes, rendered };
}

/** Runs at most `size` of the functions it is given at once (each render is a process). */
function limiter(size: number): <T>(run: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    // A finishing run hands its slot straight to the next waiting one.
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

function contentsOnly(files: ReadonlyMap<string, TreeContent>) {
  const contents = new Map<string, Exclude<TreeContent, { symlink: string }>>();
  for (const [path, content] of files) if (!isSymlink(content)) contents.set(path, content);
  return contents;
}
