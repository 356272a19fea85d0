// Which kustomize and helm binaries render, and their versions (part of every render's cache key).
//
// Kustomize: KUBEDELTA_KUSTOMIZE, else `kustomize` on PATH, else `kubectl kustomize` (kubectl embeds
// kustomize). Helm: KUBEDELTA_HELM, else `helm` on PATH, else the Helm of the devDependency (see
// bundled-helm.ts). A variable that is set names the tool to use: when it does not work, the tool is
// missing with that reason, rather than silently replaced by another binary.

import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { bundledBinary, bundledHelm, HELM_PACKAGE } from "./bundled-helm.js";
import { isExecutableFile } from "./executable.js";
import { sandboxEnv } from "./sandbox-env.js";

export type ToolName = "kustomize" | "helm";

export interface Tool {
  name: ToolName;
  /** Absolute path of the binary run. */
  command: string;
  /** The subcommand before the target: `build` (kustomize), `kustomize` (kubectl), `template` (helm). */
  prefix: readonly string[];
  /** How it was found, for messages: "KUBEDELTA_HELM", "helm on PATH", "kubectl on PATH", "npm package …". */
  via: string;
  /** As the tool reports it, e.g. "v5.5.0" or "v3.17.3+ge4da497". */
  version: string;
}

export interface FoundTools {
  kustomize?: Tool;
  helm?: Tool;
  /** Why a tool is missing, by name; set exactly for the tools that are. */
  missing: Partial<Record<ToolName, string>>;
}

export interface FindToolsOptions {
  /** Fall back to the Helm and kubectl of the npm devDependency (default true). */
  bundledHelm?: boolean;
}

const VERSION_TIMEOUT_MS = 10_000;

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

interface Candidate {
  command: string;
  prefix: readonly string[];
  via: string;
  versionArgs: readonly string[];
  parseVersion: (stdout: string) => string | undefined;
}

