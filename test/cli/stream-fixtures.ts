// Inputs of the tests of `kubedelta diff` with standard input and pipes.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const service = (type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ${type}}\n`;

/** A folder with old.yaml (a ClusterIP Service), svc.yaml (a LoadBalancer) and an empty folder, tree. */
export function files(): string {
  const dir = mkdtempSync(join(tmpdir(), "kd-streams-"));
  writeFileSync(join(dir, "old.yaml"), service("ClusterIP"));
  writeFileSync(join(dir, "svc.yaml"), service("LoadBalancer"));
  mkdirSync(join(dir, "tree"));
  return dir;
}

/** The rule, file and line of each finding of a JSON report. */
export const where = (stdout: string) =>
  JSON.parse(stdout).findings.map(
    (f: { rule: string; file: string; line: number }) => `${f.rule} ${f.file}:${f.line}`,
  );
