// Pod spec line i is file line 10 + i (see pod-fixtures): the first pod spec line is line 11.

import { describe, expect, it } from "vitest";
import { serviceAccountChangedRule } from "../../src/rules/service-account-changed.js";
import { type Case, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const CONTAINERS = ["containers:", "  - name: api", "    image: ghcr.io/shop/api:1.0"];

/** A Deployment whose pod spec starts with these lines (line 11 onwards), then its containers. */
const deploy = (...fields: string[]) => workload([...fields, ...CONTAINERS]);

const cronJob = (account: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: ${account}
          containers:
            - name: report
              image: ghcr.io/shop/report:1.0
`;

const cases: Case[] = [
  {
    name: "service account changed",
    base: deploy("serviceAccountName: web"),
    head: deploy("serviceAccountName: admin"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "service account set on an existing workload that ran as default",
    base: deploy(),
    head: deploy("serviceAccountName: admin"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "service account removed (back to default): points at the removed field",
    base: deploy("serviceAccountName: web"),
    head: deploy(),
    expected: [{ line: 11, side: "base", severity: "medium" }],
  },
  {
    name: "service account set to an explicit default",
    base: deploy("serviceAccountName: web"),
    head: deploy("serviceAccountName: default"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "deprecated serviceAccount replaced by another serviceAccountName",
    base: deploy("serviceAccount: web"),
    head: deploy("serviceAccountName: admin"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "serviceAccountName removed: the deprecated field now decides",
    base: deploy("serviceAccountName: web", "serviceAccount: legacy"),
    head: deploy("serviceAccount: legacy"),
    expected: [{ line: 11, side: "head", severity: "medium" }],
  },
  {
    name: "CronJob service account changed",
    base: cronJob("report"),
    head: cronJob("admin"),
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "new workload with a non-default service account: informational",
    head: deploy("serviceAccountName: web"),
    expected: [{ line: 11, side: "head", severity: "low" }],
  },
  {
    name: "new workload with only the deprecated field",
    head: deploy("automountServiceAccountToken: false", "serviceAccount: web"),
    expected: [{ line: 12, side: "head", severity: "low" }],
  },
  {
    name: "service account changed on a workload moved to another file",
    base: { "a.yaml": deploy("serviceAccountName: web") },
    head: { "b.yaml": deploy("serviceAccountName: admin") },
    expected: [{ line: 11, side: "head", severity: "medium", file: "b.yaml" }],
  },
  // Silent.
  { name: "new workload without a service account", head: deploy(), expected: [] },
  {
    name: "new workload with an explicit default",
    head: deploy("serviceAccountName: default"),
    expected: [],
  },
  {
    name: "explicit default added",
    base: deploy(),
    head: deploy("serviceAccountName: default"),
    expected: [],
  },
  {
    name: "deprecated field renamed to serviceAccountName with the same account",
    base: deploy("serviceAccount: web"),
    head: deploy("serviceAccountName: web"),
    expected: [],
  },
  {
    name: "empty serviceAccountName falls back to the deprecated field",
    base: deploy("serviceAccount: web"),
    head: deploy('serviceAccountName: ""', "serviceAccount: web"),
    expected: [],
  },
  {
    name: "quoted instead of unquoted",
    base: deploy("serviceAccountName: web"),
    head: deploy('serviceAccountName: "web"', "dnsPolicy: ClusterFirst"),
    expected: [],
  },
  {
    name: "keys reordered",
    base: deploy("serviceAccountName: web", "hostname: a"),
    head: workload([...CONTAINERS, "hostname: a", "serviceAccountName: web"]),
    expected: [],
  },
  {
    name: "unrelated edit on a workload with a service account (pre-existing)",
    base: deploy("serviceAccountName: admin"),
    head: workload([
      "serviceAccountName: admin",
      ...CONTAINERS.slice(0, 2),
      "    image: ghcr.io/shop/api:1.1",
    ]),
    expected: [],
  },
  {
    name: "workload moved to another file",
    base: { "a.yaml": deploy("serviceAccountName: web") },
    head: { "b.yaml": deploy("serviceAccountName: web") },
    expected: [],
  },
  { name: "whole workload removed", base: deploy("serviceAccountName: admin"), expected: [] },
];

describe("service-account-changed", () => {
  table(serviceAccountChangedRule, cases);

  it("names the old and the new account", () => {
    const [changed] = runRule(serviceAccountChangedRule, deploy(), deploy("serviceAccountName: admin"));
    expect(changed.message).toBe(
      "Deployment shop/web switches its service account from `default` to `admin`: its pods lose the old " +
        "account's permissions and gain none that this repository's RBAC grants beyond them. Check the " +
        "bindings of `admin` in the cluster (and any cloud IAM tied to it) before merging.",
    );
    const [added] = runRule(serviceAccountChangedRule, undefined, deploy("serviceAccountName: web"));
    expect(added.message).toBe(
      "New Deployment shop/web runs as service account `web`: its pods get every permission bound to that " +
        "account. Check that it grants no more than the workload needs.",
    );
  });

  it("does not call a workload new in full-state mode", () => {
    const text = deploy("serviceAccountName: web");
    const [finding] = runRule(serviceAccountChangedRule, text, text, { fullState: true });
    expect(finding.message).toMatch(/^Deployment shop\/web runs as service account `web`/);
  });

  it("keys the fingerprint on the new account", () => {
    const run = (before: string, after: string) =>
      runRule(
        serviceAccountChangedRule,
        deploy(`serviceAccountName: ${before}`),
        deploy(`serviceAccountName: ${after}`),
      );
    expect(run("a", "admin")[0].fingerprint).toBe(run("b", "admin")[0].fingerprint);
    expect(run("a", "admin")[0].fingerprint).not.toBe(run("a", "root")[0].fingerprint);
  });
});
