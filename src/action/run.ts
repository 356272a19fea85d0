// The GitHub Action: reviews the pull request of the workflow run in its checkout, with the same
// engine, policy and rendering as the App and the CLI, and reports as a step can: the check's
// summary as the job summary, SARIF for code scanning, workflow-command annotations, step outputs,
// and the exit code (0 passed, 1 blocking findings or unreadable inputs, 2 could not review).

import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { utcDay } from "../engine/exceptions.js";
import { isManifestPath, type ReviewInput, review } from "../engine/review.js";
import { blockingFindings, type ReviewResult, reviewPassed } from "../engine/types.js";
import { GitError } from "../git/command.js";
import { type CommitTree, changedBetweenCommits, commitTree } from "../git/commit-tree.js";
import { manifestsOf } from "../git/manifests.js";
import { findCommit, mergeBase } from "../git/refs.js";
import { lineUrls } from "../github/links.js";
import { loadPolicy, PolicyError, type PolicyLayer } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import { sharedRenderCache } from "../render/render-cache.js";
import { reviewWithRendering } from "../render/review-change.js";
import { checkRunOutput, errorOutput } from "../report/check-run.js";
import type { Compared } from "../report/compared.js";
import { toMarkdown, toSarif } from "../report/index.js";
import type { MarkdownOptions } from "../report/markdown.js";
import { ruleCatalog, rulesOf } from "../rules/catalog.js";
import { DocsUrlError, docsBaseFromEnv } from "../rules/docs-url.js";
import { ActionError } from "./errors.js";
import { type PullRequestEvent, pullRequestEvent } from "./event.js";
import { type ActionInputs, actionInputs } from "./inputs.js";
import { annotationCommands, escapeData, workflowCommand } from "./workflow-commands.js";

export interface ActionIo {
  /** One line of the step's log (a newline follows). */
  log: (line: string) => void;
}

/** GitHub refuses a step summary over 1 MiB (and then shows none of it). */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

const short = (sha: string) => sha.slice(0, 7);

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(pkg.version);
}

/** The config at the base commit: a pull request cannot change the checks that judge it. */
async function configAt(
  tree: CommitTree,
  config: ActionInputs["config"],
  commit: string,
): Promise<{ source: string; text: string } | undefined> {
  const source = `${short(commit)}:${config.path}`;
  if (!tree.blobIds.has(config.path)) {
    if (!config.explicit) return undefined;
    throw new ActionError(
      `input config: ${config.path} is not in the base commit ${short(commit)} (the config is read from ` +
        "the pull request's base, so that a pull request cannot change the checks that judge it)",
    );
  }
  const content = (await tree.read([config.path])).get(config.path);
  if (typeof content === "string") return { source, text: content };
  if (content instanceof Uint8Array) return { source, text: Buffer.from(content).toString("utf8") };
  const why = content && "unreadable" in content ? content.unreadable : "it is a symbolic link";
  throw new ActionError(`${source}: cannot be read: ${why}`);
}

/** The commits the review compares: the merge base (as GitHub's diff does) and the head. */
function commitsOf(repo: string, pr: PullRequestEvent): { base: string; head: string } {
  for (const [side, sha] of [
    ["base", pr.base.sha],
    ["head", pr.head.sha],
  ] as const) {
    if (findCommit(repo, sha) === undefined) {
      throw new ActionError(
        `the checkout in ${repo} does not have the pull request's ${side} commit ${sha}: check out the ` +
          "repository first (actions/checkout with fetch-depth: 0)",
      );
    }
  }
  const base = mergeBase(repo, pr.base.sha, pr.head.sha);
  if (!base) {
    throw new ActionError(
      `the checkout has no common ancestor of the base ${short(pr.base.sha)} and the head ` +
        `${short(pr.head.sha)}: fetch the whole history (actions/checkout with fetch-depth: 0)`,
    );
  }
  return { base, head: pr.head.sha };
}

async function reviewCommits(
  repo: string,
  commits: { base: string; head: string },
  inputs: ActionInputs,
): Promise<{ result: ReviewResult; policy: Policy; headPaths: ReadonlySet<string>; rendered: string[] }> {
  const base = commitTree(repo, commits.base);
  const head = commitTree(repo, commits.head);
  const overrides: PolicyLayer[] = inputs.failOn
    ? [{ source: "input fail-on", data: { failOn: inputs.failOn } }]
    : [];
  const policy = loadPolicy(await configAt(base, inputs.config, commits.base), overrides);
  const wanted = (path: string) => isManifestPath(path, policy);
  const [before, after] = await Promise.all([manifestsOf(base, wanted), manifestsOf(head, wanted)]);
  const input: ReviewInput = {
    base: before.files,
    head: after.files,
    chartRoots: { base: before.chartRoots, head: after.chartRoots },
    policy,
    rules: rulesOf(policy),
    // Today in UTC decides which of the policy's exceptions have expired.
    today: utcDay(new Date()),
  };
  const headPaths = new Set(head.paths);
  if (!inputs.render) return { result: review(input), policy, headPaths, rendered: [] };
  const reviewed = await reviewWithRendering({
    review: input,
    base,
    head,
    changed: changedBetweenCommits(base, head),
    settings: policy.render,
    cache: sharedRenderCache(),
  });
  return { result: reviewed.result, policy, headPaths, rendered: reviewed.rendering?.affected ?? [] };
}

