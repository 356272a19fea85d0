// Test fixtures are not deployments. kuttl and chainsaw tests hold partial objects that are compared
// against a cluster (`assert`) or must not exist in it (`errors`), never applied: judged as
// manifests, a Deployment asserted by its status looks like a new workload without probes, and an
// errors file looks like it adds the objects it forbids. With `manifests.skipTestFixtures` (the
// default) they are left out with a note, like chart templates, and so are the test definitions
// themselves. Which files they are follows from the tools' own conventions (kuttl.ts, chainsaw.ts):
// their names, and the test definitions that name them. What a test applies to its test cluster
// stays reviewed: it is applied, its file names (`00-install.yaml`) are those of ordinary ordered
// manifests too, and it is often the repository's own manifests. A file that cannot be shown to be
// a fixture is reviewed.

import { chainsawReferences, isChainsawApiVersion, isChainsawTestFile } from "./chainsaw.js";
import { chartOfTemplate, chartRootsIn } from "./charts.js";
import type { FileContent } from "./files.js";
import { isManifestPath, type ReadFile, type ReadInput } from "./inputs.js";
import { isKuttlApiVersion, kuttlCaseDir, kuttlExpectation, kuttlReferences } from "./kuttl.js";
import { dirOf, PathIndex, resolveReference, type TestReference } from "./test-references.js";
import { isObject, type Side } from "./types.js";
import type { ParsedDocument } from "./yaml/types.js";

/** Why a file of one side is not a manifest, or undefined when it is one. */
export type FixtureTest = (path: string) => string | undefined;

export interface TestFixtures {
  /** The test definitions, read ahead of the other files (the reading of each side reuses them). */
  read: { base: Map<string, ReadFile>; head: Map<string, ReadFile> };
  fixtureOf: { base: FixtureTest; head: FixtureTest };
}

const NONE: TestFixtures = {
  read: { base: new Map(), head: new Map() },
  fixtureOf: { base: () => undefined, head: () => undefined },
};

/** The directory a test definition's paths start from, or undefined when `path` cannot be one. */
function testDirOf(path: string): string | undefined {
  if (isChainsawTestFile(path)) return dirOf(path);
  return kuttlExpectation(path) === undefined ? kuttlCaseDir(path) : undefined;
}

/**
 * The test definitions among `paths` whose tests hold some of the `changed` files: what a shell
 * that reads a repository only in part must still read for the fixtures among them to be known.
 */
export function testDefinitionsAround(paths: Iterable<string>, changed: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const path of changed) {
    for (let dir = dirOf(path); !dirs.has(dir); dir = dirOf(dir)) {
      dirs.add(dir);
      if (dir === "") break;
    }
  }
  return [...paths].filter((path) => {
    const dir = testDirOf(path);
    return dir !== undefined && dirs.has(dir);
  });
}

/** "chainsaw Test" when every document of a file is a test tool's own object; else undefined. */
function definitionKinds(documents: readonly ParsedDocument[]): string | undefined {
  const kinds = new Set<string>();
  for (const { value } of documents) {
    if (value === null) continue;
    if (!isObject(value) || typeof value.kind !== "string") return undefined;
    if (isChainsawApiVersion(value.apiVersion)) kinds.add(`chainsaw ${value.kind}`);
    else if (isKuttlApiVersion(value.apiVersion)) kinds.add(`kuttl ${value.kind}`);
    else return undefined;
  }
  return kinds.size > 0 ? [...kinds].join(", ") : undefined;
}

const COMPARED = "compared against a cluster, never applied";
const FORBIDDEN = "objects that must not exist in a cluster, never applied";

function referenceReason({ tool, use, from }: TestReference): string {
  return `test fixture (${tool} ${use} in ${from}): ${use === "assert" ? COMPARED : FORBIDDEN}`;
}

