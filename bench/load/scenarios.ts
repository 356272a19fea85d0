// The operator's trial of issue 16, scenario by scenario: what is served, how many replicas, with or
// without Redis, which faults, and what happens when (deliveries, a kill, Redis going away). Each is
// bounded in time; the sizes come from the command line (./options.ts).

import { setTimeout as sleep } from "node:timers/promises";
import type { Cluster } from "./cluster/cluster.js";
import { type Delivery, type DeliveryRecord, pullRequestDelivery } from "./deliveries.js";
import type { FakeOptions } from "./fake/server.js";
import type { Change } from "./fixtures.js";
import { latestRun } from "./judge.js";
import { buildPlan, burstPulls, cycled, type Plan, type PlannedPull } from "./plan.js";

export interface Sizes {
  /** Pull requests of the burst, and the seconds they are opened in. */
  burst: number;
  windowS: number;
  replicas: number;
  /** Pull requests of the smaller scenarios. */
  small: number;
  installations: number;
  secondaryShare: number;
  retryAfterS: number;
  restartAfterS: number;
  redisDownS: number;
  /** Seed of the burst's order (and of the fault injection). */
  seed: number;
}

export interface Scenario {
  name: string;
  what: string;
  replicas: number;
  redis: boolean;
  plan: () => Plan;
  faults?: Partial<FakeOptions>;
  /** Sends the deliveries and does what the scenario does to the cluster; notes what happened. */
  drive: (cluster: Cluster, plan: Plan, notes: string[]) => Promise<void>;
  /** Seconds the scenario may take from its first delivery. */
  boundS: number;
}

function opened(p: PlannedPull): Delivery {
  return pullRequestDelivery(p.pull, "opened", p.commits[0].sha);
}

/** Opens every pull request, spread evenly over `windowS`, through the balancer. */
async function openSpread(cluster: Cluster, plan: Plan, windowS: number): Promise<DeliveryRecord[]> {
  const gap = (windowS * 1000) / Math.max(1, plan.pulls.length);
  const start = performance.now();
  return Promise.all(
    plan.pulls.map(async (p, i) => {
      await sleep(Math.max(0, start + i * gap - performance.now()));
      return cluster.send(opened(p));
    }),
  );
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await sleep(100);
  }
  return condition();
}

function burst(sizes: Sizes, redis: boolean): Scenario {
  return {
    name: redis ? "burst+redis" : "burst",
    what: `${sizes.burst} pull requests opened within ${sizes.windowS} s`,
    replicas: sizes.replicas,
    redis,
    plan: () => buildPlan(burstPulls(sizes.burst, sizes.seed), sizes.installations),
    drive: async (cluster, plan) => {
      await openSpread(cluster, plan, sizes.windowS);
    },
    boundS: 420,
  };
}

/** One pull request at a time on one replica: what a review costs on this machine, unloaded. */
function solo(): Scenario {
  return {
    name: "solo",
    what: "3 pull requests one after another, 1 replica (calibration)",
    replicas: 1,
    redis: false,
    plan: () => buildPlan([[["lb"]], [["advice"]], [["quiet"]]]),
    drive: async (cluster, plan) => {
      for (const p of plan.pulls) {
        await cluster.send(opened(p));
        await waitFor(() => latestRun(cluster.fake.records, p, p.commits[0])?.status === "completed", 60_000);
      }
    },
    boundS: 120,
  };
}

/** Head A then head B pushed at once: opened(A) and synchronize(B) arrive together. */
function sync(sizes: Sizes, redis: boolean): Scenario {
  const pairs: Change[][][] = Array.from({ length: sizes.small }, (_, i) =>
    i % 2 === 0 ? [["lb"], ["docs"]] : [["docs"], ["docs", "multi"]],
  );
  return {
    name: redis ? "sync+redis" : "sync",
    what: `${sizes.small} pull requests: opened(head A) + synchronize(head B) at once`,
    replicas: sizes.replicas,
    redis,
    plan: () => buildPlan(pairs, sizes.installations),
    drive: async (cluster, plan) => {
      await Promise.all(
        plan.pulls.flatMap((p) => [
          cluster.send(pullRequestDelivery(p.pull, "opened", p.commits[0].sha)),
          cluster.send(pullRequestDelivery(p.pull, "synchronize", p.commits[1].sha, p.commits[0].sha)),
        ]),
      );
    },
    boundS: 180,
  };
}

/** GitHub delivers the same event twice, to two replicas at the same moment. */
function duplicates(sizes: Sizes, redis: boolean): Scenario {
  const kinds: Change[][] = [["multi"], ["advice"], ["lb"]];
  return {
    name: redis ? "dup+redis" : "dup",
    what: `${sizes.small} pull requests, every delivery sent twice to two replicas at once`,
    replicas: sizes.replicas,
    redis,
    plan: () => buildPlan(cycled(kinds, sizes.small), sizes.installations),
    drive: async (cluster, plan) => {
      await Promise.all(
        plan.pulls.flatMap((p) => {
          const delivery = opened(p);
          return [cluster.send(delivery, 0), cluster.send(delivery, 1 % cluster.replicas.length)];
        }),
      );
    },
    boundS: 180,
  };
}

