// The `render:` settings of `.github/kubedelta.yml`: whether Kustomize and Helm targets are
// rendered, whether they are detected, the targets declared by hand with their options, and the
// bounds of a render. Read here (with messages that name the setting's path) so the policy only
// has to hand the value over; paths are checked to stay inside the repository.
//
// Paths: a target's `path` is its folder, relative to the repository root. Its `valuesFiles` are
// relative to that folder, the way kustomize reads a kustomization's paths and Argo CD a chart's
// value files: `values-prod.yaml` is the file beside Chart.yaml, `../../env/prod/values.yaml`
// one elsewhere in the repository.

import { posix } from "node:path";
import { resolvePath } from "./repository.js";

export const RENDER_TOOLS = ["kustomize", "helm"] as const;
export type RenderTool = (typeof RENDER_TOOLS)[number];

/** One target declared in the configuration. */
export interface RenderTargetSpec {
  /** The target's folder, repository-relative ("" for the root). */
  path: string;
  /** Inferred from the folder (a kustomization file or a Chart.yaml) when absent. */
  tool?: RenderTool;
  /** Helm: values files after the chart's values.yaml, in order, relative to `path`. */
  valuesFiles: string[];
  /** Helm: the release name; the chart's name (Chart.yaml) when absent. */
  releaseName?: string;
  /** Helm: --namespace. */
  namespace: string;
  /** Helm: --kube-version. */
  kubeVersion: string;
  /** Helm: --api-versions (capabilities the templates may test). */
  apiVersions: string[];
  /** Helm: --set key=value. */
  set: Record<string, string>;
}

export interface RenderLimitSettings {
  /** Bytes of input files one render may read (a target's closure at one revision). */
  maxInputBytes: number;
  /** Seconds one render may run. */
  timeoutSeconds: number;
  /** Bytes of output one render may write. */
  maxOutputBytes: number;
  /** Bytes of memory one render may use. */
  maxMemoryBytes: number;
}

export interface RenderSettings {
  enabled: boolean;
  /** Find the Kustomize roots and Helm charts of the repository (false: only `targets`). */
  autoDetect: boolean;
  /** Declared targets; each replaces the detected target of its folder. */
  targets: RenderTargetSpec[];
  limits: RenderLimitSettings;
}

/** The options of a declared target that the configuration may leave out. */
export const DEFAULT_TARGET_OPTIONS: Readonly<Omit<RenderTargetSpec, "path" | "tool" | "releaseName">> = {
  valuesFiles: [],
  namespace: "default",
  kubeVersion: "1.32",
  apiVersions: [],
  set: {},
};

export const DEFAULT_RENDER_SETTINGS: Readonly<RenderSettings> = {
  enabled: true,
  autoDetect: true,
  targets: [],
  limits: {
    maxInputBytes: 16 * 1024 * 1024,
    timeoutSeconds: 30,
    maxOutputBytes: 32 * 1024 * 1024,
    maxMemoryBytes: 1024 * 1024 * 1024,
  },
};

/** " (did you mean X?)" or "": the policy's hint for a misspelt key, handed in (render cannot import policy). */
export type Suggest = (name: string, known: readonly string[]) => string;

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value);

const SETTINGS_KEYS = ["enabled", "autoDetect", "targets", "limits"] as const;
const LIMIT_KEYS = ["maxInputBytes", "timeoutSeconds", "maxOutputBytes", "maxMemoryBytes"] as const;
const TARGET_KEYS = [
  "path",
  "tool",
  "valuesFiles",
  "releaseName",
  "namespace",
  "kubeVersion",
  "apiVersions",
  "set",
] as const;
const HELM_ONLY = ["valuesFiles", "releaseName", "namespace", "kubeVersion", "apiVersions", "set"] as const;

