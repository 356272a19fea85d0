// Properties of the whole engine: meaning-preserving edits never produce findings, and no input
// (random or mutated YAML) makes it throw. FUZZ_RUNS raises the number of cases for long runs.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import jsyaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { review } from "../../src/engine/review.js";
import { loadPolicy } from "../../src/policy/load.js";
import { rulesOf } from "../../src/rules/catalog.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// Generous, so that large FUZZ_RUNS values run to the end.
const TIMEOUT = 10_000 + RUNS * 20;
const policy = loadPolicy();

function readTree(root: string, prefix = ""): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(root).sort()) {
    const full = join(root, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) for (const [p, t] of readTree(full, relative)) files.set(p, t);
    else files.set(relative, readFileSync(full, "utf8"));
  }
  return files;
}

// The example's head holds every kind of risk, so silence on its rewrites means something.
// Its plain manifests, that is: not the CI values, nor the chart and the overlay, which render.
const corpus = new Map(
  [...readTree("examples/risky-pr/head")].filter(
    ([path]) => !["ci/", "charts/", "deploy/"].some((dir) => path.startsWith(dir)),
  ),
);
const objects: unknown[] = [...corpus.values()]
  .flatMap((text) => jsyaml.loadAll(text))
  .filter((o) => o !== null);

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, shuffleKeys(v, random)] as const);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  return Object.fromEntries(entries);
}

const writers: ((o: unknown) => string)[] = [
  (o) => stringify(o),
  (o) => stringify(o, { indent: 4, indentSeq: false }),
  (o) => stringify(o, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }),
  (o) => stringify(o, { collectionStyle: "flow" }),
  (o) => jsyaml.dump(o, { flowLevel: 3 }),
  (o) => jsyaml.dump(o, { indent: 3, noArrayIndent: true, quotingType: '"', forceQuotes: true }),
  (o) => JSON.stringify(o, null, 2),
];

/** Writes the objects into `fileCount` files, in the given order and styles. */
function layout(order: number[], styles: number[], fileCount: number, seed: number): Map<string, string> {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const files: string[][] = Array.from({ length: fileCount }, () => []);
  order.forEach((index, position) => {
    const object = shuffleKeys(objects[index], random);
    files[position % fileCount].push(writers[styles[position] % writers.length](object));
  });
  return new Map(files.map((docs, i) => [`moved/part-${i}.yaml`, docs.map((d) => `---\n${d}`).join("\n")]));
}

describe("engine properties", () => {
  it(
    "reformatting, key and document reordering and moving between files never create findings",
    () => {
      const indexes = objects.map((_, i) => i);
      fc.assert(
        fc.property(
          fc.shuffledSubarray(indexes, { minLength: indexes.length, maxLength: indexes.length }),
          fc.array(fc.nat(), { minLength: indexes.length, maxLength: indexes.length }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer(),
          (order, styles, fileCount, seed) => {
            const head = layout(order, styles, fileCount, seed);
            const result = review({ base: corpus, head, policy, rules: rulesOf(policy) });
            expect(result.errors).toEqual([]);
            expect(result.findings).toEqual([]);
            expect(result.stats.added + result.stats.removed).toBe(0);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "random text never makes the engine throw",
    () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (base, head) => {
          const result = review({
            base: new Map([["a.yaml", base]]),
            head: new Map([["a.yaml", head]]),
            policy,
            rules: rulesOf(policy),
          });
          expect(Array.isArray(result.findings)).toBe(true);
        }),
        { numRuns: RUNS * 3 },
      );
    },
    TIMEOUT,
  );

  it(
    "mutated manifests never make the engine throw, and errors name their file",
    () => {
      const texts = [...corpus.values()];
      const fragments = [
        "\t",
        ": ",
        " #",
        "'",
        '"',
        "&a ",
        "*a",
        "- ",
        "{",
        "[",
        "|",
        ">",
        "\n",
        "  ",
        "---\n",
        "!!int ",
        "<<: *a\n",
        "?",
      ];
      fc.assert(
        fc.property(
          fc.nat({ max: texts.length - 1 }),
          fc.array(fc.tuple(fc.nat(), fc.nat({ max: fragments.length - 1 }), fc.boolean()), {
            minLength: 1,
            maxLength: 8,
          }),
          (which, edits) => {
            let text = texts[which];
            for (const [at, fragment, remove] of edits) {
              const position = at % (text.length + 1);
              text = remove
                ? text.slice(0, position) + text.slice(position + 3)
                : text.slice(0, position) + fragments[fragment] + text.slice(position);
            }
            const result = review({
              base: corpus,
              head: new Map([...corpus, ["apps/web.yaml", text]]),
              policy,
              rules: rulesOf(policy),
            });
            for (const error of result.errors) {
              expect(error.file).toBe("apps/web.yaml");
              // Bad input is an input error, never a rule that broke on it.
              expect(error.message).not.toMatch(/^rule \S+ failed/);
            }
            for (const finding of result.findings) expect(finding.line).toBeGreaterThan(0);
          },
        ),
        { numRuns: RUNS * 3 },
      );
    },
    TIMEOUT,
  );
});
