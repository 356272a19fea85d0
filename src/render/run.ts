// One render: `kustomize build` or `helm template` of one target, run on a temporary copy of
// exactly its input files, in the sandbox (sandbox-tree.ts, sandbox-env.ts) and within the limits
// (bounded-process.ts). The tool's own error, with the temporary paths turned back into repository
// paths, is the message of a failed render.
//
// Helm's --set is passed as `--set`, not `--set-string`: values are typed as `helm --set` types
// them (true, 3, null), which is what a deployment using the same settings gets; with
// --set-string, `enabled=false` would be the string "false", which templates read as true. Each
// entry stays one key and one value: commas and backslashes in the value are escaped.

import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProcessLimits, type ProcessOutcome, runBounded } from "./bounded-process.js";
import { sandboxEnv } from "./sandbox-env.js";
import { type InputFiles, repoPathProblem, writeTree } from "./sandbox-tree.js";
import { type FoundTools, findTools, type Tool, type ToolName } from "./tools.js";

export type { InputFile, InputFiles } from "./sandbox-tree.js";

export interface HelmOptions {
  releaseName: string;
  namespace: string;
  /** --kube-version, e.g. "1.32". */
  kubeVersion: string;
  apiVersions: readonly string[];
  /** Repository-relative, in order; each must be one of the request's files. */
  valuesFiles: readonly string[];
  set: Readonly<Record<string, string>>;
}

interface RequestBase {
  /** Repository-relative paths (forward slashes) to contents: exactly the target's input files. */
  files: InputFiles;
  /** The target's folder, repository-relative ("" or "." for the repository's root). */
  target: string;
}
export interface KustomizeRequest extends RequestBase {
  tool: "kustomize";
}
export interface HelmRequest extends RequestBase {
  tool: "helm";
  helm: HelmOptions;
}
export type RenderRequest = KustomizeRequest | HelmRequest;

export type RenderLimits = ProcessLimits;

export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = {
  timeMs: 30_000,
  outputBytes: 32 * 1024 * 1024,
  memoryBytes: 1024 * 1024 * 1024,
};

/**
 * Why a render failed. "failed": the tool ran and reported an error (the same input fails the
 * same way); the others are about this run (limits, a binary that would not start), the request
 * (refused) or the machine (tool missing).
 */
export type RenderFailure =
  | "failed"
  | "timeout"
  | "output-limit"
  | "memory-limit"
  | "refused"
  | "tool-missing"
  | "start-failed";

export type RenderResult =
  | { ok: true; output: string; tool: ToolName; version: string }
  | { ok: false; message: string; failure: RenderFailure };

/** Most characters of the tool's error kept in a message. */
const MESSAGE_CHARS = 4000;

const normalTarget = (target: string): string => (target === "." ? "" : target.replace(/\/+$/, ""));

/** "kustomize build of overlays/prod", "helm template of charts/web": what messages call the render. */
export function describeRender(request: RenderRequest): string {
  const target = normalTarget(request.target) || ".";
  return request.tool === "kustomize" ? `kustomize build of ${target}` : `helm template of ${target}`;
}

function requestProblem(request: RenderRequest): string | undefined {
  const target = normalTarget(request.target);
  if (target !== "") {
    const problem = repoPathProblem(target, "target");
    if (problem) return problem;
  }
  if (request.tool !== "helm") return undefined;
  for (const values of request.helm.valuesFiles) {
    const problem = repoPathProblem(values, "values file");
    if (problem) return problem;
    if (!request.files.has(values))
      return `values file ${JSON.stringify(values)} is not among the files of the render`;
  }
  for (const key of Object.keys(request.helm.set)) {
    if (key === "" || /[,=\s]/.test(key))
      return `--set key ${JSON.stringify(key)} is empty or has a comma, "=" or space`;
  }
  return undefined;
}

/** Local paths always start with "./": helm would read "https:…" as a URL and "repo/chart" as a chart name. */
const local = (path: string): string => (path === "" ? "." : `./${path}`);

/** Helm's --set reads `\` as an escape and `,` as the end of an entry. */
const setValue = (value: string): string => value.replace(/[\\,]/g, (c) => `\\${c}`);

/**
 * Every flag as one `--flag=value` argument and the positionals after `--`: a release name or value
 * that starts with "-" (a chart may name itself "--post-renderer=…") stays a name or a value.
 */