function namedReason(path: string): string | undefined {
  const role = kuttlExpectation(path);
  if (role === undefined) return undefined;
  return `test fixture (kuttl ${role} step): ${role === "assert" ? COMPARED : FORBIDDEN}`;
}

/** What the tests of one side say about its files. */
interface SideTests {
  /** Files that hold nothing but test definitions. */
  definitions: Map<string, string>;
  /** Files a test compares against a cluster, with the first test that names them. */
  expectations: Map<string, string>;
  /** Files a test applies: never fixtures, whatever else names them. */
  applied: Set<string>;
}

function sideTests(read: ReadonlyMap<string, ReadFile>, paths: Iterable<string>): SideTests {
  const tests: SideTests = { definitions: new Map(), expectations: new Map(), applied: new Set() };
  if (read.size === 0) return tests;
  const index = new PathIndex(paths);
  for (const path of [...read.keys()].sort()) {
    const outcome = read.get(path)?.outcome;
    // A definition that cannot be read whole cannot show what it names: its files stay reviewed.
    if (!outcome || outcome.errors.length > 0) continue;
    const kinds = definitionKinds(outcome.documents);
    if (kinds !== undefined) {
      const tools = kinds.startsWith("chainsaw") ? "chainsaw" : "kuttl";
      tests.definitions.set(path, `test definition (${kinds}): read by ${tools}, never applied`);
    }
    const references = [
      ...chainsawReferences(path, outcome.documents),
      ...kuttlReferences(path, outcome.documents),
    ];
    for (const reference of references) {
      for (const target of resolveReference(reference, index)) {
        if (reference.use === "apply") tests.applied.add(target);
        else if (!tests.expectations.has(target)) tests.expectations.set(target, referenceReason(reference));
      }
    }
  }
  return tests;
}

function fixtureTest(
  side: SideTests,
  other: SideTests,
  otherHas: (path: string) => boolean,
  applied: ReadonlySet<string>,
): FixtureTest {
  return (path) => {
    const definition = side.definitions.get(path);
    if (definition !== undefined) return definition;
    if (applied.has(path)) return undefined;
    const named = namedReason(path);
    if (named !== undefined) return named;
    const expected = side.expectations.get(path);
    // A file is a fixture on both sides or on neither: a test that newly names an existing
    // manifest must not hide the change to it (nor turn it into a removal).
    if (expected === undefined || (otherHas(path) && !other.expectations.has(path))) return undefined;
    return expected;
  };
}

/** Reads each side's test definitions (each candidate once) and says which files are fixtures. */
export function testFixtures(
  input: ReadInput,
  identical: ReadonlySet<string>,
  read: (content: FileContent) => ReadFile,
): TestFixtures {
  if (input.allFilesAreManifests || !input.policy.manifests.skipTestFixtures) return NONE;
  // The files the reading of the side would read: manifests, chart templates aside.
  const readDefinitions = (side: Side, reuse: ReadonlyMap<string, ReadFile>) => {
    const files = side === "base" ? input.base : input.head;
    const chartRoots = input.chartRoots?.[side] ?? chartRootsIn(files.keys());
    const found = new Map<string, ReadFile>();
    for (const [path, content] of files) {
      if (testDirOf(path) === undefined || !isManifestPath(path, input.policy)) continue;
      if (chartOfTemplate(path, chartRoots) !== undefined) continue;
      found.set(path, reuse.get(path) ?? read(content));
    }
    return found;
  };
  const baseRead = readDefinitions("base", new Map());
  const headRead = readDefinitions("head", new Map([...baseRead].filter(([path]) => identical.has(path))));
  const base = sideTests(baseRead, input.base.keys());
  const head = sideTests(headRead, input.head.keys());
  const applied = new Set([...base.applied, ...head.applied]);
  return {
    read: { base: baseRead, head: headRead },
    fixtureOf: {
      base: fixtureTest(base, head, (path) => input.head.has(path), applied),
      head: fixtureTest(head, base, (path) => input.base.has(path), applied),
    },
  };
}
