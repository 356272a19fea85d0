// The pull request of the workflow run, from the event payload the runner wrote to
// GITHUB_EVENT_PATH: only pull_request and pull_request_target carry one.

import { readFileSync } from "node:fs";
import { ActionError } from "./errors.js";

export const PULL_REQUEST_EVENTS: readonly string[] = ["pull_request", "pull_request_target"];

export interface PullRequestEvent {
  number: number;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function side(payload: unknown, name: "base" | "head"): { ref: string; sha: string } {
  const value = (payload as { pull_request?: Record<string, { ref?: unknown; sha?: unknown }> })
    .pull_request?.[name];
  const sha = value?.sha;
  if (typeof sha !== "string" || !SHA.test(sha))
    throw new ActionError(`the event payload has no pull_request.${name}.sha (a commit id)`);
  return { ref: typeof value?.ref === "string" && value.ref !== "" ? value.ref : sha.slice(0, 7), sha };
}

/** The pull request of the run, or an ActionError that says why there is none. */
export function pullRequestEvent(env: NodeJS.ProcessEnv): PullRequestEvent {
  const name = env.GITHUB_EVENT_NAME;
  if (!name)
    throw new ActionError("GITHUB_EVENT_NAME is not set: this runs as a step of a GitHub Actions workflow");
  if (!PULL_REQUEST_EVENTS.includes(name)) {
    throw new ActionError(
      `the workflow ran on "${name}", which has no pull request to review: ` +
        `run KubeDelta on ${PULL_REQUEST_EVENTS.join(" or ")} (\`on: pull_request\`)`,
    );
  }
  const path = env.GITHUB_EVENT_PATH;
  if (!path) throw new ActionError("GITHUB_EVENT_PATH is not set: the runner writes the event payload there");
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ActionError(`cannot read the event payload ${path}: ${why}`);
  }
  const number = (payload as { pull_request?: { number?: unknown } }).pull_request?.number;
  if (typeof number !== "number")
    throw new ActionError(`the ${name} event payload has no pull_request.number`);
  return { number, base: side(payload, "base"), head: side(payload, "head") };
}