// Helm's own rules: a release name is a DNS subdomain of at most 53 characters, a namespace a
// DNS label.
const RELEASE_NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const KUBE_VERSION = /^v?\d+\.\d+(?:\.\d+)?$/;
// group/version or group/version/Kind; no commas or spaces (Helm splits its flag at commas).
const API_VERSION = /^[A-Za-z0-9][A-Za-z0-9.-]*(?:\/[A-Za-z0-9][A-Za-z0-9.-]*){0,2}$/;
// What a target's folder holds, named by mistake in place of the folder.
const TOOL_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml"];
const URL_LIKE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/** Problems with `keys` of `value` that `known` does not list. */
function unknownKeys(value: Mapping, known: readonly string[], where: string, suggest: Suggest): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${where}.${key}: unknown setting${suggest(key, known)}`);
}

/** A repository-relative folder: "" for the root, or why it is not one. */
function readFolder(value: unknown): { path: string } | { problem: string } {
  if (typeof value !== "string")
    return { problem: `must be a folder of the repository (a string); got ${shown(value)}` };
  if (value.includes("\\")) return { problem: `use forward slashes; got ${shown(value)}` };
  if (posix.isAbsolute(value))
    return { problem: `must be relative to the repository root; got ${shown(value)}` };
  const path = resolvePath("", value);
  if (path === undefined) return { problem: `leaves the repository: ${shown(value)}` };
  if (TOOL_FILES.includes(posix.basename(path)))
    return { problem: `names a file; name its folder: ${shown(posix.dirname(path))}` };
  return { path };
}

/** Problems with one values file of the chart in `folder`. */
function valuesFileProblem(value: unknown, folder: string): string | undefined {
  if (typeof value !== "string" || value === "") return "must be a list of file paths";
  if (URL_LIKE.test(value)) return `${shown(value)} is a URL; values files are read from the repository only`;
  if (value.includes("\\")) return `use forward slashes; got ${shown(value)}`;
  if (posix.isAbsolute(value)) return `${shown(value)} must be relative to the target's folder`;
  const path = resolvePath(folder, value);
  if (path === undefined) return `${shown(value)} leaves the repository`;
  if (path === folder) return `${shown(value)} is the target's folder, not a file`;
  return undefined;
}

/** A list of strings each `valid` accepts. */
function readStrings(value: unknown, what: string, valid: (item: string) => string | undefined): OptionRead {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
    return bad(`must be a list of ${what}`);
  const problems = value.map(valid).filter((problem) => problem !== undefined);
  return problems.length > 0 ? bad(problems.join("; ")) : ok(value);
}

/** --set values: strings, or numbers and booleans written unquoted (as YAML wrote them). */
function readSet(value: unknown): OptionRead {
  if (!isMapping(value)) return bad("must be a mapping of value paths to values (key: value)");
  const set: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.trim() === "") return bad("has an empty key");
    if (
      typeof item === "string" ||
      typeof item === "boolean" ||
      (typeof item === "number" && Number.isFinite(item))
    )
      set[key] = String(item);
    else return bad(`${key}: must be a string, number or boolean; got ${shown(item)}`);
  }
  return ok(set);
}

/** One option of a declared target: the value read, or a problem (its key is put in front). */
type OptionRead = { value: unknown } | { problem: string };
const ok = (value: unknown): OptionRead => ({ value });
const bad = (problem: string): OptionRead => ({ problem });

/** How each option of a declared target is read, given the target's folder. */
const TARGET_OPTIONS: Record<
  Exclude<(typeof TARGET_KEYS)[number], "path">,
  (value: unknown, folder: string) => OptionRead
> = {
  tool: (value) =>
    (RENDER_TOOLS as readonly unknown[]).includes(value)
      ? ok(value)
      : bad(`must be kustomize or helm; got ${shown(value)}`),
  valuesFiles: (value, folder) => {
    const read = readStrings(value, "file paths", (item) => valuesFileProblem(item, folder));
    return "value" in read ? ok((read.value as string[]).map((file) => posix.normalize(file))) : read;
  },
  releaseName: (value) =>
    typeof value === "string" && RELEASE_NAME.test(value) && value.length <= 53
      ? ok(value)
      : bad(
          `must be a Helm release name (lowercase letters, digits, - and ., at most 53); got ${shown(value)}`,
        ),
  namespace: (value) =>
    typeof value === "string" && DNS_LABEL.test(value)
      ? ok(value)
      : bad(`must be a namespace name (a DNS label); got ${shown(value)}`),
  kubeVersion: (value) => {
    if (typeof value === "string" && KUBE_VERSION.test(value)) return ok(value);
    if (typeof value === "number")
      return bad(
        `must be a quoted version string ("1.30"): as a YAML number, ${shown(value)} may have lost digits`,
      );
    return bad(`must be a Kubernetes version such as "1.32"; got ${shown(value)}`);
  },
  apiVersions: (value) =>
    readStrings(value, "API versions", (item) =>
      API_VERSION.test(item)
        ? undefined
        : `not an API version (group/version or group/version/Kind): ${shown(item)}`,
    ),
  set: readSet,
};

