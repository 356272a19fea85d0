// Webhook deliveries as GitHub sends them: a real payload from @octokit/webhooks-examples, the
// exact body bytes, an HMAC-SHA256 signature of those bytes, and the x-github-* headers.

import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { BASE_SHA, HEAD_SHA, INSTALLATION, OWNER, PULL_NUMBER, REPO } from "./server.js";

type Payload = Record<string, unknown>;
type Definition = { name: string; examples: Payload[] };

// The examples are a 4 MB JSON file: loaded once, through require (see TOOLCHAIN.md, gotcha 2).
let examples: Definition[] | undefined;

function loadExamples(): Definition[] {
  examples ??= createRequire(import.meta.url)("@octokit/webhooks-examples") as Definition[];
  return examples;
}

/** A real example payload with the installation Probot needs to hand out an authenticated client. */
export function examplePayload(event: string, action: string): Payload {
  const found = loadExamples()
    .find((definition) => definition.name === event)
    ?.examples.find((example) => example.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return { ...structuredClone(found), installation: { id: INSTALLATION } };
}

/** pull_request.<action> for PR #2 of the fake repository, between its base and head commits. */
export function pullRequestPayload(action = "opened"): Payload {
  // Every action's payload has the same shape; the opened example carries a full pull request.
  const payload: Payload = { ...examplePayload("pull_request", "opened"), action, number: PULL_NUMBER };
  const pull = payload.pull_request as {
    number: number;
    base: { sha: string };
    head: { sha: string };
  };
  pull.number = PULL_NUMBER;
  pull.base.sha = BASE_SHA;
  pull.head.sha = HEAD_SHA;
  const repository = payload.repository as { name: string; full_name: string; owner: { login: string } };
  repository.name = REPO;
  repository.full_name = `${OWNER}/${REPO}`;
  repository.owner.login = OWNER;
  return payload;
}

/** The value of x-hub-signature-256 for `body` (the exact bytes sent). */
export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface Delivery {
  event: string;
  payload: Payload;
  /** Signs with this secret; null sends no signature header at all. */
  secret: string | null;
}

export interface DeliveryResult {
  status: number;
  text: string;
  /** Milliseconds from sending the request to the end of the response. */
  ms: number;
}

/** POSTs one delivery to a webhook URL, as GitHub does. */
export async function deliver(url: string, delivery: Delivery): Promise<DeliveryResult> {
  const body = JSON.stringify(delivery.payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/fake",
    "x-github-event": delivery.event,
    "x-github-delivery": randomUUID(),
    "x-github-hook-installation-target-type": "integration",
  };
  if (delivery.secret !== null) headers["x-hub-signature-256"] = sign(delivery.secret, body);
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}
