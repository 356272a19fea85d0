// Issue 12: test fixtures are not deployments. kuttl and chainsaw tests hold partial objects compared
// against a cluster, never applied; they are left out (with a note) by their tools' own conventions.
// The layouts below are modelled on kuttl's docs and on real suites (CrunchyData/postgres-operator's
// testing/kuttl and testing/chainsaw, kyverno/policies' .chainsaw-test folders, chainsaw's examples).

import { describe, expect, it } from "vitest";
import { kuttlCaseDir, kuttlExpectation } from "../../src/engine/kuttl.js";
import { type FileSet, review } from "../../src/engine/review.js";
import { testDefinitionsAround } from "../../src/engine/test-fixtures.js";
import { PathIndex, resolveReference, type TestReference } from "../../src/engine/test-references.js";
import { defaultPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/types.js";
import { rulesOf } from "../../src/rules/catalog.js";

/** An assert file's Deployment: what the test waits for, not a workload of its own. */
const ASSERTED_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
status:
  readyReplicas: 2
`;
/** An errors file's Pod: an object that must NOT exist (the policy under test rejects it). */
const FORBIDDEN_POD = `apiVersion: v1
kind: Pod
metadata:
  name: escalated
spec:
  containers:
    - name: shell
      image: ghcr.io/acme/debug:1
      securityContext:
        privileged: true
`;

function reviewSides(
  base: Record<string, string>,
  head: Record<string, string>,
  change: (policy: Policy) => void = () => {},
  allFilesAreManifests = false,
) {
  const policy = defaultPolicy();
  change(policy);
  const files = (r: Record<string, string>): FileSet => new Map(Object.entries(r));
  return review({
    base: files(base),
    head: files(head),
    policy,
    rules: rulesOf(policy),
    allFilesAreManifests,
  });
}

const judged = (result: ReturnType<typeof reviewSides>) =>
  [...new Set(result.findings.map((f) => f.file))].sort();
const skips = (result: ReturnType<typeof reviewSides>) =>
  Object.fromEntries(result.skipped.map((s) => [s.file, s.reason]));

describe("kuttl's file names", () => {
  it("names assert and errors files by the first word after the step index", () => {
    const cases: [string, "assert" | "errors" | undefined][] = [
      ["tests/e2e/scale/00-assert.yaml", "assert"],
      ["tests/e2e/scale/01-errors.yaml", "errors"],
      ["tests/e2e/scale/02-assert-ready.yaml", "assert"],
      ["tests/e2e/scale/10-Assert.yaml", "assert"], // kuttl lower-cases the word
      ["tests/e2e/scale/00-assert.gotmpl.yaml", "assert"], // a template kuttl expands
      ["tests/e2e/scale/00-assert.yml", "assert"], // chainsaw's manifest-based tests
      ["tests/e2e/scale/00-install/assert.yaml", "assert"], // a step folder: no index needed
      ["tests/e2e/scale/00-install/errors-gone.yaml", "errors"],
      ["00-assert.yaml", "assert"],
      // Not assert or errors files:
      ["tests/e2e/scale/00-install.yaml", undefined], // applied to the test cluster
      ["tests/e2e/scale/00-asserts.yaml", undefined], // the word is "asserts"
      ["tests/e2e/scale/00-assert-ready.yml", undefined], // kuttl reads .yaml only; chainsaw wants the exact name
      ["tests/e2e/scale/assert.yaml", undefined], // no index, not in a step folder
      ["tests/e2e/scale/files/assert.yaml", undefined],
      ["deploy/00-namespace.yaml", undefined],
      ["deploy/assert-policy.yaml", undefined],
    ];
    for (const [path, role] of cases) expect([path, kuttlExpectation(path)]).toEqual([path, role]);
  });

  it("takes step files' test case folder from where they sit", () => {
    expect(kuttlCaseDir("tests/e2e/scale/00-cluster.yaml")).toBe("tests/e2e/scale");
    expect(kuttlCaseDir("tests/e2e/scale/00-install/step.yaml")).toBe("tests/e2e/scale");
    expect(kuttlCaseDir("00-cluster.yaml")).toBe("");
    expect(kuttlCaseDir("tests/e2e/scale/cluster.yaml")).toBeUndefined();
    expect(kuttlCaseDir("tests/e2e/scale/00-cluster.yml")).toBeUndefined(); // kuttl reads .yaml only
  });
});

describe("references of test definitions", () => {
  const index = new PathIndex([
    "t/chainsaw-test.yaml",
    "t/crd.yaml",
    "t/assert/a.yaml",
    "t/assert/b.yml",
    "t/assert/deeper/c.yaml",
    "t/files/00-created.yaml",
    "t/files/01-gone.yaml",
    "t/files/readme.md",
    "deploy/app.yaml",
  ]);
  const ref = (path: string, form: TestReference["form"] = "glob"): TestReference => ({
    from: "t/chainsaw-test.yaml",
    tool: form === "glob" ? "chainsaw" : "kuttl",
    use: "assert",
    dir: "t",
    path,
    form,
  });

  it("resolves files, Go globs within one folder, and kuttl folders to their .yaml files", () => {
    expect(resolveReference(ref("./crd.yaml"), index)).toEqual(["t/crd.yaml"]);
    expect(resolveReference(ref("assert/*.yaml"), index)).toEqual(["t/assert/a.yaml"]);
    expect(resolveReference(ref("assert/*"), index)).toEqual(["t/assert/a.yaml", "t/assert/b.yml"]);
    expect(resolveReference(ref("assert/[bc].y*"), index)).toEqual(["t/assert/b.yml"]);
    expect(resolveReference(ref("files", "file-or-directory"), index)).toEqual([
      "t/files/00-created.yaml",
      "t/files/01-gone.yaml",
    ]);
    expect(resolveReference(ref("files/01-gone.yaml", "file-or-directory"), index)).toEqual([
      "t/files/01-gone.yaml",
    ]);
    expect(resolveReference(ref("missing.yaml"), index)).toEqual([]);
    // What a test applies counts wherever it is in the repository: it keeps the file reviewed.
    expect(resolveReference({ ...ref("../deploy/app.yaml"), use: "apply" }, index)).toEqual([
      "deploy/app.yaml",
    ]);
    expect(resolveReference({ ...ref("../../outside.yaml"), use: "apply" }, index)).toEqual([]);
  });

  it("leaves alone what depends on what runs the test, and anything outside the test's folder", () => {
    for (const path of [
      "($values.file)", // a chainsaw expression
      "~.(files)",
      "$FIXTURES/a.yaml", // a kuttl environment variable
      "$" + "{FIXTURES}/a.yaml",
      "https://example.com/a.yaml",
      "git::https://example.com/repo//a.yaml",
      "/abs/a.yaml",
      "../deploy/app.yaml", // the repository's real manifest: stays reviewed
      "./",
      ".",
      "",
    ]) {
      expect([path, resolveReference(ref(path), index)]).toEqual([path, []]);
      expect([path, resolveReference(ref(path, "file-or-directory"), index)]).toEqual([path, []]);
    }
  });

  it("finds the test definitions whose tests hold changed files, for shells that read a repository in part", () => {
    const paths = [
      "tests/chainsaw/policy/chainsaw-test.yaml",
      "tests/chainsaw/other/chainsaw-test.yaml",
      "tests/kuttl/scale/00-cluster.yaml",
      "tests/kuttl/scale/00-assert.yaml", // an expectation, never a definition
      "tests/kuttl/scale/00-install/step.yaml",
      "chainsaw-test.yml",
      "deploy/app.yaml",
    ];
    expect(
      testDefinitionsAround(paths, [
        "tests/chainsaw/policy/assert/ready.yaml",
        "tests/kuttl/scale/files/x.yaml",
      ]),
    ).toEqual([
      "tests/chainsaw/policy/chainsaw-test.yaml",
      "tests/kuttl/scale/00-cluster.yaml",
      "tests/kuttl/scale/00-install/step.yaml",
      "chainsaw-test.yml",
    ]);
  });
});

describe("test fixtures through the engine", () => {
  it("leaves kuttl's assert and errors files out, with the reason; the same objects elsewhere are judged", () => {
    const result = reviewSides(
      {},
      {
        "tests/e2e/scale/00-install.yaml": ASSERTED_DEPLOYMENT.replace("web", "installed"),
        "tests/e2e/scale/00-assert.yaml": ASSERTED_DEPLOYMENT,
        "tests/e2e/scale/01-errors.yaml": FORBIDDEN_POD,
        "tests/e2e/scale/02-install/assert.yaml": ASSERTED_DEPLOYMENT.replace("web", "again"),
        "deploy/web.yaml": ASSERTED_DEPLOYMENT,
        "deploy/pod.yaml": FORBIDDEN_POD,
      },
    );
    expect(skips(result)).toEqual({
      "tests/e2e/scale/00-assert.yaml":
        "test fixture (kuttl assert step): compared against a cluster, never applied",
      "tests/e2e/scale/01-errors.yaml":
        "test fixture (kuttl errors step): objects that must not exist in a cluster, never applied",
      "tests/e2e/scale/02-install/assert.yaml":
        "test fixture (kuttl assert step): compared against a cluster, never applied",
    });
    // The apply step is applied to the test cluster, and named like any ordered manifest: reviewed.
    expect(judged(result)).toEqual(["deploy/pod.yaml", "deploy/web.yaml", "tests/e2e/scale/00-install.yaml"]);
    expect(result.findings.map((f) => `${f.file} ${f.rule}`)).toContain(
      "deploy/pod.yaml privileged-container",
    );
    expect(result.errors).toEqual([]);
  });

  const chainsawTest = `apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata:
  name: disallow-privileged
spec:
  steps:
    - name: step-01
      try:
        - apply:
            file: resources/good-pod.yaml
        - assert:
            file: assert/*.yaml
        - apply:
            file: resources/bad-pod.yaml
            expect:
              - check:
                  ($error != null): true
        - error:
            file: forbidden.yaml
        - script:
            content: kubectl get pods
`;

  it("leaves out a chainsaw test and the files it compares against the cluster; what it applies is reviewed", () => {
    const result = reviewSides(
      {},
      {
        "tests/chainsaw/policy/chainsaw-test.yaml": chainsawTest,
        "tests/chainsaw/policy/assert/web-ready.yaml": ASSERTED_DEPLOYMENT,
        "tests/chainsaw/policy/forbidden.yaml": FORBIDDEN_POD,
        "tests/chainsaw/policy/resources/bad-pod.yaml": FORBIDDEN_POD.replace("escalated", "bad"),
        "tests/chainsaw/policy/resources/good-pod.yaml": FORBIDDEN_POD.replace("escalated", "good"),
      },
    );
    const test = "tests/chainsaw/policy/chainsaw-test.yaml";
    expect(skips(result)).toEqual({
      [test]: "test definition (chainsaw Test): read by chainsaw, never applied",
      "tests/chainsaw/policy/assert/web-ready.yaml": `test fixture (chainsaw assert in ${test}): compared against a cluster, never applied`,
      "tests/chainsaw/policy/forbidden.yaml": `test fixture (chainsaw error in ${test}): objects that must not exist in a cluster, never applied`,
    });
    expect(judged(result)).toEqual([
      "tests/chainsaw/policy/resources/bad-pod.yaml",
      "tests/chainsaw/policy/resources/good-pod.yaml",
    ]);
  });

  it("follows a kuttl TestStep's assert and error lists (files and folders) from its test case folder", () => {
    const step = `apiVersion: kuttl.dev/v1beta1
kind: TestStep
apply:
  - files/00-create-cluster.yaml
assert:
  - files/00-cluster-created.yaml
error:
  - gone
`;
    const result = reviewSides(
      {},
      {
        "testing/kuttl/e2e/pause/00-cluster.yaml": step,
        "testing/kuttl/e2e/pause/files/00-create-cluster.yaml": FORBIDDEN_POD.replace("escalated", "created"),
        "testing/kuttl/e2e/pause/files/00-cluster-created.yaml": ASSERTED_DEPLOYMENT,
        "testing/kuttl/e2e/pause/gone/pod.yaml": FORBIDDEN_POD,
      },
    );
    const from = "testing/kuttl/e2e/pause/00-cluster.yaml";
    expect(skips(result)).toEqual({
      [from]: "test definition (kuttl TestStep): read by kuttl, never applied",
      "testing/kuttl/e2e/pause/files/00-cluster-created.yaml": `test fixture (kuttl assert in ${from}): compared against a cluster, never applied`,
      "testing/kuttl/e2e/pause/gone/pod.yaml": `test fixture (kuttl error in ${from}): objects that must not exist in a cluster, never applied`,
    });
    expect(judged(result)).toEqual(["testing/kuttl/e2e/pause/files/00-create-cluster.yaml"]);
  });

  it("knows a changed fixture by an unchanged test, and says nothing about the unchanged test", () => {
    const test = { "tests/chainsaw/policy/chainsaw-test.yaml": chainsawTest };
    const result = reviewSides(
      { ...test, "tests/chainsaw/policy/forbidden.yaml": FORBIDDEN_POD.replace("true", "false") },
      { ...test, "tests/chainsaw/policy/forbidden.yaml": FORBIDDEN_POD },
    );
    expect(result.findings).toEqual([]);
    expect(result.skipped.map((s) => s.file)).toEqual(["tests/chainsaw/policy/forbidden.yaml"]);
  });

  it("keeps reviewing a manifest that a test newly names, or that some test applies", () => {
    const asserting = (file: string) =>
      `apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec:\n  steps:\n    - try:\n        - assert:\n            file: ${file}\n`;
    // The base reviewed deploy/pod.yaml as a manifest: a new test that asserts it hides nothing.
    const named = reviewSides(
      { "deploy/pod.yaml": FORBIDDEN_POD.replace("true", "false") },
      { "deploy/pod.yaml": FORBIDDEN_POD, "deploy/chainsaw-test.yaml": asserting("pod.yaml") },
    );
    expect(judged(named)).toEqual(["deploy/pod.yaml"]);
    expect(named.findings.map((f) => f.rule)).toContain("privileged-container");
    // Asserted by one test, applied by another (from outside its own folder): it is applied.
    const applied = reviewSides(
      {},
      {
        "t/chainsaw-test.yaml": asserting("pod.yaml"),
        "t/more/chainsaw-test.yaml": chainsawTest.replace("resources/good-pod.yaml", "../pod.yaml"),
        "t/pod.yaml": FORBIDDEN_POD,
      },
    );
    expect(judged(applied)).toEqual(["t/pod.yaml"]);
    const appliedHere = reviewSides(
      {},
      {
        "t/chainsaw-test.yaml": `${asserting("pod.yaml")}        - apply:\n            file: pod.yaml\n`,
        "t/pod.yaml": FORBIDDEN_POD,
      },
    );
    expect(judged(appliedHere)).toEqual(["t/pod.yaml"]);
  });

  it("reviews what a test names outside its folder, or through an expression, and the files of a broken test", () => {
    const test = (file: string) =>
      `apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec:\n  steps:\n    - try:\n        - assert:\n            file: ${file}\n`;
    expect(
      judged(
        reviewSides(
          {},
          { "tests/t/chainsaw-test.yaml": test("../../deploy/pod.yaml"), "deploy/pod.yaml": FORBIDDEN_POD },
        ),
      ),
    ).toEqual(["deploy/pod.yaml"]);
    expect(
      judged(
        reviewSides({}, { "tests/t/chainsaw-test.yaml": test("($file)"), "tests/t/pod.yaml": FORBIDDEN_POD }),
      ),
    ).toEqual(["tests/t/pod.yaml"]);
    const broken = reviewSides(
      {},
      { "tests/t/chainsaw-test.yaml": `${test("pod.yaml")}  bad: [\n`, "tests/t/pod.yaml": FORBIDDEN_POD },
    );
    expect(judged(broken)).toEqual(["tests/t/pod.yaml"]);
    expect(broken.errors.map((e) => e.file)).toEqual(["tests/t/chainsaw-test.yaml"]);
  });

  it("reviews fixtures as manifests when the setting is off, or when the files are named on the command line", () => {
    const head = {
      "tests/e2e/scale/00-assert.yaml": ASSERTED_DEPLOYMENT,
      "tests/chainsaw/policy/chainsaw-test.yaml": chainsawTest,
      "tests/chainsaw/policy/forbidden.yaml": FORBIDDEN_POD,
    };
    const off = reviewSides({}, head, (policy) => {
      policy.manifests.skipTestFixtures = false;
    });
    expect(off.skipped).toEqual([]);
    expect(judged(off)).toEqual(["tests/chainsaw/policy/forbidden.yaml", "tests/e2e/scale/00-assert.yaml"]);
    const named = reviewSides({}, { "00-assert.yaml": ASSERTED_DEPLOYMENT }, undefined, true);
    expect(named.skipped).toEqual([]);
    expect(judged(named)).toEqual(["00-assert.yaml"]);
  });

  it("leaves explicit exclude globs working beside it", () => {
    const result = reviewSides({}, { "tests/e2e/scale/00-install.yaml": FORBIDDEN_POD }, (policy) => {
      policy.manifests.exclude = ["tests/e2e/**"];
    });
    expect(result.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it("reads a test definition once", () => {
    const result = reviewSides(
      { "t/chainsaw-test.yaml": chainsawTest, "t/00-install.yaml": FORBIDDEN_POD },
      { "t/chainsaw-test.yaml": chainsawTest, "t/00-install.yaml": FORBIDDEN_POD.replace("true", "false") },
    );
    // chainsaw-test.yaml once (both sides), 00-install.yaml read ahead as a kuttl step file on each side.
    expect(result.stats).toMatchObject({ filesParsed: 3, parseCacheHits: 0 });
  });
});
