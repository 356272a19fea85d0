// One replica of the App: `npm start`'s script in its own process group, its GitHub the fake's
// port for this replica, its log in the run's folder. It can be killed (SIGKILL, as the kernel's
// OOM killer or a node failure does) and started again on the same port.

import { request } from "node:http";
import { join } from "node:path";
import { type AppUnderTest, startScript } from "./app.js";
import { freePort, type Started, signalGroup, startLogged, stopGroup, waitUntil } from "./processes.js";

export interface ReplicaEnv {
  LOG_LEVEL: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  APP_ID: string;
  PRIVATE_KEY: string;
  WEBHOOK_SECRET: string;
  GHE_HOST: string;
  REDIS_URL?: string;
  /** Anything else the App reads (its KUBEDELTA_* knobs). */
  extra?: Record<string, string>;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", method: "GET", timeout: 500 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

export class Replica {
  private process?: Started;
  port = 0;
  starts = 0;
  /** Exits the load test did not cause (a crash), with their exit codes. */
  readonly crashes: (number | null)[] = [];
  private expectExit = false;

  constructor(
    readonly index: number,
    private readonly app: AppUnderTest,
    private readonly env: ReplicaEnv,
    private readonly logDir: string,
  ) {}

  get log(): string {
    return join(this.logDir, `replica-${this.index}.log`);
  }

  get running(): boolean {
    return (
      this.process !== undefined &&
      this.process.child.exitCode === null &&
      this.process.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const env = {
      PATH: `${join(this.app.dir, "node_modules", ".bin")}:${process.env.PATH}`,
      HOME: process.env.HOME,
      ...this.env.extra,
      ...this.env,
      extra: undefined,
      PORT: String(this.port),
      HOST: "127.0.0.1",
      GHE_PROTOCOL: "http",
      LOG_FORMAT: "json" as const,
    };
    this.process = startLogged("sh", ["-c", startScript(this.app)], {
      cwd: this.app.dir,
      env,
      log: this.log,
    });
    this.starts++;
    this.expectExit = false;
    this.process.exited.then((code) => {
      if (!this.expectExit) this.crashes.push(code);
    });
    await waitUntil(`replica ${this.index}`, () => answers(this.port), this.process, 30_000);
  }

  /** SIGKILL to the replica and everything it started. */
  kill(): void {
    this.expectExit = true;
    if (this.process) signalGroup(this.process, "SIGKILL");
  }

  async stop(): Promise<void> {
    this.expectExit = true;
    if (this.process) await stopGroup(this.process);
    this.process = undefined;
  }
}
