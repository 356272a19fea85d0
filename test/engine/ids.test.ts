import { describe, expect, it } from "vitest";
import { fingerprint } from "../../src/engine/fingerprint.js";
import { FINGERPRINT, LOGIN, RULE_ID, SHORT_ID, sameLogin, shortId } from "../../src/engine/ids.js";
import { clip } from "../../src/engine/text.js";

describe("ids", () => {
  it("a short id is the first 8 hex digits of a fingerprint", () => {
    expect(shortId("0123456789abcdef")).toBe("01234567");
  });

  it("every fingerprint the engine makes has the fingerprint's shape, and its short id is a short id", () => {
    const fp = fingerprint("service-load-balancer", "v1/Service/shop/web", "type=LoadBalancer");
    expect(fp).toMatch(FINGERPRINT);
    expect(shortId(fp)).toMatch(SHORT_ID);
  });

  it("rule ids are lowercase words joined by single hyphens", () => {
    for (const id of ["service-load-balancer", "rbac", "k8s-1"]) expect(id).toMatch(RULE_ID);
    for (const id of ["Service", "-a", "a-", "a--b", "a_b", ""]) expect(id).not.toMatch(RULE_ID);
  });

  it("logins: no markup and no bots", () => {
    for (const login of ["octocat", "Octo-Cat", "a", "old-login-"]) expect(login).toMatch(LOGIN);
    for (const login of ["kubedelta[bot]", "-x", "a b", "<b>", "x".repeat(40)])
      expect(login).not.toMatch(LOGIN);
  });

  it("logins are one person whatever their case", () => {
    expect(sameLogin("Alice", "alice")).toBe(true);
    expect(sameLogin("alice", "alicia")).toBe(false);
  });
});

describe("clip", () => {
  it("keeps short text, clips long text with an ellipsis, never splitting a surrogate pair", () => {
    expect(clip("abc", 3)).toBe("abc");
    expect(clip("abcd", 3)).toBe("ab…");
    expect(clip("a😀b", 3)).toBe("a…");
    expect(clip("abc", 0)).toBe("");
  });
});
