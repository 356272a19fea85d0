// Command-line parsing. Bad usage is a UsageError (exit 2) with a message that says what to do.

import { type FailOn, SEVERITIES } from "../engine/types.js";
import type { OutputFormat } from "../report/index.js";
import { DEFAULT_DOCS_BASE_URL, parseDocsBaseUrl } from "../rules/docs-url.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const FORMATS: readonly OutputFormat[] = ["text", "json", "markdown", "sarif"];
/** Formats of `kubedelta rules`: a list of rules is no review, so it has no SARIF. */
const RULES_FORMATS: readonly OutputFormat[] = ["text", "json", "markdown"];

/** The commands that take the common options (`read` has its own). */
const REVIEW_COMMANDS = new Set(["diff", "review", "rules"]);

/** Formats of `kubedelta read`: what Kubernetes reads is data, not a review. */
export type ReadFormat = "text" | "json" | "yaml";
const READ_FORMATS: readonly ReadFormat[] = ["text", "json", "yaml"];

export interface CommonOptions {
  format: OutputFormat;
  config?: string;
  failOn?: FailOn;
  fullState: boolean;
  /** undefined: colour when writing to a terminal. */
  color?: boolean;
  output?: string;
  /** Render Kustomize and Helm targets (review, and diff of directories); --no-render: false. */
  render: boolean;
  /** --render-target DIR (repeatable): render only the targets in these folders. */
  renderTargets?: string[];
  /** --docs-url URL: where the rule reference is published (rule links in reports). */
  docsUrl?: string;
}

export type Command =
  | { name: "help" }
  | { name: "version" }
  | { name: "rules"; options: CommonOptions }
  | { name: "diff"; base: string; head: string; options: CommonOptions }
  | { name: "review"; base?: string; head?: string; repo: string; options: CommonOptions }
  | { name: "read"; paths: string[]; format: ReadFormat; output?: string };

export const USAGE = `Usage:
  kubedelta diff BASE HEAD [options]      compare two files or two directories
                                          (a file may be - for standard input, or a
                                          pipe: <(git show main:app.yaml))
  kubedelta review [--base REF] [--head REF] [--repo DIR] [options]
                                          compare two revisions of a git repository
                                          (default: merge-base with the default branch
                                          against the working tree)
  kubedelta rules [--format text|json|markdown]
                                          list the rules and their settings (markdown:
                                          the full rule reference, docs/rules.md)
  kubedelta read [--format text|json|yaml] PATH...
                                          show how Kubernetes reads files or directories
                                          (- for standard input): every document as the
                                          API server gets it, and where it would stop
  kubedelta help [COMMAND]                this help

Options:
  --format text|json|markdown|sarif      output format (default: text)
  --config FILE                          repository config on top of the default policy
                                         (review: default .github/kubedelta.yml of the repo)
  --fail-on SEVERITY                     info|low|medium|high|critical, or none to report
                                         only (default: policy's)
  --full-state                           report pre-existing risk too, not only the change
  --no-render                            do not render Kustomize and Helm targets (review,
                                         and diff of two directories render the targets
                                         the change touches by default)
  --render-target DIR                    render only the target in DIR (repeatable)
  --output FILE                          write the report to FILE instead of stdout
  --docs-url URL                         where the rule reference is published, for rule
                                         links (default: $KUBEDELTA_DOCS_URL, else
                                         ${DEFAULT_DOCS_BASE_URL})
  --color / --no-color                   force colour on or off in text output
  -h, --help                             this help
  --version                              the version

Exit status: 0 nothing blocking, 1 blocking findings or unreadable input, 2 usage error.`;

/** `kubedelta help [COMMAND]`: what --help prints, for any command there is. */
function parseHelp(rest: readonly string[]): Command {
  if (rest.length > 1) throw new UsageError(`help takes at most one command; got "${rest.join(" ")}"`);
  const [topic] = rest;
  if (topic !== undefined && !REVIEW_COMMANDS.has(topic) && topic !== "read" && topic !== "help")
    throw new UsageError(`unknown command "${topic}"\n\n${USAGE}`);
  return { name: "help" };
}

function docsUrl(value: string): string {
  try {
    return parseDocsBaseUrl(value);
  } catch (error) {
    throw new UsageError(`--docs-url: ${(error as Error).message}`);
  }
}

function parseFailOn(value: string): FailOn {
  if (value === "none" || (SEVERITIES as readonly string[]).includes(value)) return value as FailOn;
  throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(", ")}, none; got "${value}"`);
}

function parseFormat<F extends string>(value: string, formats: readonly F[], command: string): F {
  if ((formats as readonly string[]).includes(value)) return value as F;
  throw new UsageError(
    `--format must be one of ${formats.join(", ")} for \`kubedelta ${command}\`; got "${value}"`,
  );
}

