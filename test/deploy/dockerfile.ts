// A reader for the repository's own Dockerfile and .dockerignore, enough to check their wiring
// without a Docker engine: instructions with their line, grouped into stages, and the context's
// ignore rules. It reads the subset of the syntax our Dockerfile uses and refuses the rest.

import { minimatch } from "minimatch";

export interface Instruction {
  /** Upper case: FROM, RUN, COPY, ENV, … */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  /** The line the instruction starts on (1-based). */
  line: number;
}

export interface Stage {
  /** The image or stage it starts from. */
  from: string;
  /** Its `AS` name, if any. */
  name?: string;
  instructions: Instruction[];
}

/** The instructions of a Dockerfile; comments and blank lines dropped, `\` continuations joined. */
export function instructionsOf(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const continued = line.endsWith("\\");
    const part = continued ? line.slice(0, -1).trim() : line;
    if (pending) pending.parts.push(part);
    else pending = { parts: [part], line: index + 1 };
    if (continued) return;
    const joined = pending.parts.join(" ");
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(joined);
    if (!match) throw new Error(`Dockerfile:${pending.line}: cannot read ${JSON.stringify(joined)}`);
    instructions.push({ keyword: match[1].toUpperCase(), args: match[2], line: pending.line });
    pending = undefined;
  });
  if (pending) throw new Error(`Dockerfile:${pending.line}: ends inside a continued instruction`);
  return instructions;
}

export function stagesOf(instructions: readonly Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`Dockerfile:${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ from: match[1], name: match[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile:${instruction.line}: ${instruction.keyword} before any FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

export interface Copy {
  /** The stage of `--from=`, or undefined for the build context. */
  fromStage?: string;
  sources: string[];
  destination: string;
  line: number;
}

/** A COPY in shell form (`COPY [--from=X] SRC… DEST`); the JSON form is not used here. */
export function copyOf(instruction: Instruction): Copy {
  const words = instruction.args.split(/\s+/);
  let fromStage: string | undefined;
  while (words[0]?.startsWith("--")) {
    const flag = words.shift() as string;
    const from = /^--from=(.+)$/.exec(flag);
    if (!from) throw new Error(`Dockerfile:${instruction.line}: COPY flag ${flag} is not read here`);
    fromStage = from[1];
  }
  const destination = words.pop();
  if (destination === undefined || words.length === 0)
    throw new Error(`Dockerfile:${instruction.line}: COPY needs a source and a destination`);
  return { fromStage, sources: words, destination, line: instruction.line };
}

/**
 * ENV in the `KEY=VALUE …` form, values unquoted, `$NAME` taken from `inherited` (the base
 * image's environment, or what an earlier ENV set).
 */
export function envOf(stage: Stage, inherited: Record<string, string> = {}): Record<string, string> {
  const env = { ...inherited };
  for (const instruction of stage.instructions.filter((i) => i.keyword === "ENV")) {
    for (const pair of instruction.args.split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new Error(`Dockerfile:${instruction.line}: ENV ${pair} is not KEY=VALUE`);
      env[match[1]] = match[2].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name) => env[name] ?? "");
    }
  }
  return env;
}

/** The last instruction of `keyword` in the stage. */
export function lastOf(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

/** The exec form `["a", "b"]` of CMD, ENTRYPOINT or a HEALTHCHECK's CMD, as its words. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf("["));
  const words: unknown = JSON.parse(json);
  if (!Array.isArray(words) || !words.every((w) => typeof w === "string"))
    throw new Error(`not an exec form: ${args}`);
  return words;
}

/**
 * Whether the build context leaves `path` out, by .dockerignore's rules: patterns in order, the
 * last that matches the path or one of its parent folders wins, `!` takes back in.
 */
export function ignoredByDockerignore(text: string, path: string): boolean {
  const patterns = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const parts = path.split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, "");
    if (prefixes.some((prefix) => minimatch(prefix, pattern, { dot: true }))) ignored = !negated;
  }
  return ignored;
}
