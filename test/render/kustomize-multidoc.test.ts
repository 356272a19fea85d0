// Findings on resources that Kustomize reads from, and patches with, files of several documents,
// rendered by the real kustomize: one file writes the same Role for two namespaces, and each
// finding lands in the document (resource or patch) of its own namespace.

import { describe, expect, it } from "vitest";
import { type Files, placed, reviewChange } from "./helpers/change.js";
import { useRealTools } from "./helpers/tools.js";

useRealTools();

const ROLE = (namespace: string, verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: ${namespace}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [${verbs}]
`;

const RBAC = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
  namespace: team-a
---
${ROLE("team-a", "get")}---
${ROLE("team-b", "get")}`;

const APP: Files = {
  "app/kustomization.yaml": "resources:\n  - rbac.yaml\n",
  "app/rbac.yaml": RBAC,
  // Written for both namespaces, team-b first; used only where a kustomization lists it.
  "app/verbs.yaml": `${ROLE("team-b", "get, delete")}---\n${ROLE("team-a", "get, delete")}`,
};

const with_ = (files: Files, changes: Files): Files => ({ ...files, ...changes });

/** The 1-based line of the `nth` (1-based) line of `path` that contains `text`. */
function nthLineOf(files: Files, path: string, text: string, nth: number): number {
  const lines = files[path].split("\n");
  const found = lines.flatMap((line, i) => (line.includes(text) ? [i + 1] : []));
  if (found.length < nth) throw new Error(`${path} has fewer than ${nth} lines with ${text}`);
  return found[nth - 1];
}

const UNSURE = /no source line writes this field/;
const byNamespace = (result: {
  findings: { resource: { namespace?: string }; file: string; line: number; message: string }[];
}) => Object.fromEntries(result.findings.map((f) => [f.resource.namespace, `${f.file}:${f.line}`]));

describe("a Kustomize resources file that writes the same Role for two namespaces", () => {
  it("puts a verb added to the third document on that document's line", async () => {
    const head = with_(APP, { "app/rbac.yaml": RBAC.replace(/verbs: \[get\]\n$/, "verbs: [get, delete]\n") });
    const { result } = await reviewChange(APP, head);
    expect(placed(result)).toEqual([
      `app/rbac.yaml:${nthLineOf(head, "app/rbac.yaml", "verbs:", 2)} rbac-escalation`,
    ]);
    expect(result.findings[0].resource).toMatchObject({ kind: "Role", namespace: "team-b" });
    expect(result.findings[0].message).not.toMatch(UNSURE);
  });

  it("puts what a two-document patch file sets on the document of each Role's namespace", async () => {
    const head = with_(APP, {
      "app/kustomization.yaml": "resources:\n  - rbac.yaml\npatches:\n  - path: verbs.yaml\n",
    });
    const { result } = await reviewChange(APP, head);
    expect(result.findings.map((f) => f.rule)).toEqual(["rbac-escalation", "rbac-escalation"]);
    expect(byNamespace(result)).toEqual({
      "team-a": `app/verbs.yaml:${nthLineOf(head, "app/verbs.yaml", "verbs:", 2)}`,
      "team-b": `app/verbs.yaml:${nthLineOf(head, "app/verbs.yaml", "verbs:", 1)}`,
    });
    expect(result.findings.filter((f) => UNSURE.test(f.message))).toEqual([]);
  });

  it("puts each JSON 6902 operation on the Role its target's namespace selects", async () => {
    const operation = (
      namespace: string,
      verb: string,
    ) => `  - target: {kind: Role, name: reader, namespace: ${namespace}}
    patch: |
      - op: add
        path: /rules/0/verbs/-
        value: ${verb}
`;
    const kustomization = `resources:\n  - rbac.yaml\npatches:\n${operation("team-a", "list")}${operation("team-b", "delete")}`;
    const head = with_(APP, { "app/kustomization.yaml": kustomization });
    const { result } = await reviewChange(APP, head);
    expect(byNamespace(result)).toEqual({
      "team-a": `app/kustomization.yaml:${nthLineOf(head, "app/kustomization.yaml", "value: list", 1)}`,
      "team-b": `app/kustomization.yaml:${nthLineOf(head, "app/kustomization.yaml", "value: delete", 1)}`,
    });
  });
});
