import { describe, expect, it } from "vitest";
import type { Json } from "../../src/engine/types.js";
import {
  type Labels,
  representativeLabels,
  selectorMatches,
  selectorText,
  selectsEverything,
} from "../../src/k8s/label-selectors.js";

const web: Labels = { app: "web", tier: "front", version: "2" };

describe("selectorMatches", () => {
  const cases: { name: string; selector: Json | undefined; labels?: Labels; matches: boolean }[] = [
    { name: "empty selector selects everything", selector: {}, matches: true },
    { name: "empty selector selects unlabelled pods", selector: {}, labels: {}, matches: true },
    {
      name: "empty clauses select everything",
      selector: { matchLabels: {}, matchExpressions: [] },
      matches: true,
    },
    {
      name: "null clauses select everything",
      selector: { matchLabels: null, matchExpressions: null },
      matches: true,
    },
    { name: "absent (nil) selector selects nothing", selector: undefined, matches: false },
    { name: "null selector selects nothing", selector: null, matches: false },
    { name: "matchLabels subset", selector: { matchLabels: { app: "web" } }, matches: true },
    { name: "matchLabels all", selector: { matchLabels: { app: "web", tier: "front" } }, matches: true },
    { name: "matchLabels other value", selector: { matchLabels: { app: "db" } }, matches: false },
    { name: "matchLabels missing key", selector: { matchLabels: { team: "a" } }, matches: false },
    { name: "matchLabels unquoted number", selector: { matchLabels: { version: 2 } }, matches: true },
    {
      name: "matchLabels AND expressions",
      selector: sel({ app: "web" }, ["tier", "In", ["back"]]),
      matches: false,
    },
    { name: "In", selector: sel({}, ["tier", "In", ["front", "back"]]), matches: true },
    { name: "In other values", selector: sel({}, ["tier", "In", ["back"]]), matches: false },
    { name: "In missing key", selector: sel({}, ["team", "In", ["a"]]), matches: false },
    { name: "NotIn", selector: sel({}, ["tier", "NotIn", ["back"]]), matches: true },
    { name: "NotIn listed value", selector: sel({}, ["tier", "NotIn", ["front"]]), matches: false },
    { name: "NotIn missing key selects", selector: sel({}, ["team", "NotIn", ["a"]]), matches: true },
    { name: "Exists", selector: sel({}, ["app", "Exists"]), matches: true },
    { name: "Exists missing key", selector: sel({}, ["team", "Exists"]), matches: false },
    { name: "DoesNotExist", selector: sel({}, ["team", "DoesNotExist"]), matches: true },
    { name: "DoesNotExist present key", selector: sel({}, ["app", "DoesNotExist"]), matches: false },
    {
      name: "every expression must hold",
      selector: sel({}, ["app", "Exists"], ["team", "Exists"]),
      matches: false,
    },
    { name: "In with unquoted number", selector: sel({}, ["version", "In", [2, 3]]), matches: true },
    // Shapes the API server rejects select nothing.
    { name: "In without values", selector: sel({}, ["app", "In", []]), matches: false },
    { name: "NotIn without values", selector: sel({}, ["team", "NotIn"]), matches: false },
    { name: "Exists with values", selector: sel({}, ["app", "Exists", ["web"]]), matches: false },
    { name: "unknown operator", selector: sel({}, ["app", "Equals", ["web"]]), matches: false },
    { name: "lower-case operator", selector: sel({}, ["app", "exists"]), matches: false },
    {
      name: "expression without key",
      selector: { matchExpressions: [{ operator: "Exists" }] },
      matches: false,
    },
    { name: "expression not a mapping", selector: { matchExpressions: ["app"] }, matches: false },
    { name: "expressions not a list", selector: { matchExpressions: { key: "app" } }, matches: false },
    {
      name: "values not a list",
      selector: { matchExpressions: [{ key: "a", operator: "In", values: "x" }] },
      matches: false,
    },
    { name: "matchLabels not a mapping", selector: { matchLabels: ["app"] }, matches: false },
    { name: "matchLabels nested value", selector: { matchLabels: { app: { name: "web" } } }, matches: false },
    { name: "selector not a mapping", selector: "app=web", matches: false },
    { name: "selector a list", selector: [], matches: false },
  ];
  it.each(cases)("$name", ({ selector, labels, matches }) => {
    expect(selectorMatches(selector, labels ?? web)).toBe(matches);
  });

  it("does not read inherited properties as labels", () => {
    expect(selectorMatches(sel({}, ["toString", "Exists"]), {})).toBe(false);
    expect(selectorMatches(sel({}, ["constructor", "DoesNotExist"]), {})).toBe(true);
  });
});

/** A selector with matchLabels and [key, operator, values?] expressions. */
function sel(matchLabels: Record<string, string>, ...expressions: [string, string, Json[]?][]): Json {
  return {
    matchLabels,
    matchExpressions: expressions.map(
      ([key, operator, values]): Json => (values ? { key, operator, values } : { key, operator }),
    ),
  };
}

describe("selectsEverything", () => {
  it("holds for selectors without a clause, not for absent, malformed or narrowing ones", () => {
    expect(selectsEverything({})).toBe(true);
    expect(selectsEverything({ matchLabels: {}, matchExpressions: null })).toBe(true);
    expect(selectsEverything(undefined)).toBe(false);
    expect(selectsEverything(null)).toBe(false);
    expect(selectsEverything({ matchLabels: [] })).toBe(false);
    expect(selectsEverything({ matchLabels: { app: "web" } })).toBe(false);
    expect(selectsEverything(sel({}, ["app", "DoesNotExist"]))).toBe(false);
  });
});

describe("representativeLabels", () => {
  it("carries just the labels the selector requires", () => {
    expect(representativeLabels({})).toEqual({});
    expect(
      representativeLabels(
        sel(
          { app: "web" },
          ["version", "In", [2]],
          ["tier", "In", ["front", "back"]],
          ["team", "Exists"],
          ["x", "NotIn", ["y"]],
        ),
      ),
    ).toEqual({ app: "web", version: "2", tier: "front", team: "" });
  });

  it("is undefined when no pod satisfies the selector", () => {
    expect(representativeLabels(sel({ app: "web" }, ["app", "NotIn", ["web"]]))).toBeUndefined();
    expect(representativeLabels(sel({ app: "web" }, ["app", "DoesNotExist"]))).toBeUndefined();
    expect(representativeLabels(sel({}, ["app", "In", []]))).toBeUndefined();
    expect(representativeLabels(undefined)).toBeUndefined();
    expect(representativeLabels("app=web")).toBeUndefined();
  });
});

describe("selectorText", () => {
  it("writes a selector the way kubectl does", () => {
    expect(selectorText({})).toBe("");
    expect(
      selectorText(
        sel(
          { app: "web" },
          ["tier", "In", ["front", 2]],
          ["team", "NotIn", ["a"]],
          ["x", "Exists"],
          ["y", "DoesNotExist"],
        ),
      ),
    ).toBe("app=web, tier in (front, 2), team notin (a), x, !y");
  });
});
