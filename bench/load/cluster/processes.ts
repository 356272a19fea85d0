// Child processes of the load test: started in their own process group (so that a kill reaches
// whatever they spawned), output to a log file, stopped by their own id only.

import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";

export interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
}

export function startLogged(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: string },
): Started {
  const fd = openSync(options.log, "a");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited };
}

/** Sends `signal` to the process group of `started`, if it is still running. */
export function signalGroup(started: Started, signal: NodeJS.Signals): void {
  if (started.child.exitCode !== null || started.child.signalCode !== null || started.child.pid === undefined)
    return;
  try {
    process.kill(-started.child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopGroup(started: Started, graceMs = 5000): Promise<void> {
  signalGroup(started, "SIGTERM");
  const timer = setTimeout(() => signalGroup(started, "SIGKILL"), graceMs);
  await started.exited;
  clearTimeout(timer);
}

/** A loopback port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `ready` every 100 ms until it holds; fails after `timeoutMs` or when the process exits. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  started: Started,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited = false;
  started.exited.then(() => {
    exited = true;
  });
  while (performance.now() < deadline) {
    if (await ready()) return;
    if (exited) throw new Error(`${what} exited before it was ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms`);
}
