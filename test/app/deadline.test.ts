// Every handler's GitHub calls run under the request deadline, including the ones it makes before a
// review starts (finding the pull request, the thread a reply is in, a fork PR's check suite): a
// request GitHub never answers must not hang the event.

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  API,
  approveButtonEvent,
  commentEvent,
  examplePayload,
  newProbot,
  rerunEvent,
  reviewCommentEvent,
  serveRepository,
  traffic,
} from "./harness.js";

const REPO = "/repos/Codertocat/Hello-World";
const DEADLINE_MS = 200;
// Far longer than the deadline and than the test's own timeout: only the deadline ends the wait.
const NEVER_MS = 60_000;
beforeEach(() => {
  nock.disableNetConnect();
  process.env.KUBEDELTA_REQUEST_TIMEOUT_MS = String(DEADLINE_MS);
});

afterEach(() => {
  delete process.env.KUBEDELTA_REQUEST_TIMEOUT_MS;
  nock.cleanAll();
});

type Event = { id: string; name: string; payload: Record<string, unknown> };

function suiteEvent(): Event {
  const payload = examplePayload("check_suite", "rerequested");
  (payload.check_suite as Record<string, unknown>).pull_requests = [];
  return { id: "deadline-suite", name: "check_suite", payload };
}

function editedCommentEvent(): Event {
  const event = commentEvent("ada", "/approve-risk", 101);
  event.payload.action = "edited";
  event.payload.changes = { body: { from: "/approve-risk" } };
  return event;
}

// [handler, its event, the first call it makes on the installation's client]
const handlers: [string, () => Event, RegExp][] = [
  ["an /approve-risk comment", () => commentEvent("ada", "/approve-risk"), new RegExp(`^${REPO}/pulls/2$`)],
  ["an edited command", editedCommentEvent, new RegExp(`^${REPO}/pulls/2$`)],
  [
    "an /approve-risk reply in a thread",
    () => reviewCommentEvent("ada", "/approve-risk", 77),
    new RegExp(`^${REPO}/pulls/comments/77$`),
  ],
  ["the Approve risks button", () => approveButtonEvent("ada"), new RegExp(`^${REPO}/pulls/2$`)],
  ["a re-run of a fork PR's check", rerunEvent, new RegExp(`^${REPO}/pulls/2$`)],
  ["a re-run of a fork PR's check suite", suiteEvent, new RegExp(`^${REPO}/check-suites/\\d+/check-runs`)],
];

/** The messages of an error and of the errors it aggregates (Probot reports handler errors so). */
function messages(error: unknown): string[] {
  if (!(error instanceof Error)) return [String(error)];
  const inner = (error as { errors?: unknown[] }).errors ?? [];
  return [error.message, ...inner.flatMap(messages)];
}

describe("the request deadline covers a handler's first GitHub call", () => {
  for (const [name, event, route] of handlers) {
    it(`${name}: a lookup GitHub never answers fails the event within the deadline`, async () => {
      nock(API).get(route).delay(NEVER_MS).reply(200, {});
      const recorded = serveRepository({ files: [] });
      const started = performance.now();
      const error = await newProbot()
        .receive(event() as never)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(messages(error).join("\n")).toMatch(new RegExp(`did not answer within ${DEADLINE_MS} ms`));
      // Nothing else was asked of GitHub: no check run was started for a pull request not found.
      expect(traffic(recorded)).toEqual([]);
    });
  }
});
