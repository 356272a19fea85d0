// The command line of `npm run bench:load` (every flag also as KUBEDELTA_LOAD_<FLAG>, e.g.
// KUBEDELTA_LOAD_SCENARIOS=burst,kill+redis).

import { parseArgs } from "node:util";
import { DEFAULT_SCENARIOS, type Sizes } from "./scenarios.js";

export interface Options {
  scenarios: string[];
  /** A git ref to export and measure; the working tree when absent. */
  ref?: string;
  sizes: Sizes;
  readLatencyMs: number;
  writeLatencyMs: number;
  enforceLimits: boolean;
  /** Overrides every scenario's bound (seconds from its start). */
  boundS?: number;
  /** Stop waiting when the App has sent nothing for this long. */
  idleS: number;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  /** More environment for the replicas (the App's own knobs, e.g. KUBEDELTA_REQUEST_TIMEOUT_MS). */
  appEnv: Record<string, string>;
  json?: string;
}

export const USAGE = `npm run bench:load -- [options]
  --scenarios LIST       comma-separated (default ${DEFAULT_SCENARIOS.join(",")});
                         solo, burst, sync, dup, kill, secondary, each optionally +redis, and redis-outage
  --ref REF              measure this commit (exported with git archive and built), not the working tree
  --prs N                pull requests of the burst (80)        --window S   opened within S seconds (4)
  --replicas N           replicas behind the balancer (3)       --small N    pull requests of the other scenarios (6)
  --installations N      installations (one repository each) the pull requests are spread over (1)
  --secondary-share F    share of writes refused with a secondary rate limit in "secondary" (0.25)
  --retry-after S        the retry-after of those refusals (3)
  --restart-after S      seconds a killed replica stays down (10)   --redis-down S  seconds Redis stays down (10)
  --read-latency MS      fake GitHub's answer time for reads (30)   --write-latency MS  for writes (80)
  --enforce-limits       refuse writes over GitHub's 80 a minute / 500 an hour per installation (always counted)
  --bound S              every scenario's time bound (default: 420 for the burst, 180 others)
  --idle S               give up when the App has been silent this long (90)
  --seed N               seed of the burst's order and of the fault injection (16)
  --log-level LEVEL      the replicas' LOG_LEVEL (warn); their logs are in the run's folder
  --env KEY=VALUE        more environment for the replicas, e.g. KUBEDELTA_CONCURRENCY=8 (repeatable)
  --json FILE            where to write the full results (default: the run's folder in the temp dir)`;

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const flags = {
    scenarios: { type: "string" },
    ref: { type: "string" },
    prs: { type: "string" },
    window: { type: "string" },
    replicas: { type: "string" },
    small: { type: "string" },
    installations: { type: "string" },
    "secondary-share": { type: "string" },
    "retry-after": { type: "string" },
    "restart-after": { type: "string" },
    "redis-down": { type: "string" },
    "read-latency": { type: "string" },
    "write-latency": { type: "string" },
    "enforce-limits": { type: "boolean" },
    bound: { type: "string" },
    idle: { type: "string" },
    seed: { type: "string" },
    "log-level": { type: "string" },
    env: { type: "string", multiple: true },
    json: { type: "string" },
    help: { type: "boolean", short: "h" },
  } as const;
  const { values } = parseArgs({ args: argv, options: flags, strict: true });
  type Single = Exclude<keyof typeof flags, "env">;
  const raw = (name: Single): string | boolean | undefined =>
    values[name] ?? env[`KUBEDELTA_LOAD_${name.toUpperCase().replace(/-/g, "_")}`];
  if (raw("help")) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: Single, fallback: number, min = 0): number => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min)
      throw new Error(`--${name} must be a number of at least ${min}, not "${value}"`);
    return parsed;
  };
  const text = (name: Single) => {
    const value = raw(name);
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const enforce = raw("enforce-limits");
  return {
    scenarios: (text("scenarios") ?? DEFAULT_SCENARIOS.join(","))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    ref: text("ref"),
    sizes: {
      burst: number("prs", 80, 1),
      windowS: number("window", 4),
      replicas: number("replicas", 3, 2),
      small: number("small", 6, 1),
      installations: number("installations", 1, 1),
      secondaryShare: number("secondary-share", 0.25),
      retryAfterS: number("retry-after", 3),
      restartAfterS: number("restart-after", 10),
      redisDownS: number("redis-down", 10),
      seed: number("seed", 16),
    },
    readLatencyMs: number("read-latency", 30),
    writeLatencyMs: number("write-latency", 80),
    enforceLimits: enforce === true || enforce === "1" || enforce === "true",
    boundS: raw("bound") === undefined ? undefined : number("bound", 0, 1),
    idleS: number("idle", 90, 1),
    logLevel: logLevel(text("log-level") ?? "warn"),
    appEnv: appEnv(values.env ?? []),
    json: text("json"),
  };
}

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

function logLevel(value: string): Options["logLevel"] {
  const level = LEVELS.find((l) => l === value);
  if (!level) throw new Error(`--log-level must be one of ${LEVELS.join(", ")}, not "${value}"`);
  return level;
}

function appEnv(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new Error(`--env takes KEY=VALUE, not "${pair}"`);
      return [match[1], match[2]];
    }),
  );
}