/** The replica that took the deliveries is killed once it has started reviewing, then restarted. */
function kill(sizes: Sizes, redis: boolean): Scenario {
  const kinds: Change[][] = [["lb"], ["advice"], ["multi"]];
  return {
    name: redis ? "kill+redis" : "kill",
    what: `${sizes.small} pull requests to replica 0, SIGKILL mid-review, restart after ${sizes.restartAfterS} s`,
    replicas: sizes.replicas,
    redis,
    plan: () => buildPlan(cycled(kinds, sizes.small), sizes.installations),
    drive: async (cluster, plan, notes) => {
      const sent = Promise.all(plan.pulls.map((p) => cluster.send(opened(p), 0)));
      const runs = () => [...cluster.fake.records.checkRuns.values()];
      const started = () => runs().filter((r) => r.replica === 0).length;
      // Mid-review: replica 0 has started a check run, and reviews are under way.
      const midReview = await waitFor(() => started() >= 1 && runs().length >= 2, 30_000);
      cluster.replicas[0].kill();
      notes.push(
        `killed replica 0 at ${((performance.now() - cluster.startedAt) / 1000).toFixed(1)} s` +
          (midReview
            ? ` with ${started()} check runs started by it, ${runs().filter((r) => r.status === "completed").length} of ${runs().length} runs completed`
            : ", before it had started any review"),
      );
      await sent;
      await sleep(sizes.restartAfterS * 1000);
      await cluster.replicas[0].start();
      notes.push(`restarted replica 0 at ${((performance.now() - cluster.startedAt) / 1000).toFixed(1)} s`);
    },
    boundS: 180,
  };
}

/** A share of writes is refused with GitHub's secondary rate limit and a retry-after. */
function secondary(sizes: Sizes, redis: boolean): Scenario {
  return {
    name: redis ? "secondary+redis" : "secondary",
    what: `${sizes.small * 2} pull requests, ${Math.round(sizes.secondaryShare * 100)} % of writes refused (403, retry-after ${sizes.retryAfterS} s)`,
    replicas: sizes.replicas,
    redis,
    plan: () => buildPlan(burstPulls(sizes.small * 2, sizes.seed), sizes.installations),
    faults: { secondaryShare: sizes.secondaryShare, secondaryRetryAfter: sizes.retryAfterS },
    drive: async (cluster, plan) => {
      await openSpread(cluster, plan, 2);
    },
    boundS: 180,
  };
}

/** Redis stops while the deliveries arrive and comes back; failed deliveries are redelivered once. */
function redisOutage(sizes: Sizes): Scenario {
  const count = sizes.small * 4;
  return {
    name: "redis-outage",
    what: `${count} pull requests within ${sizes.windowS} s, Redis stopped at 1.5 s for ${sizes.redisDownS} s, failed deliveries redelivered once`,
    replicas: sizes.replicas,
    redis: true,
    plan: () => buildPlan(burstPulls(count, sizes.seed), sizes.installations),
    drive: async (cluster, plan, notes) => {
      const deliveries = new Map(plan.pulls.map((p) => [p, opened(p)]));
      const gap = (sizes.windowS * 1000) / count;
      const start = performance.now();
      const sent = Promise.all(
        plan.pulls.map(async (p, i) => {
          await sleep(Math.max(0, start + i * gap - performance.now()));
          return cluster.send(deliveries.get(p)!);
        }),
      );
      await sleep(1500);
      await cluster.redis!.stop();
      notes.push(`Redis stopped at ${((performance.now() - cluster.startedAt) / 1000).toFixed(1)} s`);
      await sleep(sizes.redisDownS * 1000);
      await cluster.redis!.start();
      notes.push(`Redis back at ${((performance.now() - cluster.startedAt) / 1000).toFixed(1)} s`);
      const records = await sent;
      await sleep(3000);
      // GitHub redelivers a failed delivery (by hand or through its API) with the same delivery id.
      const failed = records.filter(
        (r) => r.outcome === "error" || (typeof r.outcome === "number" && r.outcome >= 500),
      );
      const byGuid = new Map([...deliveries.values()].map((d) => [d.guid, d]));
      await Promise.all(failed.map((r) => cluster.send(byGuid.get(r.guid)!, "balancer", true)));
      notes.push(`${failed.length} failed deliveries redelivered`);
    },
    boundS: 180,
  };
}

const BASES = ["solo", "burst", "sync", "dup", "kill", "secondary", "redis-outage"];

export const DEFAULT_SCENARIOS = [
  "solo",
  "burst",
  "burst+redis",
  "sync+redis",
  "dup+redis",
  "kill+redis",
  "secondary+redis",
  "redis-outage",
];

/** The scenario of a name: a base name, "+redis" to use Redis. */
export function scenario(name: string, sizes: Sizes): Scenario {
  const redis = name.endsWith("+redis");
  const base = redis ? name.slice(0, -"+redis".length) : name;
  switch (base) {
    case "solo":
      return solo();
    case "burst":
      return burst(sizes, redis);
    case "sync":
      return sync(sizes, redis);
    case "dup":
      return duplicates(sizes, redis);
    case "kill":
      return kill(sizes, redis);
    case "secondary":
      return secondary(sizes, redis);
    case "redis-outage":
      return redisOutage(sizes);
    default:
      throw new Error(`unknown scenario "${name}": one of ${BASES.join(", ")}, each optionally with +redis`);
  }
}
