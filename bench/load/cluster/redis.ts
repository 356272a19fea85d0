// A real Redis (Debian's redis-server) on a free loopback port, with an append-only file in its
// own folder so that stopping and starting it again keeps its data, as an operator runs a queue.

import { mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort, type Started, startLogged, stopGroup, waitUntil } from "./processes.js";

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      resolve(data.toString().startsWith("+PONG"));
      socket.destroy();
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      resolve(false);
      socket.destroy();
    });
  });
}

export class RedisServer {
  private process?: Started;
  port = 0;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "yes",
      "--dir",
      this.dir,
    ];
    this.process = startLogged("redis-server", args, {
      cwd: this.dir,
      env: process.env,
      log: join(this.dir, "redis.log"),
    });
    await waitUntil("redis-server", () => ping(this.port), this.process, 10_000);
  }

  async stop(): Promise<void> {
    if (this.process) await stopGroup(this.process);
    this.process = undefined;
  }
}
