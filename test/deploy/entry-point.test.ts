// The process the image runs (CMD node dist/server.js; here its source through tsx), started as
// the container starts it, with credentials of the shape the chart gives it: it serves the paths
// the chart's probes and the image's HEALTHCHECK ask, and stops on SIGTERM as Kubernetes stops it.

import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { execForm, instructionsOf, lastOf, stagesOf } from "./dockerfile.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FINAL = stagesOf(instructionsOf(readFileSync(join(ROOT, "Dockerfile"), "utf8"))).at(-1);

/** The paths the chart's probes use, read from its template (not rendered: no values in them). */
function probePaths(): string[] {
  const template = readFileSync(join(ROOT, "deploy/helm/kubedelta/templates/deployment.yaml"), "utf8");
  return [...template.matchAll(/^\s+path: (\/\S+)$/gm)].map((m) => m[1]);
}

/** The path the image's HEALTHCHECK fetches. */
function healthCheckPath(): string {
  const [, , script] = execForm(FINAL ? (lastOf(FINAL, "HEALTHCHECK")?.args ?? "") : "");
  const path = /'(\/[a-z]+)'/.exec(script)?.[1];
  if (!path) throw new Error(`no path in the HEALTHCHECK: ${script}`);
  return path;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

const scratch = mkdtempSync(join(tmpdir(), "kubedelta-entry-"));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

async function get(port: number, path: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  await response.arrayBuffer();
  return response.status;
}

describe("the image's entry point", () => {
  it("serves the probes' and the HEALTHCHECK's paths, /healthz, and stops on SIGTERM", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyPath = join(scratch, "private-key.pem");
    writeFileSync(keyPath, privateKey.export({ type: "pkcs1", format: "pem" }));
    const port = await freePort();
    const [, script] = execForm(lastOf(FINAL ?? { from: "", instructions: [] }, "CMD")?.args ?? "");
    expect(script).toBe("dist/server.js");
    child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
      cwd: ROOT,
      // As the chart sets it: the key as a file, no Redis (one replica, the queue in process).
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        PORT: String(port),
        APP_ID: "1",
        WEBHOOK_SECRET: "secret",
        PRIVATE_KEY_PATH: keyPath,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((done) => child?.on("exit", (code) => done(code)));
    // Up within 20 s, as the HEALTHCHECK's start period and the probes' delays allow.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = await get(port, healthCheckPath()).catch(() => 0);
      if (status === 200) break;
      if (Date.now() > deadline)
        throw new Error(`the App did not serve ${healthCheckPath()} in 20 s:\n${output}`);
      await new Promise((wait) => setTimeout(wait, 200));
    }
    const paths = new Set([...probePaths(), healthCheckPath()]);
    expect(paths.size).toBeGreaterThan(0);
    for (const path of paths) expect(await get(port, path), path).toBe(200);
    expect(await get(port, "/healthz")).toBe(200);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // The chart gives the process more time to stop than the App gives its running reviews.
    const chart = parseAllDocuments(
      readFileSync(join(ROOT, "deploy/helm/kubedelta/values.yaml"), "utf8"),
    )[0].toJS();
    expect(chart.terminationGracePeriodSeconds * 1000).toBeGreaterThan(25_000);
  }, 40_000);
});