function argumentsOf(request: RenderRequest, tool: Tool): string[] {
  const target = local(normalTarget(request.target));
  if (request.tool === "kustomize") return [...tool.prefix, "--", target];
  const { helm } = request;
  return [
    ...tool.prefix,
    `--namespace=${helm.namespace}`,
    `--kube-version=${helm.kubeVersion}`,
    "--include-crds",
    ...helm.apiVersions.map((version) => `--api-versions=${version}`),
    ...helm.valuesFiles.map((values) => `--values=${local(values)}`),
    ...Object.entries(helm.set).map(([key, value]) => `--set=${key}=${setValue(value)}`),
    "--",
    helm.releaseName,
    target,
  ];
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * kubectl reports through klog: `E1205 03:06:20.400273 27168 run.go:72] "command failed" err=…`,
 * the error quoted (`"…"`) or, when it spans lines, between `<` and `>` with each line indented by
 * a tab. The error alone reads like kustomize's own.
 */
export function unwrapKlog(text: string): string {
  const logged = /^[EFWI]\d{4} [\d:.]+\s+\d+ [^\]\n]+\] "command failed" err=/m.exec(text);
  if (!logged) return text;
  const before = text.slice(0, logged.index);
  const error = text.slice(logged.index + logged[0].length).trim();
  if (error.startsWith("<\n")) {
    const lines = error
      .slice(2)
      .replace(/\n\s*>$/, "")
      .split("\n");
    return before + lines.map((line) => line.replace(/^\t/, "")).join("\n");
  }
  if (error.startsWith('"')) {
    try {
      return before + (JSON.parse(error) as string);
    } catch {
      // Not JSON-compatible quoting (Go's \x escapes): shown as logged.
    }
  }
  return before + error;
}

/**
 * The tool's stderr as a message: paths in the copy become repository paths (`repos`: the copy's
 * folder, as created and as resolved), other temporary paths `<sandbox>`; trimmed and bounded.
 */
export function toolMessage(stderr: string, repos: readonly string[], sandbox: readonly string[]): string {
  let text = unwrapKlog(stderr);
  for (const repo of repos) text = text.split(`${repo}/`).join("").split(repo).join(".");
  for (const root of sandbox) text = text.split(root).join("<sandbox>");
  text = text.trim();
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)} …` : text;
}

interface SandboxPaths {
  repos: string[];
  roots: string[];
}

function resultOf(
  outcome: ProcessOutcome,
  request: RenderRequest,
  tool: Tool,
  limits: RenderLimits,
  paths: SandboxPaths,
): RenderResult {
  const what = describeRender(request);
  switch (outcome.kind) {
    case "exited": {
      if (outcome.code === 0)
        return { ok: true, output: outcome.stdout.toString("utf8"), tool: tool.name, version: tool.version };
      const said = toolMessage(outcome.stderr, paths.repos, paths.roots);
      const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
      return { ok: false, failure: "failed", message: said ? `${what} failed: ${said}` : `${what} ${how}` };
    }
    case "timeout":
      return {
        ok: false,
        failure: "timeout",
        message: `${what} did not finish within ${limits.timeMs / 1000} s`,
      };
    case "output-limit":
      return {
        ok: false,
        failure: "output-limit",
        message: `${what} produced more than ${formatBytes(limits.outputBytes)} of output`,
      };
    case "memory-limit":
      return {
        ok: false,
        failure: "memory-limit",
        message: `${what} used more than ${formatBytes(limits.memoryBytes)} of memory`,
      };
    case "start-failed":
      return {
        ok: false,
        failure: "start-failed",
        message: `${what} could not start ${tool.command} (${tool.via}): ${outcome.message}`,
      };
  }
}

/** Renders with the given tool; the temporary folder is removed whatever happens. */
export async function renderWith(
  tool: Tool,
  request: RenderRequest,
  limits: RenderLimits = DEFAULT_RENDER_LIMITS,
): Promise<RenderResult> {
  const problem = requestProblem(request);
  if (problem) return { ok: false, failure: "refused", message: `refused to render: ${problem}` };
  const root = await mkdtemp(join(tmpdir(), "kubedelta-render-"));
  try {
    const repo = join(root, "repo");
    const dirs = { home: join(root, "home"), plugins: join(root, "plugins"), tmp: join(root, "tmp") };
    await Promise.all([repo, ...Object.values(dirs)].map((dir) => mkdir(dir)));
    const tree = await writeTree(repo, request.files).catch((error: NodeJS.ErrnoException) => ({
      ok: false as const,
      // A name too long for the file system, say: the file is named by its repository path.
      message: `refused to render: could not write the files of ${describeRender(request)}: ${toolMessage(error.message, [repo], [root])}`,
    }));
    if (!tree.ok) return { ok: false, failure: "refused", message: tree.message };
    const outcome = await runBounded(tool.command, argumentsOf(request, tool), {
      cwd: repo,
      env: sandboxEnv(dirs, process.env, limits.memoryBytes),
      limits,
    });
    const realRoot = await realpath(root);
    const paths = {
      repos: [...new Set([repo, join(realRoot, "repo")])],
      roots: [...new Set([root, realRoot])],
    };
    return resultOf(outcome, request, tool, limits, paths);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Renders with the tool found on this machine (findTools()); a missing tool is a failed render with the reason. */
export async function render(
  request: RenderRequest,
  limits: RenderLimits = DEFAULT_RENDER_LIMITS,
  tools?: FoundTools,
): Promise<RenderResult> {
  const found = tools ?? (await findTools());
  const tool = found[request.tool];
  if (tool === undefined) {
    return {
      ok: false,
      failure: "tool-missing",
      message: `cannot render ${describeRender(request)}: ${found.missing[request.tool]}`,
    };
  }
  return renderWith(tool, request, limits);
}
