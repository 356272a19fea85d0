// Webhook deliveries as GitHub makes them: a real pull_request payload (from
// @octokit/webhooks-examples) rewritten for one pull request and head commit, the exact body bytes
// signed with HMAC-SHA256, the x-github-* headers, and GitHub's 10-second wait for an answer. A
// redelivery keeps its delivery id.

import { randomUUID } from "node:crypto";
import { examplePayload, sign } from "../../test/fake-github/webhooks.js";
import type { Pull } from "./fake/world.js";

/** GitHub gives up on a delivery that is not answered within 10 s. */
export const GITHUB_DELIVERY_TIMEOUT_MS = 10_000;

export interface Delivery {
  guid: string;
  event: string;
  body: string;
  pull: Pull;
  /** The head commit the delivery is about. */
  sha: string;
}

export interface DeliveryRecord {
  guid: string;
  event: string;
  pull: Pull;
  sha: string;
  target: string;
  sentAt: number;
  ms: number;
  /** HTTP status, or "timeout" (no answer in 10 s) or "error" (no connection). */
  outcome: number | "timeout" | "error";
  redelivery: boolean;
}

/** pull_request.<action> for `pull` at head `sha` (`before`: the previous head of a synchronize). */
export function pullRequestDelivery(
  pull: Pull,
  action: "opened" | "synchronize",
  sha: string,
  before?: string,
): Delivery {
  const payload = examplePayload("pull_request", "opened");
  const { owner, repo, id } = pull.installation;
  const example = payload.pull_request as Record<string, unknown> & {
    base: Record<string, unknown>;
    head: Record<string, unknown>;
  };
  const repository = {
    ...(payload.repository as object),
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: { ...(payload.repository as { owner: object }).owner, login: owner },
  };
  const rewritten = {
    ...payload,
    action,
    number: pull.number,
    ...(action === "synchronize" ? { before, after: sha } : {}),
    installation: { id },
    repository,
    pull_request: {
      ...example,
      number: pull.number,
      user: { ...(example.user as object), login: pull.author },
      base: { ...example.base, sha: pull.base, ref: "main", repo: repository },
      head: { ...example.head, sha, ref: `change-${pull.number}`, repo: repository },
    },
  };
  return { guid: randomUUID(), event: "pull_request", body: JSON.stringify(rewritten), pull, sha };
}

export async function deliver(
  url: string,
  delivery: Delivery,
  secret: string,
): Promise<{ outcome: DeliveryRecord["outcome"]; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/load",
        "x-github-event": delivery.event,
        "x-github-delivery": delivery.guid,
        "x-github-hook-installation-target-type": "integration",
        "x-hub-signature-256": sign(secret, delivery.body),
      },
      body: delivery.body,
      signal: AbortSignal.timeout(GITHUB_DELIVERY_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { outcome: response.status, ms: performance.now() - started };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError" || (error as Error).name === "AbortError";
    return { outcome: timedOut ? "timeout" : "error", ms: performance.now() - started };
  }
}