const VALUE_OPTIONS = new Set([
  "--docs-url",
  "--format",
  "--config",
  "--fail-on",
  "--output",
  "--base",
  "--head",
  "--repo",
  "--render-target",
]);
/** Value options that may be given more than once; their values are joined with NUL. */
const REPEATABLE = new Set(["--render-target"]);
const FLAG_OPTIONS = new Set([
  "--full-state",
  "--color",
  "--no-color",
  "--no-render",
  "--help",
  "-h",
  "--version",
]);

/** Splits argv into positionals and options; `--name=value` and `--name value` both work. */
function tokenize(argv: readonly string[]): {
  positionals: string[];
  values: Map<string, string>;
  flags: Set<string>;
} {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAG_OPTIONS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags.add(name);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
      const before = values.get(name);
      if (before !== undefined && !REPEATABLE.has(name)) throw new UsageError(`${name} given twice`);
      values.set(name, before === undefined ? value : `${before}\0${value}`);
    } else {
      throw new UsageError(`unknown option ${name}\n\n${USAGE}`);
    }
  }
  return { positionals, values, flags };
}

export function parseArgs(argv: readonly string[]): Command {
  const { positionals, values, flags } = tokenize(argv);
  if (flags.has("--help") || flags.has("-h")) return { name: "help" };
  if (flags.has("--version")) return { name: "version" };
  if (flags.has("--color") && flags.has("--no-color"))
    throw new UsageError("--color and --no-color contradict");
  const [command, ...rest] = positionals;
  const gitOptions = ["--base", "--head", "--repo"].filter((name) => values.has(name));
  if (command !== "review" && gitOptions.length > 0) {
    throw new UsageError(`${gitOptions.join(", ")} only apply to \`kubedelta review\``);
  }
  if (command === "read") return parseRead(rest, values, flags);
  if (command === "help") return parseHelp(rest);
  if (command === undefined) throw new UsageError(`no command given\n\n${USAGE}`);
  if (!REVIEW_COMMANDS.has(command)) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  const options: CommonOptions = {
    format: parseFormat(
      values.get("--format") ?? "text",
      command === "rules" ? RULES_FORMATS : FORMATS,
      command,
    ),
    config: values.get("--config"),
    failOn: values.has("--fail-on") ? parseFailOn(values.get("--fail-on") as string) : undefined,
    fullState: flags.has("--full-state"),
    color: flags.has("--color") ? true : flags.has("--no-color") ? false : undefined,
    output: values.get("--output"),
    render: !flags.has("--no-render"),
    ...(values.has("--render-target") ? { renderTargets: renderTargets(values.get("--render-target")) } : {}),
    ...(values.has("--docs-url") ? { docsUrl: docsUrl(values.get("--docs-url") as string) } : {}),
  };
  if (flags.has("--no-render") && options.renderTargets)
    throw new UsageError("--no-render and --render-target contradict");
  if (command === "rules" && (flags.has("--no-render") || options.renderTargets))
    throw new UsageError(`--no-render and --render-target do not apply to \`kubedelta ${command}\``);
  switch (command) {
    case "diff":
      if (rest.length !== 2) throw new UsageError(`diff needs exactly two paths, BASE and HEAD\n\n${USAGE}`);
      return { name: "diff", base: rest[0], head: rest[1], options };
    case "review":
      if (rest.length > 0) throw new UsageError(`review takes no paths (use --repo DIR); got "${rest[0]}"`);
      return {
        name: "review",
        base: values.get("--base"),
        head: values.get("--head"),
        repo: values.get("--repo") ?? ".",
        options,
      };
    case "rules":
      if (rest.length > 0) throw new UsageError(`rules takes no arguments; got "${rest[0]}"`);
      return { name: "rules", options };
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

/** --render-target folders as repository paths: "overlays/prod/" and "./overlays/prod" are "overlays/prod". */
function renderTargets(joined: string | undefined): string[] {
  return (joined ?? "").split("\0").map((dir) => {
    const normal = dir.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
    if (normal.startsWith("/") || normal.split("/").includes(".."))
      throw new UsageError(`--render-target ${dir}: a folder of the repository, relative to its root`);
    return normal === "." ? "" : normal;
  });
}

/** `kubedelta read`: only --format and --output; the rest judge a review, and reading judges nothing. */
function parseRead(paths: string[], values: Map<string, string>, flags: Set<string>): Command {
  const judging = [
    "--config",
    "--fail-on",
    "--full-state",
    "--color",
    "--no-color",
    "--no-render",
    "--render-target",
    "--docs-url",
  ];
  const given = judging.filter((name) => values.has(name) || flags.has(name));
  if (given.length > 0) {
    throw new UsageError(
      `${given.join(", ")} do not apply to \`kubedelta read\`, which reads as Kubernetes does (the default policy's limits)`,
    );
  }
  if (paths.length === 0)
    throw new UsageError(`read needs a file or directory (- for standard input)\n\n${USAGE}`);
  if (paths.filter((path) => path === "-").length > 1)
    throw new UsageError("read takes standard input (-) only once");
  return {
    name: "read",
    paths,
    format: parseFormat(values.get("--format") ?? "text", READ_FORMATS, "read"),
    output: values.get("--output"),
  };
}
