// The operator's load balancer in front of the replicas: round robin, and like a Service with
// readiness, a replica that refuses the connection is skipped for the next one; 502 when none
// answers. It counts what each replica was handed.

import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export class Balancer {
  private server?: Server;
  private next = 0;
  readonly handled: number[];
  port = 0;

  constructor(private readonly backends: () => number[]) {
    this.handled = backends().map(() => 0);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.forward(req, Buffer.concat(chunks), res, 0));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, tried: number): void {
    const ports = this.backends();
    if (tried >= ports.length) {
      res.writeHead(502, { "content-type": "text/plain" }).end("no replica answered");
      return;
    }
    const index = this.next++ % ports.length;
    const upstream = request(
      { host: "127.0.0.1", port: ports[index], method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        this.handled[index]++;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED" && !res.headersSent) this.forward(req, body, res, tried + 1);
      else if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(String(error));
      else res.destroy();
    });
    upstream.end(body);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