/** One declared target, or undefined with its problems added to `problems`. */
function readTarget(
  value: unknown,
  where: string,
  suggest: Suggest,
  problems: string[],
): RenderTargetSpec | undefined {
  if (!isMapping(value)) {
    problems.push(`${where}: must be a mapping with a path (the target's folder) and its options`);
    return undefined;
  }
  const before = problems.length;
  problems.push(...unknownKeys(value, TARGET_KEYS, where, suggest));
  const folder =
    value.path === undefined ? { problem: "required: the target's folder" } : readFolder(value.path);
  if ("problem" in folder) problems.push(`${where}.path: ${folder.problem}`);
  const path = "path" in folder ? folder.path : "";
  const spec: Record<string, unknown> = { path, ...structuredClone(DEFAULT_TARGET_OPTIONS) };
  for (const [key, read] of Object.entries(TARGET_OPTIONS)) {
    if (value[key] === undefined || value[key] === null) continue;
    const result = read(value[key], path);
    if ("problem" in result) problems.push(`${where}.${key}: ${result.problem}`);
    else spec[key] = result.value;
  }
  if (value.tool === "kustomize") {
    for (const key of HELM_ONLY)
      if (value[key] !== undefined) problems.push(`${where}.${key}: applies to helm targets only`);
  }
  return problems.length > before ? undefined : (spec as unknown as RenderTargetSpec);
}

