// One scenario's installation: the fake GitHub, a Redis when the scenario uses one, the replicas
// and the balancer in front of them. Deliveries go through the balancer or straight to a replica,
// and every one is recorded with its answer.

import { join } from "node:path";
import { type Delivery, type DeliveryRecord, deliver } from "../deliveries.js";
import { APP_ID } from "../fake/rest.js";
import { type FakeOptions, LoadGitHub } from "../fake/server.js";
import type { World } from "../fake/world.js";
import type { AppUnderTest } from "./app.js";
import { Balancer } from "./balancer.js";
import { RedisServer } from "./redis.js";
import { Replica, type ReplicaEnv } from "./replica.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export interface ClusterOptions {
  app: AppUnderTest;
  replicas: number;
  redis: boolean;
  fake: FakeOptions;
  /** This scenario's folder: replica logs, Redis's data. */
  dir: string;
  secret: string;
  privateKey: string;
  logLevel: ReplicaEnv["LOG_LEVEL"];
  appEnv: Record<string, string>;
}

export class Cluster {
  readonly fake: LoadGitHub;
  readonly replicas: Replica[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  readonly redis?: RedisServer;
  private balancer?: Balancer;
  /** performance.now() when the cluster was ready: the scenario's clock starts there. */
  startedAt = 0;

  constructor(
    world: World,
    private readonly options: ClusterOptions,
  ) {
    this.fake = new LoadGitHub(world, options.fake);
    if (options.redis) this.redis = new RedisServer(join(options.dir, "redis"));
  }

  async start(): Promise<void> {
    await this.fake.start(this.options.replicas);
    await this.redis?.start();
    for (let i = 0; i < this.options.replicas; i++) {
      const env: ReplicaEnv = {
        LOG_LEVEL: this.options.logLevel,
        extra: this.options.appEnv,
        APP_ID: String(APP_ID),
        PRIVATE_KEY: this.options.privateKey,
        WEBHOOK_SECRET: this.options.secret,
        GHE_HOST: this.fake.host(i),
        ...(this.redis ? { REDIS_URL: this.redis.url } : {}),
      };
      this.replicas.push(new Replica(i, this.options.app, env, this.options.dir));
    }
    // One at a time: on two cores, starting them together only makes each slower.
    for (const replica of this.replicas) await replica.start();
    this.balancer = new Balancer(() => this.replicas.map((r) => r.port));
    await this.balancer.start();
    this.startedAt = performance.now();
  }

  /** What the balancer handed each replica. */
  get balanced(): number[] {
    return this.balancer?.handled ?? [];
  }

  /** Sends one delivery through the balancer, or to replica `target`. */
  async send(
    delivery: Delivery,
    target: "balancer" | number = "balancer",
    redelivery = false,
  ): Promise<DeliveryRecord> {
    const port = target === "balancer" ? this.balancer!.port : this.replicas[target].port;
    const record: DeliveryRecord = {
      guid: delivery.guid,
      event: delivery.event,
      pull: delivery.pull,
      sha: delivery.sha,
      target: target === "balancer" ? "balancer" : `replica ${target}`,
      sentAt: performance.now(),
      ms: 0,
      outcome: "error",
      redelivery,
    };
    this.deliveries.push(record);
    const { outcome, ms } = await deliver(
      `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
      delivery,
      this.options.secret,
    );
    record.outcome = outcome;
    record.ms = ms;
    return record;
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop()));
    await this.balancer?.stop();
    await this.redis?.stop();
    await this.fake.stop();
  }
}