/** Where rule links point: KUBEDELTA_DOCS_URL (a fork's or GitHub Enterprise's docs), else the project's. */
function docsBase(env: NodeJS.ProcessEnv): string {
  try {
    return docsBaseFromEnv(env);
  } catch (error) {
    if (error instanceof DocsUrlError) throw new ActionError(error.message);
    throw error;
  }
}

/**
 * Links from the summary to the lines, on the GitHub the workflow runs on (GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY), pinned to the commits reviewed; none when the runner does not say.
 */
function workflowLineUrls(env: NodeJS.ProcessEnv, compared: Compared): MarkdownOptions["lineUrl"] {
  const [owner, name, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!env.GITHUB_SERVER_URL || !owner || !name || rest.length > 0) return undefined;
  if (!("sha" in compared.head)) return undefined;
  return lineUrls(
    env.GITHUB_SERVER_URL.replace(/\/+$/, ""),
    { owner, repo: name },
    { base: compared.base.sha, head: compared.head.sha },
  );
}

/** Appends to a file the runner names (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT), when it names one. */
function append(path: string | undefined, text: string): void {
  if (path) appendFileSync(path, text);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The summary, fitted to what the step summary still has room for (a UTF-16 unit: ≤ 3 bytes). */
function writeSummary(env: NodeJS.ProcessEnv, markdown: (maxLength: number) => string): void {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  const room = STEP_SUMMARY_LIMIT_BYTES - sizeOf(path) - 1;
  if (room > 0) append(path, `${markdown(Math.floor(room / 3))}\n`);
}

function report(
  env: NodeJS.ProcessEnv,
  io: ActionIo,
  inputs: ActionInputs,
  repo: string,
  reviewed: Awaited<ReturnType<typeof reviewCommits>>,
  compared: Compared,
): void {
  const { result, policy, headPaths } = reviewed;
  const catalog = ruleCatalog(policy, docsBase(env));
  const docs = { rules: catalog.byId, docsUrl: catalog.docsUrl };
  const lineUrl = workflowLineUrls(env, compared);
  writeSummary(env, (maxLength) => toMarkdown(result, { ...docs, compared, lineUrl, maxLength }));
  let sarifPath: string | undefined;
  if (inputs.sarif) {
    sarifPath = resolve(repo, inputs.sarif);
    mkdirSync(dirname(sarifPath), { recursive: true });
    writeFileSync(
      sarifPath,
      toSarif(result, { rules: catalog.rules, docsUrl: catalog.docsUrl, toolVersion: version() }),
    );
  }
  const check = checkRunOutput(result, { ...docs, headFiles: headPaths });
  const { lines, leftOut } = annotationCommands(check.annotationBatches.flat());
  for (const line of lines) io.log(line);
  if (leftOut > 0)
    io.log(
      `KubeDelta: ${leftOut} more annotations are not shown on the files (GitHub shows 10 of each kind per step): see the job summary${sarifPath ? " and the SARIF file" : ""}`,
    );
  if (reviewed.rendered.length > 0)
    io.log(`KubeDelta: rendered ${escapeData(reviewed.rendered.join(", "))} at both commits`);
  const passed = reviewPassed(result);
  append(
    env.GITHUB_OUTPUT,
    [
      `passed=${passed}`,
      `findings=${result.findings.length}`,
      `blocking=${blockingFindings(result).length}`,
      ...(sarifPath ? [`sarif=${sarifPath}`] : []),
    ]
      .map((line) => `${line}\n`)
      .join(""),
  );
  // The title is KubeDelta's own words and counts: nothing of the pull request's text.
  io.log(`KubeDelta: ${passed ? "passed" : "failed"}: ${check.title}`);
}

/** Runs the Action against the environment a workflow step has; resolves to the exit code. */
export async function runAction(env: NodeJS.ProcessEnv, io: ActionIo): Promise<number> {
  try {
    const inputs = actionInputs(env);
    const pr = pullRequestEvent(env);
    const repo = resolve(env.GITHUB_WORKSPACE || ".");
    const commits = commitsOf(repo, pr);
    const reviewed = await reviewCommits(repo, commits, inputs);
    const compared: Compared = {
      base: { ref: pr.base.ref, sha: commits.base },
      head: { ref: pr.head.ref, sha: commits.head },
    };
    report(env, io, inputs, repo, reviewed, compared);
    return reviewPassed(reviewed.result) ? 0 : 1;
  } catch (error) {
    const known = error instanceof ActionError || error instanceof PolicyError || error instanceof GitError;
    const message = known
      ? error.message
      : `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    io.log(workflowCommand("error", { title: "KubeDelta could not review the pull request" }, message));
    try {
      writeSummary(env, () => errorOutput(message).summary);
    } catch {
      // The error above is what matters; a summary that cannot be written adds nothing to it.
    }
    return 2;
  }
}