function readTargets(
  value: unknown,
  where: string,
  suggest: Suggest,
  problems: string[],
): RenderTargetSpec[] {
  if (!Array.isArray(value)) {
    problems.push(`${where}: must be a list of targets (each a mapping with a path)`);
    return [];
  }
  const targets: RenderTargetSpec[] = [];
  const seen = new Map<string, number>();
  value.forEach((item, i) => {
    const target = readTarget(item, `${where}[${i}]`, suggest, problems);
    if (!target) return;
    const key = JSON.stringify(target);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${where}[${i}]: the same target as ${where}[${first}]`);
    else seen.set(key, i);
    targets.push(target);
  });
  return targets;
}

function readLimits(
  value: unknown,
  base: RenderLimitSettings,
  where: string,
  suggest: Suggest,
  problems: string[],
) {
  if (!isMapping(value)) {
    problems.push(`${where}: must be a mapping of ${LIMIT_KEYS.join(", ")}`);
    return base;
  }
  problems.push(...unknownKeys(value, LIMIT_KEYS, where, suggest));
  const limits = { ...base };
  for (const key of LIMIT_KEYS) {
    const item = value[key];
    if (item === undefined) continue;
    if (typeof item === "number" && Number.isInteger(item) && item >= 1) limits[key] = item;
    else problems.push(`${where}.${key}: must be a positive whole number; got ${shown(item)}`);
  }
  return limits;
}

export interface ReadRenderOptions {
  /** The policy's "did you mean" hint for unknown keys. */
  suggest?: Suggest;
  /** The settings of the layers read before (a pack, say), which this value changes. */
  base?: RenderSettings;
}

/**
 * The `render:` value of one configuration layer over `base` (default: DEFAULT_RENDER_SETTINGS):
 * the settings it gives (its `targets` replace the earlier list; other keys change only what
 * they name), or every problem with it, each starting with the setting's path under `where`.
 */
export function readRenderSettings(
  value: unknown,
  where: string,
  options: ReadRenderOptions = {},
): { value: RenderSettings } | { problems: string[] } {
  const suggest = options.suggest ?? (() => "");
  const settings = structuredClone(options.base ?? DEFAULT_RENDER_SETTINGS) as RenderSettings;
  if (value === undefined || value === null) return { value: settings };
  if (!isMapping(value)) return { problems: [`${where}: must be a mapping of ${SETTINGS_KEYS.join(", ")}`] };
  const problems = unknownKeys(value, SETTINGS_KEYS, where, suggest);
  for (const key of ["enabled", "autoDetect"] as const) {
    if (value[key] === undefined) continue;
    if (typeof value[key] === "boolean") settings[key] = value[key];
    else problems.push(`${where}.${key}: must be true or false; got ${shown(value[key])}`);
  }
  if (value.targets !== undefined)
    settings.targets = readTargets(value.targets, `${where}.targets`, suggest, problems);
  if (value.limits !== undefined)
    settings.limits = readLimits(value.limits, settings.limits, `${where}.limits`, suggest, problems);
  return problems.length > 0 ? { problems } : { value: settings };
}

const positive = (description: string, defaultValue: number) => ({
  description,
  default: defaultValue,
  type: "integer",
  minimum: 1,
});

/** The JSON Schema of `render:` (draft-07, as docs/kubedelta.schema.json). */
export const RENDER_SCHEMA: Readonly<Record<string, unknown>> = {
  description:
    "Kustomize overlays and Helm charts rendered at both revisions of a pull request, and their rendered resources reviewed.",
  type: "object",
  additionalProperties: false,
  properties: {
    enabled: { description: "Render Kustomize and Helm targets.", default: true, type: "boolean" },
    autoDetect: {
      description:
        "Find the targets: every kustomization no other kustomization includes, every Helm chart that is not a subchart (false: only the declared targets).",
      default: true,
      type: "boolean",
    },
    targets: {
      description: "Targets declared by hand; each replaces the detected target of its folder.",
      default: [],
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["path"],
        properties: {
          path: { description: "The target's folder, relative to the repository root.", type: "string" },
          tool: { description: "Inferred from the folder when absent.", enum: [...RENDER_TOOLS] },
          valuesFiles: {
            description:
              "Helm: values files applied after the chart's values.yaml, relative to the target's folder.",
            default: [],
            type: "array",
            items: { type: "string" },
          },
          releaseName: {
            description: "Helm: the release name (default: the chart's name).",
            type: "string",
            pattern: RELEASE_NAME.source,
            maxLength: 53,
          },
          namespace: {
            description: "Helm: the release namespace.",
            default: "default",
            type: "string",
            pattern: DNS_LABEL.source,
          },
          kubeVersion: {
            description: "Helm: the Kubernetes version templates see.",
            default: "1.32",
            type: "string",
            pattern: KUBE_VERSION.source,
          },
          apiVersions: {
            description: "Helm: API versions templates may test for (group/version or group/version/Kind).",
            default: [],
            type: "array",
            items: { type: "string", pattern: API_VERSION.source },
          },
          set: {
            description: "Helm: values set on the command line (--set key=value).",
            default: {},
            type: "object",
            additionalProperties: { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] },
          },
        },
      },
    },
    limits: {
      description: "Bounds of one render.",
      type: "object",
      additionalProperties: false,
      properties: {
        maxInputBytes: positive(
          "Bytes of input files one render reads (a target's files at one revision).",
          DEFAULT_RENDER_SETTINGS.limits.maxInputBytes,
        ),
        timeoutSeconds: positive(
          "Seconds one render may run.",
          DEFAULT_RENDER_SETTINGS.limits.timeoutSeconds,
        ),
        maxOutputBytes: positive(
          "Bytes of output one render may write.",
          DEFAULT_RENDER_SETTINGS.limits.maxOutputBytes,
        ),
        maxMemoryBytes: positive(
          "Bytes of memory one render may use.",
          DEFAULT_RENDER_SETTINGS.limits.maxMemoryBytes,
        ),
      },
    },
  },
};
