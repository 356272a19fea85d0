import { describe, expect, it } from "vitest";
import { suggest } from "../../src/policy/validation.js";
import { RULES } from "../../src/rules/index.js";

const IDS = RULES.map((r) => r.id);

describe("suggest", () => {
  it.each([
    ["service-loadbalancer", "service-load-balancer"], // a typo
    ["image-registy", "image-registry"],
    ["service-lb", "service-load-balancer"], // a shortening that begins like the id
    ["external-ips", "service-external-ips"], // a part of the id
    ["Privileged", "privileged-container"],
    ["rbac-agg", "rbac-aggregation"],
  ])("%s: did you mean %s?", (name, meant) => {
    expect(suggest(name, IDS)).toBe(` (did you mean ${meant}?)`);
  });

  it.each([
    ["service-x", "several ids begin with service-"],
    ["host", "several ids hold it"],
    ["balancer", "two ids hold it"],
    ["no-such-rule", "nothing like it"],
    ["ab", "too short to mean anything"],
  ])("%s: no hint (%s)", (name) => {
    expect(suggest(name, IDS)).toBe("");
  });
});
