// The command-line shell around the engine: read inputs, build the policy, review, print.

import { readFileSync } from "node:fs";
import { utcDay } from "../engine/exceptions.js";
import { type FileContent, isUnreadable } from "../engine/files.js";
import { isManifestPath, type ReviewInput, review } from "../engine/review.js";
import { type ReviewResult, reviewPassed } from "../engine/types.js";
import { GitError } from "../git/command.js";
import { changedBetweenCommits, commitTree } from "../git/commit-tree.js";
import type { ListedTree } from "../git/listed-tree.js";
import { manifestsOf } from "../git/manifests.js";
import { changedInWorkingTree, workingTree } from "../git/working-tree.js";
import { loadPolicy, PolicyError, type PolicyLayer } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import { sharedRenderCache } from "../render/render-cache.js";
import { reviewWithRendering } from "../render/review-change.js";
import type { Revision } from "../render/revision.js";
import type { Compared } from "../report/compared.js";
import {
  DEFAULT_TEXT_WIDTH,
  type OutputFormat,
  toJson,
  toMarkdown,
  toSarif,
  toText,
} from "../report/index.js";
import { readingsToJson, readingsToText, readingsToYaml } from "../report/readings.js";
import { ruleCatalog, rulesOf } from "../rules/catalog.js";
import { docsBaseFromEnv } from "../rules/docs-url.js";
import { ruleReference } from "../rules/reference.js";
import { type Command, type CommonOptions, parseArgs, USAGE, UsageError } from "./args.js";
import { changedBetweenDirectories, directoryRevision } from "./directory-trees.js";
import { checkWritable, emit } from "./output.js";
import { readPaths } from "./read-command.js";
import { kindOf, readContent, readDiffInputs, type SideFiles } from "./read-dir.js";
import { commitOf, repoRoot, resolveBase } from "./review-refs.js";

/** The side of a diff given as /dev/null: a tree without files. */
const EMPTY_REVISION: Revision = { paths: [], read: async () => new Map() };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour by default). */
  isTTY: boolean;
  /** All of standard input (`kubedelta read -`, `kubedelta diff - FILE`); default: file descriptor 0. */
  stdin?: () => Uint8Array;
  /** The terminal's width in columns, when stdout is one. */
  columns?: number;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  columns: process.stdout.columns,
};

