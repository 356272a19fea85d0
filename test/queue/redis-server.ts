// A real redis-server for the queue tests: started on a free loopback port, without persistence
// unless asked for (then in a temporary directory), stopped after. Killing and restarting it on the
// same port is how the tests cut the app off from Redis.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** KUBEDELTA_SKIP_REDIS_TESTS=1 skips the tests that need redis-server; nothing else does. */
export const SKIP_REDIS = process.env.KUBEDELTA_SKIP_REDIS_TESTS === "1";

/** Why the tests cannot run, said the way the person who runs them can act on. */
function missing(): string | undefined {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return (
      "redis-server is not installed, and the queue tests need a real Redis: install it " +
      "(apt-get install redis-server) or set KUBEDELTA_SKIP_REDIS_TESTS=1 to skip them knowingly"
    );
  }
}

/** A port nothing listens on now (asked of the kernel, then freed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private process?: ChildProcess;
  private readonly dir?: string;

  private constructor(
    readonly port: number,
    private readonly persistent: boolean,
  ) {
    if (persistent) this.dir = mkdtempSync(join(tmpdir(), "kubedelta-redis-"));
  }

  /**
   * `persistent`: an append-only file, so that jobs outlive a restart (as a production Redis should).
   * `port`: where a client already expects it (a Redis that comes back); a free one otherwise.
   */
  static async start(options: { persistent?: boolean; port?: number } = {}): Promise<RedisServer> {
    const why = missing();
    if (why) throw new Error(why);
    const server = new RedisServer(options.port ?? (await freePort()), options.persistent ?? false);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  private launch(): Promise<void> {
    const persistence = this.persistent
      ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", this.dir as string]
      : ["--appendonly", "no"];
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", ...persistence],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.process = child;
    return new Promise((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }

  /** Ends the server at once (SIGKILL: no shutdown save), as a crash or a lost node would. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts it again on the same port (with its data when persistent). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
