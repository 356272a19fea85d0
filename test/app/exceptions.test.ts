// Exceptions in the app: read from the default branch only, applied on the day the review runs,
// and reported in the check run when they have expired.

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CHECK_RUN_ID, newProbot, pullRequestEvent, type Recorded, serveRepository } from "./harness.js";

/** A Deployment of shop that passes every rule; `privileged` makes its container privileged. */
const DEPLOYMENT = (privileged: boolean) =>
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1\n          readinessProbe: {httpGet: {path: /, port: 80}}\n          livenessProbe: {httpGet: {path: /, port: 80}}\n          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}\n" +
  (privileged ? "          securityContext: {privileged: true}\n" : "");
const DENY_ALL =
  "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n";

/** An exception for the privileged container, as a repository writes it (unquoted date). */
const CONFIG = (expires: string) =>
  [
    "exceptions:",
    "  - rule: privileged-container",
    "    kind: Deployment",
    "    namespace: shop",
    "    name: 'ap*'",
    "    container: api",
    "    reason: the api needs the GPU device; OPS-12",
    `    expires: ${expires}`,
    "",
  ].join("\n");

const MAKES_PRIVILEGED = {
  filename: "k8s/api.yaml",
  status: "modified" as const,
  base: DEPLOYMENT(false),
  head: DEPLOYMENT(true),
};

interface Completed {
  conclusion: string;
  output: { title: string; summary: string; annotations?: unknown[] };
}

function completed(recorded: Recorded[]): Completed {
  const patches = recorded.filter(
    (r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${CHECK_RUN_ID}`),
  );
  expect(patches).toHaveLength(1);
  return patches[0].body as Completed;
}

function reviews(recorded: Recorded[]): { comments?: { body: string }[] }[] {
  return recorded
    .filter((r) => r.method === "POST" && r.path.endsWith("/pulls/2/reviews"))
    .map((r) => r.body as { comments?: { body: string }[] });
}

async function reviewOn(now: string, fake: Parameters<typeof serveRepository>[0]): Promise<Recorded[]> {
  vi.setSystemTime(new Date(now));
  const recorded = serveRepository({ unchanged: { "k8s/deny.yaml": DENY_ALL }, ...fake });
  await newProbot().receive(pullRequestEvent() as never);
  return recorded;
}

beforeEach(() => {
  nock.disableNetConnect();
  // Only the clock: timers stay real, so Probot and nock work as usual.
  vi.useFakeTimers({ toFake: ["Date"] });
});

afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
});

describe("exceptions in the app", () => {
  it("an exception on the default branch turns the check green, and the summary says why", async () => {
    const recorded = await reviewOn("2026-11-24T10:00:00Z", {
      files: [MAKES_PRIVILEGED],
      config: CONFIG("2026-12-31"),
    });
    const { conclusion, output } = completed(recorded);
    expect(conclusion).toBe("success");
    expect(output.title).toBe("No blocking risk (1 finding excepted)");
    expect(output.summary).toContain("No findings; 1 finding excepted");
    expect(output.summary).toContain("until 2026-12-31: the api needs the GPU device; OPS-12");
    expect(output.annotations ?? []).toEqual([]);
    // No finding left to comment on: no review at all.
    expect(reviews(recorded)).toEqual([]);
  });

  it("an exception that only the pull request's own config adds does not apply", async () => {
    const exempting = {
      filename: ".github/kubedelta.yml",
      status: "added" as const,
      head: CONFIG("2026-12-31"),
    };
    const recorded = await reviewOn("2026-11-24T10:00:00Z", { files: [MAKES_PRIVILEGED, exempting] });
    // The config is read without a ref: from the default branch, not from the head commit.
    const configReads = recorded.filter((r) => r.path.includes("kubedelta.yml")).map((r) => r.path);
    expect(configReads.length).toBeGreaterThan(0);
    for (const path of configReads) expect(path).not.toContain("ref=");
    const { conclusion, output } = completed(recorded);
    expect(conclusion).toBe("failure");
    expect(output.title).toBe("1 blocking risk (1 critical)");
    expect(output.summary).not.toContain("excepted");
    expect(reviews(recorded)[0].comments?.map((c) => c.body)).toEqual([
      expect.stringContaining("privileged-container"),
    ]);
  });

  it("applies through the expiry day in UTC", async () => {
    const lastMinute = await reviewOn("2026-12-31T23:59:00Z", {
      files: [MAKES_PRIVILEGED],
      config: CONFIG("2026-12-31"),
    });
    expect(completed(lastMinute).conclusion).toBe("success");
  });

  it("an expired exception fails the check, and the title and summary name the expiry", async () => {
    const recorded = await reviewOn("2027-01-01T00:00:30Z", {
      files: [MAKES_PRIVILEGED],
      config: CONFIG("2026-12-31"),
    });
    const { conclusion, output } = completed(recorded);
    expect(conclusion).toBe("failure");
    expect(output.title).toBe("1 blocking risk (1 critical); 1 exception expired");
    expect(output.summary).toContain(
      "> ⚠️ **Expired:** exception for privileged-container on Deployment shop/ap&#42;, container api expired on 2026-12-31; 1 finding counts again",
    );
    // The finding counts again, so it is commented on like any other.
    expect(reviews(recorded)[0].comments).toHaveLength(1);
  });

  it("leaves the thread of a finding open when an exception covers it: it is accepted, not fixed", async () => {
    const first = await reviewOn("2026-11-24T10:00:00Z", { files: [MAKES_PRIVILEGED] });
    const posted = reviews(first)[0].comments?.[0].body ?? "";
    expect(posted).toMatch(/<!-- kubedelta:fp=[0-9a-f]{16} -->/);
    nock.cleanAll();
    const recorded = await reviewOn("2026-11-24T10:00:00Z", {
      files: [MAKES_PRIVILEGED],
      config: CONFIG("2026-12-31"),
      existingComments: [{ user: "kubedelta[bot]", body: posted }],
      threads: [{ id: "T_ours", isResolved: false, firstCommentId: 1 }],
    });
    expect(completed(recorded).conclusion).toBe("success");
    const mutations = recorded.filter(
      (r) => r.method === "POST" && String((r.body as { query?: string }).query).startsWith("mutation"),
    );
    expect(mutations).toEqual([]);
  });
});