const firstVersion = (text: string): string | undefined => /v?\d+\.\d+\.\d+[^\s",}]*/.exec(text)?.[0];

const versions = new Map<string, Promise<{ version: string } | { reason: string }>>();

/** Runs the binary's version command once per process and binary, in the sandbox's environment. */
function detectVersion(
  candidate: Candidate,
  parent: NodeJS.ProcessEnv,
): Promise<{ version: string } | { reason: string }> {
  const key = [candidate.command, ...candidate.versionArgs].join("\0");
  let found = versions.get(key);
  if (found === undefined) {
    found = new Promise((settle) => {
      // Version commands write nothing: a home that does not exist keeps them off the user's.
      const env = sandboxEnv({ home: "/nonexistent", plugins: "/nonexistent", tmp: tmpdir() }, parent);
      execFile(
        candidate.command,
        [...candidate.versionArgs],
        { env, timeout: VERSION_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => {
          const version = error ? undefined : candidate.parseVersion(stdout);
          if (version !== undefined) return settle({ version });
          const said = (stderr || stdout).trim().slice(0, 500) || (error?.message ?? "no output");
          settle({ reason: `${candidate.command} (${candidate.via}) did not report its version: ${said}` });
        },
      );
    });
    versions.set(key, found);
  }
  return found;
}

async function toolOf(
  name: ToolName,
  candidate: Candidate,
  env: NodeJS.ProcessEnv,
): Promise<Tool | { reason: string }> {
  const detected = await detectVersion(candidate, env);
  if ("reason" in detected) return detected;
  return { name, command: candidate.command, prefix: candidate.prefix, via: candidate.via, ...detected };
}

/** A binary run as `BINARY SUBCOMMAND TARGET`, whose version command prints the version first. */
const binary =
  (subcommand: string, versionArgs: readonly string[]) =>
  (via: string) =>
  (command: string): Candidate => ({
    command,
    prefix: [subcommand],
    via,
    versionArgs,
    parseVersion: firstVersion,
  });

const kustomizeBinary = binary("build", ["version"]);
const helmBinary = binary("template", ["version", "--short"]);

const kubectlKustomize = (command: string, via = "kubectl on PATH"): Candidate => ({
  command,
  prefix: ["kustomize"],
  via,
  versionArgs: ["version", "--client", "-o", "json"],
  parseVersion: (stdout) => {
    try {
      const { kustomizeVersion } = JSON.parse(stdout) as { kustomizeVersion?: unknown };
      return typeof kustomizeVersion === "string" && kustomizeVersion ? kustomizeVersion : undefined;
    } catch {
      return undefined;
    }
  },
});

/** Where one tool is looked for, in order. */
interface Lookup {
  name: ToolName;
  /** The variable that names the binary, and how that binary runs. */
  variable: string;
  named: (path: string) => Candidate;
  onPath: readonly { binary: string; candidate: (path: string) => Candidate }[];
  /** The last resort, after PATH. */
  fallback?: () => Promise<Candidate | { reason: string }>;
  notFound: string;
}

const kustomizeLookup = (options: FindToolsOptions): Lookup => ({
  name: "kustomize",
  variable: "KUBEDELTA_KUSTOMIZE",
  named: kustomizeBinary("KUBEDELTA_KUSTOMIZE"),
  onPath: [
    { binary: "kustomize", candidate: kustomizeBinary("kustomize on PATH") },
    { binary: "kubectl", candidate: (path) => kubectlKustomize(path) },
  ],
  // A development clone on a machine without kubectl: the kubectl of the devDependency.
  fallback:
    options.bundledHelm === false
      ? undefined
      : async () => {
          const bundled = await bundledBinary("kubectl/kubectl");
          return bundled.ok
            ? kubectlKustomize(bundled.path, `kubectl of npm package ${HELM_PACKAGE}`)
            : bundled;
        },
  notFound: "kustomize was not found: set KUBEDELTA_KUSTOMIZE, or put kustomize or kubectl on PATH",
});

const helmLookup = (options: FindToolsOptions): Lookup => ({
  name: "helm",
  variable: "KUBEDELTA_HELM",
  named: helmBinary("KUBEDELTA_HELM"),
  onPath: [{ binary: "helm", candidate: helmBinary("helm on PATH") }],
  fallback:
    options.bundledHelm === false
      ? undefined
      : async () => {
          const bundled = await bundledHelm();
          return bundled.ok ? helmBinary(`npm package ${HELM_PACKAGE}`)(bundled.path) : bundled;
        },
  notFound: "helm was not found: set KUBEDELTA_HELM, or put helm on PATH",
});

async function lookUp(lookup: Lookup, env: NodeJS.ProcessEnv): Promise<Tool | { reason: string }> {
  const named = env[lookup.variable];
  if (named) {
    const path = resolve(named);
    if (!(await isExecutableFile(path)))
      return { reason: `${lookup.variable}=${named} is not an executable file` };
    return toolOf(lookup.name, lookup.named(path), env);
  }
  for (const { binary, candidate } of lookup.onPath) {
    const path = await onPath(binary, env);
    if (path) return toolOf(lookup.name, candidate(path), env);
  }
  const fallback = await lookup.fallback?.();
  if (fallback === undefined) return { reason: lookup.notFound };
  if ("reason" in fallback) return { reason: `${lookup.notFound} (${fallback.reason})` };
  return toolOf(lookup.name, fallback, env);
}

/** The tools found through `env`; versions are detected once per process and binary. */
export async function findTools(
  env: NodeJS.ProcessEnv = process.env,
  options: FindToolsOptions = {},
): Promise<FoundTools> {
  const [kustomize, helm] = await Promise.all([
    lookUp(kustomizeLookup(options), env),
    lookUp(helmLookup(options), env),
  ]);
  const found: FoundTools = { missing: {} };
  if ("reason" in kustomize) found.missing.kustomize = kustomize.reason;
  else found.kustomize = kustomize;
  if ("reason" in helm) found.missing.helm = helm.reason;
  else found.helm = helm;
  return found;
}