/** Where rule links point: --docs-url, else $KUBEDELTA_DOCS_URL, else the project's docs. */
function docsBase(options: CommonOptions): string {
  if (options.docsUrl) return options.docsUrl;
  try {
    return docsBaseFromEnv(process.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** All of standard input, as a file's bytes. */
function stdinOf(io: CliIo): FileContent {
  return io.stdin ? io.stdin() : readContent(0);
}

export const CONFIG_PATH = ".github/kubedelta.yml";

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(pkg.version);
}

function readConfigFile(path: string): { source: string; text: string } {
  try {
    return { source: path, text: readFileSync(path, "utf8") };
  } catch {
    throw new UsageError(`--config ${path}: cannot read the file`);
  }
}

function overrides(options: CommonOptions): PolicyLayer[] {
  const layers: PolicyLayer[] = [];
  if (options.failOn) layers.push({ source: "--fail-on", data: { failOn: options.failOn } });
  if (options.fullState) layers.push({ source: "--full-state", data: { fullState: true } });
  return layers;
}

function formatted(
  result: ReviewResult,
  policy: Policy,
  options: CommonOptions,
  io: CliIo,
  compared: Compared | undefined,
): string {
  const format: OutputFormat = options.format;
  const catalog = ruleCatalog(policy, docsBase(options));
  switch (format) {
    case "json":
      return toJson(result, { compared });
    case "markdown":
      return toMarkdown(result, { rules: catalog.byId, docsUrl: catalog.docsUrl, compared });
    case "sarif":
      return toSarif(result, { rules: catalog.rules, docsUrl: catalog.docsUrl, toolVersion: version() });
    case "text":
      return toText(result, {
        color: options.color ?? (io.isTTY && !options.output && !process.env.NO_COLOR),
        compared,
        // A terminal's width; a file or a pipe gets lines a reader can still take in.
        width: io.isTTY && !options.output && io.columns ? io.columns : DEFAULT_TEXT_WIDTH,
      });
  }
}

/** The whole trees of both sides and what differs between them, for rendering. */
interface Trees {
  base: Revision;
  head: Revision;
  changed: () => Promise<ReadonlySet<string>>;
}

/** What a review knows beyond its inputs. */
interface ReviewContext {
  /** The whole trees, to render from (review, and diff of directories). */
  trees?: Trees;
  /** Files named on the command line: manifests whatever their names. */
  explicitFiles?: boolean;
  /** The revisions `kubedelta review` compared, for the reports. */
  compared?: Compared;
}

async function runReview(
  sides: { base: SideFiles; head: SideFiles },
  policy: Policy,
  options: CommonOptions,
  io: CliIo,
  { trees, explicitFiles = false, compared }: ReviewContext = {},
): Promise<number> {
  // Today in UTC decides which exceptions have expired (the engine itself has no clock).
  const today = utcDay(new Date());
  const input: ReviewInput = {
    base: sides.base.files,
    head: sides.head.files,
    chartRoots: { base: sides.base.chartRoots, head: sides.head.chartRoots },
    policy,
    rules: rulesOf(policy),
    allFilesAreManifests: explicitFiles,
    today,
  };
  let result: ReviewResult;
  if (trees && options.render) {
    const reviewed = await reviewWithRendering({
      review: input,
      base: trees.base,
      head: trees.head,
      changed: await trees.changed(),
      settings: policy.render,
      cache: sharedRenderCache(),
      only: options.renderTargets,
    });
    result = reviewed.result;
    // What was rendered, for the person at the terminal (the report formats stay as they are).
    const affected = reviewed.rendering?.affected ?? [];
    const context = reviewed.rendering?.context ?? [];
    if (options.format === "text" && affected.length > 0) {
      const also = context.length > 0 ? `; ${context.join(", ")} as context` : "";
      io.stderr(`kubedelta: rendered ${affected.join(", ")} at both revisions${also}\n`);
    }
  } else result = review(input);
  emit(formatted(result, policy, options, io, compared), options, io.stdout);
  return reviewPassed(result) ? 0 : 1;
}

async function diff(command: Extract<Command, { name: "diff" }>, io: CliIo): Promise<number> {
  const { options } = command;
  const policy = loadPolicy(options.config ? readConfigFile(options.config) : undefined, overrides(options));
  const { base, head, singleFiles } = readDiffInputs(
    command.base,
    command.head,
    (path) => isManifestPath(path, policy),
    () => stdinOf(io),
  );
  // Files named on the command line are manifests whatever their name, and render nothing.
  if (singleFiles) return runReview({ base, head }, policy, options, io, { explicitFiles: true });
  const tree = (path: string) => (kindOf(path) === "directory" ? directoryRevision(path) : EMPTY_REVISION);
  const trees = { base: tree(command.base), head: tree(command.head) };
  return runReview({ base, head }, policy, options, io, {
    trees: { ...trees, changed: () => changedBetweenDirectories(trees.base, trees.head) },
  });
}

/** Config comes from the base revision, like the app: a change cannot relax its own checks. */
async function gitConfig(
  baseTree: ListedTree,
  baseRef: string,
  options: CommonOptions,
): Promise<{ source: string; text: string } | undefined> {
  if (options.config) return readConfigFile(options.config);
  const source = `${baseRef}:${CONFIG_PATH}`;
  const content = (await manifestsOf(baseTree, (path) => path === CONFIG_PATH)).files.get(CONFIG_PATH);
  if (content === undefined) return undefined;
  // The config decides what blocks: one that cannot be read stops the run, it is never ignored.
  if (isUnreadable(content)) throw new UsageError(`${source}: could not be read: ${content.unreadable}`);
  return { source, text: Buffer.from(content).toString("utf8") };
}

async function gitReview(command: Extract<Command, { name: "review" }>, io: CliIo): Promise<number> {
  const { options } = command;
  const root = repoRoot(command.repo);
  const resolved = resolveBase(root, command.base, command.head);
  // Read by the name given (errors then name it too); the default base has only its commit.
  const baseRef = command.base ?? resolved.sha;
  const compared: Compared = {
    base: resolved,
    head: command.head ? { ref: command.head, sha: commitOf(root, command.head) } : { workingTree: true },
  };
  const baseTree = commitTree(root, baseRef);
  const headCommit = command.head ? commitTree(root, command.head) : undefined;
  const headTree = headCommit ?? workingTree(root);
  const policy = loadPolicy(await gitConfig(baseTree, baseRef, options), overrides(options));
  const wanted = (path: string) => isManifestPath(path, policy);
  const [base, head] = await Promise.all([manifestsOf(baseTree, wanted), manifestsOf(headTree, wanted)]);
  if (!options.render) return runReview({ base, head }, policy, options, io, { compared });
  const trees: Trees = {
    base: baseTree,
    head: headTree,
    changed: async () =>
      headCommit ? changedBetweenCommits(baseTree, headCommit) : changedInWorkingTree(root, baseRef),
  };
  return runReview({ base, head }, policy, options, io, { trees, compared });
}

function read(command: Extract<Command, { name: "read" }>, io: CliIo): number {
  // The default policy's limits: what the reviews would read, before any repository's config.
  const policy = loadPolicy();
  const readings = readPaths(command.paths, policy, () => stdinOf(io));
  const format = { text: readingsToText, json: readingsToJson, yaml: readingsToYaml }[command.format];
  emit(format(readings), command, io.stdout);
  return readings.some((r) => r.errors.length > 0) ? 1 : 0;
}

function listRules(options: CommonOptions, io: CliIo): number {
  const policy = loadPolicy(options.config ? readConfigFile(options.config) : undefined, overrides(options));
  const { rules } = ruleCatalog(policy);
  const rows = rules.map((rule) => ({ id: rule.id, title: rule.title, ...policy.rules[rule.id] }));
  if (options.format === "json") emit(`${JSON.stringify(rows, null, 2)}\n`, options, io.stdout);
  else if (options.format === "markdown") emit(ruleReference(rules, policy), options, io.stdout);
  else {
    const width = Math.max(...rows.map((r) => r.id.length));
    const lines = rows.map(
      (r) => `${r.id.padEnd(width)}  ${(r.enabled ? r.severity : "off").padEnd(8)}  ${r.title}`,
    );
    emit(`${lines.join("\n")}\n`, options, io.stdout);
  }
  return 0;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const command = parseArgs(argv);
    const output =
      "options" in command ? command.options.output : "output" in command ? command.output : undefined;
    if (output) checkWritable(output);
    switch (command.name) {
      case "help":
        io.stdout(`${USAGE}\n`);
        return 0;
      case "version":
        io.stdout(`${version()}\n`);
        return 0;
      case "rules":
        return listRules(command.options, io);
      case "diff":
        return await diff(command, io);
      case "review":
        return await gitReview(command, io);
      case "read":
        return read(command, io);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof PolicyError || error instanceof GitError) {
      io.stderr(`kubedelta: ${error.message}\n`);
      return 2;
    }
    // Anything else is a bug; it must still fail, loudly, never pass.
    io.stderr(
      `kubedelta: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
