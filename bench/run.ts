// `npm run bench`: the engine's review() against bare YAML parsing, at several corpus sizes.
// Each size runs in a fresh child process (bench/measure.ts) so its peak RSS is its own; this
// parent generates the corpora, collects the children's JSON and prints one report.
//
// BENCH_SIZES=1000,10000 picks the sizes; BENCH_BUDGET_S (default 300) bounds the whole run:
// a bare-parser reference that would overrun it is extrapolated from a sample, and says so.

import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { type Corpus, generateCorpus } from "./corpus.js";
import { RESULT_PREFIX, type ReferenceTiming, type SizeResult } from "./types.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MEASURE = fileURLToPath(new URL("./measure.ts", import.meta.url));
const SCRATCH = fileURLToPath(new URL("./.corpus/", import.meta.url));
const DEFAULT_SIZES = [1_000, 10_000, 50_000];

const TARGET = { vsYaml: 1.3, vsJsYaml: 3, rssMb: 600, rssSize: 10_000, linearity: 1.5, reReview: 1.25 };

interface SizeRun {
  size: number;
  corpus: { files: number; changedFiles: number; edits: Record<string, number>; generateMs: number };
  result?: SizeResult;
  failure?: string;
}

function sizesFromEnv(): number[] {
  const raw = process.env.BENCH_SIZES;
  if (!raw) return DEFAULT_SIZES;
  const sizes = raw.split(",").map((s) => Number(s.trim().replace(/_/g, "")));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`BENCH_SIZES: not a list of positive integers: ${raw}`);
  return sizes;
}

/** Big sizes run once: a single 50k pass already takes tens of seconds per parser. */
function runsFor(size: number): number {
  return size > 10_000 ? 1 : 3;
}

function changedFiles(corpus: Corpus): number {
  let changed = 0;
  for (const [path, text] of corpus.head) if (corpus.base.get(path) !== text) changed++;
  for (const path of corpus.base.keys()) if (!corpus.head.has(path)) changed++;
  return changed;
}

/** Head texts identical to the base are written as null: the child shares one string for both. */
function writeCorpus(corpus: Corpus, size: number): string {
  mkdirSync(SCRATCH, { recursive: true });
  const path = `${SCRATCH}corpus-${size}-${process.pid}.json`;
  const head = [...corpus.head].map(([p, text]) => [p, corpus.base.get(p) === text ? null : text]);
  writeFileSync(path, JSON.stringify({ size, base: [...corpus.base], head }));
  return path;
}

