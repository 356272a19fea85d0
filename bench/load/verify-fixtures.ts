// The fixtures' verdicts, held to the KubeDelta CLI of the tree under test before anything is
// measured: if a rule changes and a "risky" commit stops being risky, the load test says so
// instead of reporting the App wrong (or right) against a stale answer.

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Change, expectationOf, teamFiles } from "./fixtures.js";

function writeTree(dir: string, files: Map<string, string>): void {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

export function verifyFixtures(appDir: string, workDir: string, kinds: Change[][]): void {
  for (const changes of kinds) {
    const name = changes.join("+");
    const dir = join(workDir, "fixtures", name);
    const neighbour = teamFiles("team-2");
    writeTree(join(dir, "base"), new Map([...teamFiles("team-1"), ...neighbour]));
    writeTree(join(dir, "head"), new Map([...teamFiles("team-1", changes), ...neighbour]));
    const cli = spawnSync(
      "node",
      [join(appDir, "bin", "kubedelta.js"), "diff", "base", "head", "--format", "json"],
      { cwd: dir, encoding: "utf8" },
    );
    let report: { findings: { rule: string; blocking: boolean }[]; errors: unknown[] };
    try {
      report = JSON.parse(cli.stdout);
    } catch {
      throw new Error(
        `the CLI could not judge the "${name}" fixture (exit ${cli.status}): ${cli.stderr.slice(0, 500)}`,
      );
    }
    const expect = expectationOf(changes);
    const blocking = [...new Set(report.findings.filter((f) => f.blocking).map((f) => f.rule))].sort();
    const conclusion = blocking.length > 0 || report.errors.length > 0 ? "failure" : "success";
    const problems = [
      conclusion !== expect.conclusion && `concludes ${conclusion}, the fixture says ${expect.conclusion}`,
      blocking.join(",") !== [...expect.blockingRules].sort().join(",") &&
        `blocks on [${blocking}], the fixture says [${expect.blockingRules}]`,
      report.findings.length > 0 !== expect.findings &&
        `${report.findings.length} findings, the fixture says ${expect.findings ? "some" : "none"}`,
    ].filter(Boolean);
    if (problems.length > 0)
      throw new Error(
        `fixture "${name}" no longer holds: the CLI ${problems.join("; ")} (bench/load/fixtures.ts)`,
      );
  }
}
