// `npm run bench:load`: the operator's trial of issue 16, measured. A fake GitHub serving many pull
// requests over HTTP (bench/load/fake), a real Redis, replicas of the App started as `npm start`
// starts it behind a round-robin balancer, and scenarios that burst, duplicate, race, kill and
// starve it. Every commit's check is judged against the fixture's known verdict. Prints a table;
// the full results go to a JSON file outside the repository.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { prepareApp } from "./cluster/app.js";
import { Cluster } from "./cluster/cluster.js";
import { readOptions, USAGE } from "./options.js";
import { type Outcome, outcomeOf } from "./outcome.js";
import { scenario } from "./scenarios.js";
import { type Ending, settle } from "./settle.js";
import { details, table } from "./table.js";
import { verifyFixtures } from "./verify-fixtures.js";

export interface ScenarioResult {
  name: string;
  what: string;
  replicas: number;
  redis: boolean;
  notes: string[];
  ending: Ending;
  durationS: number;
  loadBefore: number;
  outcome: Outcome;
}

/**
 * Every request the App made, every delivery and every check run, in seconds from the cluster's
 * start, for looking at where the time went (one JSON object a line, in the scenario's folder).
 */
function writeTimeline(dir: string, cluster: Cluster): void {
  const t = (at: number) => Number(((at - cluster.startedAt) / 1000).toFixed(3));
  const lines = [
    ...cluster.deliveries.map((d) => ({
      t: t(d.sentAt),
      delivery: d.event,
      pull: d.pull.number,
      sha: d.sha.slice(0, 7),
      target: d.target,
      outcome: d.outcome,
      ms: Math.round(d.ms),
    })),
    ...cluster.fake.requests.map((r) => ({
      t: t(r.at),
      done: t(r.end),
      replica: r.replica,
      request: `${r.method} ${r.path}`,
      route: r.route,
      status: r.status,
      write: r.write,
    })),
    ...[...cluster.fake.records.checkRuns.values()].map((c) => ({
      t: t(c.createdAt),
      checkRun: c.id,
      sha: c.head_sha.slice(0, 7),
      status: c.status,
      conclusion: c.conclusion,
      completed: c.completedAt === undefined ? null : t(c.completedAt),
      replica: c.replica,
      title: c.output?.title,
    })),
  ].sort((a, b) => a.t - b.t);
  writeFileSync(join(dir, "timeline.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n"));
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function main(): Promise<void> {
  let options: ReturnType<typeof readOptions>;
  try {
    options = readOptions(process.argv.slice(2), process.env);
    for (const name of options.scenarios) scenario(name, options.sizes);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const runDir = mkdtempSync(join(tmpdir(), "kubedelta-load-"));
  const app = prepareApp(REPO, runDir, options.ref);
  verifyFixtures(app.dir, runDir, [["lb"], ["multi"], ["advice"], ["quiet"], ["docs"], ["docs", "multi"]]);
  const privateKey = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const secret = randomBytes(16).toString("hex");
  console.log(
    `KubeDelta load test: ${app.label}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}; logs in ${runDir}`,
  );

  const results: ScenarioResult[] = [];
  let current: Cluster | undefined;
  process.once("SIGINT", () => {
    console.error("interrupted: stopping the cluster");
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  for (const name of options.scenarios) {
    const spec = scenario(name, options.sizes);
    const plan = spec.plan();
    const dir = join(runDir, spec.name);
    mkdirSync(dir, { recursive: true });
    const fake = {
      readLatencyMs: options.readLatencyMs,
      writeLatencyMs: options.writeLatencyMs,
      secondaryShare: 0,
      secondaryRetryAfter: options.sizes.retryAfterS,
      enforceContentLimits: options.enforceLimits,
      seed: options.sizes.seed,
      ...spec.faults,
    };
    const cluster = new Cluster(plan.world, {
      app,
      replicas: spec.replicas,
      redis: spec.redis,
      fake,
      dir,
      secret,
      privateKey,
      logLevel: options.logLevel,
      appEnv: options.appEnv,
    });
    current = cluster;
    const loadBefore = loadavg()[0];
    const notes: string[] = [];
    try {
      await cluster.start();
      console.log(`${spec.name}: ${spec.what}`);
      await spec.drive(cluster, plan, notes);
      const boundMs = (options.boundS ?? spec.boundS) * 1000;
      const ending = await settle(cluster, plan, boundMs, options.idleS * 1000, performance.now());
      const endedAt = performance.now();
      const outcome = outcomeOf(plan, cluster, endedAt);
      writeTimeline(dir, cluster);
      const result = {
        name: spec.name,
        what: spec.what,
        replicas: spec.replicas,
        redis: spec.redis,
        notes,
        ending,
        durationS: (endedAt - cluster.startedAt) / 1000,
        loadBefore,
        outcome,
      };
      results.push(result);
      console.log(
        `  ${ending} after ${result.durationS.toFixed(0)} s: ${outcome.judged.correct} correct of ${outcome.headCommits + outcome.supersededCommits} commits, p95 ${Number.isFinite(outcome.latency.p95) ? `${outcome.latency.p95.toFixed(1)} s` : "–"}`,
      );
    } finally {
      await cluster.stop();
      current = undefined;
    }
  }
  console.log(`\n${table(results)}\n\n${details(results)}`);
  const file = options.json ?? join(runDir, "last-run.json");
  const cores = cpus().length;
  writeFileSync(file, `${JSON.stringify({ app: app.label, cores, options, results }, null, 2)}\n`);
  console.log(`\nfull results: ${file}`);
}

await main();