function measure(size: number, deadline: number): SizeRun {
  process.stderr.write(`${label(size)} resources: generating corpus…\n`);
  const start = performance.now();
  const corpus = generateCorpus(size);
  const generateMs = performance.now() - start;
  const run: SizeRun = {
    size,
    corpus: { files: corpus.base.size, changedFiles: changedFiles(corpus), edits: corpus.edits, generateMs },
  };
  const file = writeCorpus(corpus, size);
  try {
    const args = ["--expose-gc", "--import", "tsx", MEASURE, file, String(runsFor(size)), String(deadline)];
    const child = spawnSync(process.execPath, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = child.stdout?.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
    if (line) run.result = JSON.parse(line.slice(RESULT_PREFIX.length)) as SizeResult;
    else
      run.failure = `child exited with ${child.status ?? child.signal}${child.error ? `: ${child.error.message}` : ""}`;
  } finally {
    rmSync(file, { force: true });
  }
  return run;
}

// ---- formatting -------------------------------------------------------------------------

function label(size: number): string {
  return size % 1000 === 0 ? `${size / 1000}k` : String(size);
}

function num(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function seconds(ms: number, estimated = false): string {
  return `${estimated ? "~" : ""}${num(ms / 1000, 2)}`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

function tilde(timing: ReferenceTiming): string {
  return timing.estimated ? "~" : "";
}

function ratio(value: number): string {
  return `${num(value, 2)}×`;
}

function percent(value: number): string {
  return `${num(value * 100, value < 0.01 ? 2 : 1)}%`;
}

function verdict(pass: boolean | undefined): string {
  if (pass === undefined) return "n/a ";
  return pass ? "PASS" : "FAIL";
}

interface Measured {
  size: number;
  result: SizeResult;
  engineMs: number;
}

function measured(runs: SizeRun[]): Measured[] {
  return runs.flatMap((run) =>
    run.result?.engine ? [{ size: run.size, result: run.result, engineMs: run.result.engine.ms }] : [],
  );
}

function throughputTable(runs: SizeRun[]): string[] {
  const header = ["resources", "files b/h", "MB b+h", "MB parsed", "yaml s", "js-yaml s", "engine s"];
  header.push(`eng/yaml ≤${TARGET.vsYaml}×`, `eng/js-yaml ≤${TARGET.vsJsYaml}×`, "MB/s", "res/s");
  header.push(`peak RSS (${label(TARGET.rssSize)} <${TARGET.rssMb})`);
  const rows = runs.map((run) => {
    const r = run.result;
    if (!r) return [label(run.size), run.failure ?? "failed", ...Array(header.length - 2).fill("")];
    const e = r.engine;
    const cells = [
      label(run.size),
      `${num(r.filesBase)}/${num(r.filesHead)}`,
      num(r.mbTotal, 1),
      num(r.mbParsed, 1),
    ];
    cells.push(seconds(r.yaml.ms, r.yaml.estimated), seconds(r.jsYaml.ms, r.jsYaml.estimated));
    if (!e) return [...cells, "failed", "", "", "", "", `${num(r.peakRssMb)} MB`];
    cells.push(
      seconds(e.ms),
      `${tilde(r.yaml)}${ratio(e.ms / r.yaml.ms)}`,
      `${tilde(r.jsYaml)}${ratio(e.ms / r.jsYaml.ms)}`,
    );
    cells.push(num(r.mbTotal / (e.ms / 1000), 1), num(run.size / (e.ms / 1000)), `${num(r.peakRssMb)} MB`);
    return cells;
  });
  return table(header, rows);
}

function reReviewTable(runs: Measured[]): string[] {
  const header = [
    "resources",
    "full review s",
    "re-review ms",
    "warm same PR ms",
    "files parsed",
    "cache hits",
  ];
  header.push("re/full", `re/warm ≤${TARGET.reReview}×`);
  header.push("µs/resource", "findings", "input errors");
  const rows = runs.map(({ size, result, engineMs }) => {
    const e = result.engine!;
    const re = result.reReview;
    const findings = Object.values(e.findings).reduce((a, b) => a + b, 0);
    return [
      label(size),
      seconds(engineMs),
      re ? num(re.ms, 1) : "failed",
      re ? num(re.warmMs, 1) : "",
      re ? re.filesParsed.join("/") : "",
      re ? num(re.parseCacheHits) : "",
      re ? percent(re.ms / engineMs) : "",
      re ? ratio(re.ms / re.warmMs) : "",
      num((engineMs * 1000) / size, 1),
      num(findings),
      num(e.errors.length),
    ];
  });
  return table(header, rows);
}

function targetLines(runs: Measured[]): string[] {
  const perSize = (fn: (m: Measured) => string) => runs.map((m) => `${label(m.size)} ${fn(m)}`).join(" · ");
  const all = (test: (m: Measured) => boolean) => (runs.length > 0 ? runs.every(test) : undefined);
  const lines: [boolean | undefined, string, string][] = [];

  const vsYaml = (m: Measured) => m.engineMs / m.result.yaml.ms;
  lines.push([
    all((m) => vsYaml(m) <= TARGET.vsYaml),
    `engine ≤ ${TARGET.vsYaml}× bare yaml parse`,
    perSize((m) => tilde(m.result.yaml) + ratio(vsYaml(m))),
  ]);
  const vsJs = (m: Measured) => m.engineMs / m.result.jsYaml.ms;
  lines.push([
    all((m) => vsJs(m) <= TARGET.vsJsYaml),
    `engine ≤ ${TARGET.vsJsYaml}× js-yaml loadAll`,
    perSize((m) => tilde(m.result.jsYaml) + ratio(vsJs(m))),
  ]);

  const rss = runs.find((m) => m.size === TARGET.rssSize);
  const rssText = rss ? `${num(rss.result.peakRssMb)} MB` : `${label(TARGET.rssSize)} not run`;
  lines.push([
    rss ? rss.result.peakRssMb < TARGET.rssMb : undefined,
    `${label(TARGET.rssSize)} peak RSS < ${TARGET.rssMb} MB`,
    rssText,
  ]);

  const first = runs[0];
  const last = runs[runs.length - 1];
  if (first && last && first !== last) {
    const growth = last.engineMs / last.size / (first.engineMs / first.size);
    const name = `per-resource time ${label(last.size)} ≤ ${TARGET.linearity}× ${label(first.size)}`;
    lines.push([growth <= TARGET.linearity, name, ratio(growth)]);
  } else {
    lines.push([undefined, `per-resource time roughly constant (≤ ${TARGET.linearity}×)`, "needs two sizes"]);
  }

  // A push re-judges the whole PR (its findings must be complete) but parses only the pushed file:
  // it must cost about what re-reviewing the unchanged PR costs, whatever the repository's size.
  const rePush = (m: Measured) => {
    const re = m.result.reReview;
    return re?.filesParsed.every((n) => n === 1) ? re.ms / re.warmMs : Number.POSITIVE_INFINITY;
  };
  const reName = `one-file push parses 1 file, costs ≤ ${TARGET.reReview}× a warm re-review`;
  lines.push([all((m) => rePush(m) <= TARGET.reReview), reName, perSize((m) => ratio(rePush(m)))]);

  const width = Math.max(...lines.map(([, name]) => name.length));
  const passed = lines.filter(([pass]) => pass === true).length;
  return [
    ...lines.map(([pass, name, value]) => `  ${verdict(pass)}  ${name.padEnd(width)}  ${value}`),
    `  ${passed}/${lines.length} targets pass`,
  ];
}

function linearityLine(runs: Measured[]): string {
  const parts = runs.map((m) => `${label(m.size)} ${num((m.engineMs * 1000) / m.size, 1)} µs`);
  return `Time per resource (engine): ${parts.join(" · ")}`;
}

function noteLines(runs: SizeRun[]): string[] {
  const notes: string[] = [];
  for (const run of runs) {
    const r = run.result;
    const edits = Object.entries(run.corpus.edits)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    notes.push(
      `${label(run.size)}: ${num(run.corpus.changedFiles)} of ${num(run.corpus.files)} files differ (generated in ${num(run.corpus.generateMs)} ms); edits: ${edits}`,
    );
    if (!r) continue;
    for (const [name, t] of [
      ["yaml", r.yaml],
      ["js-yaml", r.jsYaml],
    ] as const) {
      if (t.estimated) {
        notes.push(
          `${label(run.size)}: ${name} time is ESTIMATED from a ${percent(t.sampleShare ?? 0)} sample (full parse would overrun the budget)`,
        );
      }
    }
    if (r.engine) {
      const findings = Object.entries(r.engine.findings)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      notes.push(`${label(run.size)}: findings: ${findings || "none"}`);
      const s = r.engine;
      notes.push(
        `${label(run.size)}: engine parsed ${num(s.filesParsed)} texts (${num(r.distinctTexts)} distinct), ${num(s.parseCacheHits)} cache hits; ` +
          `${num(s.resourcesBase)}/${num(s.resourcesHead)} resources, ${num(s.changed)} changed, ${num(s.moved)} moved`,
      );
      for (const error of r.engine.errors) notes.push(`${label(run.size)}: input error: ${error}`);
    }
    if (r.engineError)
      notes.push(`${label(run.size)}: ENGINE FAILED: ${r.engineError.split("\n").slice(0, 4).join(" | ")}`);
  }
  return notes;
}

function report(runs: SizeRun[], elapsedMs: number): string {
  const ok = measured(runs);
  const any = runs.find((r) => r.result)?.result;
  const peakNote = any?.peakReset === false ? "over the whole child" : "from after the corpus was loaded";
  const lines = [
    "",
    `KubeDelta bench — node ${process.version}, ${cpus().length} CPUs, ${process.platform}/${process.arch}; total ${num(elapsedMs / 1000, 1)} s`,
    "",
    "Throughput (best of 3 runs up to 10k resources, 1 run above; ~ = estimated)",
    ...throughputTable(runs).map((l) => `  ${l}`),
    "",
    "Re-review after a one-file push (same ParseCache), and scaling",
    ...reReviewTable(ok).map((l) => `  ${l}`),
    `  ${linearityLine(ok)}`,
    "",
    "Targets",
    ...targetLines(ok),
    "",
    "How it is measured",
    "  yaml = yaml.parseAllDocuments (AST only); js-yaml = loadAll; both over the distinct texts the engine parses",
    "  (a file identical in base and head counts once). engine = review() with a fresh ParseCache and the default",
    "  policy. MB/s and res/s are base+head MB and corpus resources per second of engine time.",
    `  Peak RSS: VmHWM of the child process, ${peakNote}; it includes the corpus texts.`,
    `  Whole-repository corpora exceed a PR's 3,000 files: limits.maxFiles and the ParseCache capacity are raised`,
    "  to fit the corpus. The re-review changes one image tag in one file; the cache must hold every other text.",
    "",
    "Corpus and findings",
    ...noteLines(runs).map((l) => `  ${l}`),
    "",
  ];
  return lines.join("\n");
}

function main(): void {
  const sizes = sizesFromEnv();
  const budgetMs = Number(process.env.BENCH_BUDGET_S ?? 300) * 1000;
  const start = Date.now();
  const runs: SizeRun[] = [];
  for (const size of sizes) runs.push(measure(size, start + budgetMs));
  process.stdout.write(report(runs, Date.now() - start));
  // A report, not a gate: the verdicts are in the output, the exit code stays 0.
  process.exitCode = 0;
}

main();
