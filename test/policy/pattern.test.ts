import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePattern, type Pattern } from "../../src/rules/custom/pattern.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
// Generous, so that large FUZZ_RUNS values run to the end.
const TIMEOUT = 10_000 + RUNS;

function compiled(source: string): Pattern {
  const pattern = compilePattern(source);
  if (typeof pattern === "string") throw new Error(`${source}: ${pattern}`);
  return pattern;
}

/** Patterns of the supported dialect, built from pieces so that most of them compile. */
const atom = fc.constantFrom(
  "a",
  "b",
  ".",
  "[ab]",
  "[^a]",
  "[a-c]",
  "\\d",
  "\\w",
  "\\s",
  "\\.",
  "x",
  "-",
  ":",
);
const quantifier = fc.constantFrom("", "", "*", "+", "?", "{2}", "{0,2}", "{1,}");
const piece = fc.tuple(atom, quantifier).map(([a, q]) => a + q);
const sequence = fc.array(piece, { minLength: 0, maxLength: 5 }).map((pieces) => pieces.join(""));
const group = fc.tuple(sequence, sequence, quantifier).map(([a, b, q]) => `(?:${a}|${b})${q}`);
const pattern = fc
  .tuple(
    fc.constantFrom("", "^"),
    fc.array(fc.oneof(sequence, group), { maxLength: 3 }),
    fc.constantFrom("", "$"),
  )
  .map(([start, parts, end]) => start + parts.join("") + end);
const text = fc
  .array(fc.constantFrom("a", "b", "c", "1", " ", ".", "\n", "x", "-", ":"), { maxLength: 12 })
  .map((cs) => cs.join(""));

describe("custom-rule patterns", () => {
  it(
    "match exactly where JavaScript's RegExp matches",
    () => {
      fc.assert(
        fc.property(pattern, text, (source, value) => {
          expect(compiled(source).test(value)).toBe(new RegExp(source).test(value));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it.each([
    [":latest$", "nginx:latest", true],
    [":latest$", "nginx:latest-1", false],
    ["^(?:docker\\.io/)?library/.+$", "docker.io/library/nginx", true],
    ["^[a-z0-9.-]+\\.example\\.com/", "registry.example.com/app:1", true],
    ["^[a-z0-9.-]+\\.example\\.com/", "registry.example.org/app:1", false],
    ["^0$", "0", true],
    ["a{2,3}b", "aab", true],
    ["a{2,3}b", "ab", false],
    ["(a|b)+c", "ababc", true],
    ["x*", "", true],
    ["[\\]a]", "]", true],
    ["[a\\-z]", "-", true],
    ["a.b", "a\nb", false],
  ])("%s on %j: %s", (source, value, expected) => {
    expect(compiled(source).test(value)).toBe(expected);
  });

  it("take time linear in the text: shapes that make backtracking engines hang answer at once", () => {
    const long = "a".repeat(4096);
    expect(compiled(".*a.*b").test(long)).toBe(false);
    expect(compiled("^(a+)+$").test(`${long}!`)).toBe(false);
    expect(compiled("(a|a)*b").test(long)).toBe(false);
    expect(compiled("(.*a){12}x").test(long)).toBe(false);
  });

  it.each([
    ["(latest", "unterminated group"],
    ["latest)", 'unmatched ")" at position 7'],
    ["[abc", "unterminated character class"],
    ["*a", "nothing to repeat at position 1"],
    ["a**", "nothing to repeat at position 3"],
    [
      "a*?",
      "lazy quantifiers (*?, +?) are not supported: they never change whether a pattern matches; drop the ?",
    ],
    ["(?=a)", "lookaround and named groups are not supported; use (…) or (?:…)"],
    ["(a)\\1", "\\1 is not supported (backreferences, \\b, \\p, \\c, \\u and \\x are not)"],
    ["\\bword", "\\b is not supported (backreferences, \\b, \\p, \\c, \\u and \\x are not)"],
    ["[z-a]", "range out of order in character class"],
    ["a{3,1}", "numbers out of order in {3,1}"],
    ["a{1000}", "a count over 100 in {1000}"],
    ["(a{100}){100}", "the pattern repeats too much to match safely"],
    ["x".repeat(513), "longer than 512 characters"],
  ])("%s is refused: %s", (source, reason) => {
    expect(compilePattern(source)).toBe(reason);
  });
});
