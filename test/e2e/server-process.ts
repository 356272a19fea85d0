// The App's own process (src/server.ts, what `npm start` runs) as a child process: configured only
// through its environment, as a container would be, on a free loopback port.

import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { WEBHOOK_SECRET } from "../fake-github/app-server.js";
import { APP_ID } from "../fake-github/server.js";
import { type DeliveryResult, deliver } from "../fake-github/webhooks.js";
import { freePort } from "../queue/redis-server.js";

export interface ServerProcess {
  url: string;
  send(event: string, payload: Record<string, unknown>): Promise<DeliveryResult>;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once it exited. */
  exited: Promise<number | null>;
  child: ChildProcess;
}

let key: string | undefined;

/** Starts src/server.ts with `env` over a minimal App environment pointed at the fake GitHub. */
export async function startServer(
  githubHost: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  key ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: {
      PATH: process.env.PATH,
      APP_ID: String(APP_ID),
      PRIVATE_KEY: key,
      WEBHOOK_SECRET,
      GHE_HOST: githubHost,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    send: (event, payload) =>
      deliver(`${url}/api/github/webhooks`, { event, payload, secret: WEBHOOK_SECRET }),
    output: () => output,
    exited,
    child,
  };
  const started = Date.now();
  while (!output.includes("Listening on")) {
    if (child.exitCode !== null) throw new Error(`src/server.ts exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 30_000) throw new Error(`src/server.ts did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return server;
}
