import { describe, expect, it } from "vitest";
import { approversOf } from "../../src/report/approvals.js";
import { headline } from "../../src/report/common.js";
import { renderGfm } from "./gfm.js";

const web = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };

describe("headline: what changed, in one short line", () => {
  it("is the first clause, without the resource a heading already names", () => {
    expect(headline("Deployment shop/web turns on hostNetwork: its pods use the node's network.", web)).toBe(
      "turns on hostNetwork",
    );
    expect(headline("Container `app` of Deployment shop/web runs privileged: bad. Fix it.", web)).toBe(
      "Container `app` runs privileged",
    );
    // Without a resource, the message is kept whole up to its first clause.
    expect(headline("Deployment shop/web turns on hostNetwork: x")).toBe(
      "Deployment shop/web turns on hostNetwork",
    );
  });

  it("does not break at a colon or full stop inside parentheses or code", () => {
    expect(headline("Container `x` runs privileged (securityContext.privileged: true): it gets all.")).toBe(
      "Container `x` runs privileged (securityContext.privileged: true)",
    );
    expect(headline("Uses image `a.b/c:latest`. Pin it.")).toBe("Uses image `a.b/c:latest`.");
  });

  it("clips at a word and never leaves half a code span", () => {
    const long = `now pulls ${"word ".repeat(10)}\`quay.io/prometheus/node-exporter:latest\` instead`;
    const clipped = headline(long, undefined, 60);
    expect(clipped.length).toBeLessThanOrEqual(60);
    expect(clipped.endsWith("…")).toBe(true);
    expect((clipped.match(/`/g) ?? []).length % 2).toBe(0);
  });
});

describe("approversOf: who may approve, from the approvals settings", () => {
  const base = {
    minPermission: "write" as const,
    teams: [] as string[],
    users: [] as string[],
    allowAuthor: false,
    quorum: { severity: "critical" as const, approvers: 1 },
    resetOnPush: false,
  };

  it("names the role, the teams and the users, and the author's exclusion", () => {
    const { who, quorum } = approversOf({ ...base, teams: ["acme/sec"], users: ["alice"] });
    expect(renderGfm(who).text.trim()).toBe(
      "anyone with write access or more, members of acme/sec or alice (except the pull request's author)",
    );
    expect(quorum).toBeUndefined();
  });

  it("states a quorum, and says plainly when nobody may approve", () => {
    expect(approversOf({ ...base, quorum: { severity: "high", approvers: 2 } }).quorum).toBe(
      "Findings at high or above need 2 different approvers.",
    );
    expect(approversOf({ ...base, minPermission: "none" }).who).toBe(
      "nobody (the repository's approvals settings name no one)",
    );
    expect(approversOf({ ...base, minPermission: "admin", allowAuthor: true }).who).toBe("admins");
  });

  it("shows team names and logins as code, never as mentions", () => {
    const { who } = approversOf({ ...base, minPermission: "none", teams: ["acme/sec"], users: ["bob"] });
    expect(renderGfm(who).code).toEqual(["acme/sec", "bob"]);
  });
});
