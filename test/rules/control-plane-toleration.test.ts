// Pod spec line i is file line 10 + i (see pod-fixtures): `tolerations:` is line 11, its first
// item line 12.

import { describe, expect, it } from "vitest";
import { controlPlaneTolerationRule } from "../../src/rules/control-plane-toleration.js";
import { type Case, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const CONTAINERS = ["containers:", "  - name: agent", "    image: ghcr.io/ops/agent:1.0"];

/** A toleration list item from `key: value` fields (the first one carries the `-`). */
const tol = (...fields: string[]) => fields.map((field, i) => `${i === 0 ? "  - " : "    "}${field}`);

const CONTROL_PLANE = tol(
  "key: node-role.kubernetes.io/control-plane",
  "operator: Exists",
  "effect: NoSchedule",
);
const MASTER = tol("key: node-role.kubernetes.io/master", "operator: Exists", "effect: NoSchedule");
const EVERYTHING = tol("operator: Exists");
const GPU = tol("key: dedicated", "operator: Equal", "value: gpu", "effect: NoSchedule");

/** A DaemonSet ops/agent with these toleration items (none: no tolerations field). */
function daemonSet(...tolerations: string[][]): string {
  const list = tolerations.length > 0 ? ["tolerations:", ...tolerations.flat()] : [];
  return workload([...list, ...CONTAINERS], { kind: "DaemonSet", name: "agent", namespace: "ops" });
}

const cases: Case[] = [
  {
    name: "new DaemonSet tolerating the control-plane taint",
    head: daemonSet(CONTROL_PLANE),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "existing workload gains the legacy master toleration",
    base: daemonSet(),
    head: daemonSet(MASTER),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "existing workload gains operator: Exists without a key (every taint)",
    base: daemonSet(GPU),
    head: daemonSet(GPU, EVERYTHING),
    expected: [{ line: 16, side: "head", severity: "high" }],
  },
  {
    name: "operator: Exists with an empty key",
    base: daemonSet(),
    head: daemonSet(tol('key: ""', "operator: Exists", "effect: NoExecute")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "Equal operator on the control-plane key",
    head: daemonSet(tol("key: node-role.kubernetes.io/control-plane", 'value: "true"', "effect: NoSchedule")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "widened from one effect to all effects",
    base: daemonSet(CONTROL_PLANE),
    head: daemonSet(tol("key: node-role.kubernetes.io/control-plane", "operator: Exists")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "NoExecute tolerated forever instead of for 60 seconds",
    base: daemonSet(tol("operator: Exists", "effect: NoExecute", "tolerationSeconds: 60")),
    head: daemonSet(tol("operator: Exists", "effect: NoExecute")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "every NoSchedule taint widened to every taint: NoExecute is new",
    base: daemonSet(tol("operator: Exists", "effect: NoSchedule")),
    head: daemonSet(EVERYTHING),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "every taint, where the old NoExecute toleration was bounded to 60 seconds",
    base: daemonSet(
      tol("operator: Exists", "effect: NoSchedule"),
      tol("operator: Exists", "effect: NoExecute", "tolerationSeconds: 60"),
    ),
    head: daemonSet(EVERYTHING),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "every taint, where the old NoExecute toleration was for the control-plane taint only",
    base: daemonSet(
      tol("operator: Exists", "effect: NoSchedule"),
      tol("key: node-role.kubernetes.io/control-plane", "operator: Exists", "effect: NoExecute"),
    ),
    head: daemonSet(EVERYTHING),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "control-plane taint on all effects, where the old tolerations had NoSchedule only",
    base: daemonSet(CONTROL_PLANE, tol("operator: Exists", "effect: PreferNoSchedule")),
    head: daemonSet(tol("key: node-role.kubernetes.io/control-plane", "operator: Exists")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "the same risky toleration twice is one finding",
    head: daemonSet(EVERYTHING, EVERYTHING),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  // Judged on the clusters supported today, whose control-plane nodes carry no master taint (1.25+).
  {
    name: "control-plane added next to an existing master toleration",
    base: daemonSet(MASTER),
    head: daemonSet(MASTER, CONTROL_PLANE),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "master toleration replaced by the control-plane one",
    base: daemonSet(MASTER),
    head: daemonSet(CONTROL_PLANE),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "master NoSchedule and control-plane NoExecute merged into one control-plane toleration",
    base: daemonSet(
      MASTER,
      tol("key: node-role.kubernetes.io/control-plane", "operator: Exists", "effect: NoExecute"),
    ),
    head: daemonSet(tol("key: node-role.kubernetes.io/control-plane", "operator: Exists")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "keyless Exists added where the base only tolerated master: it now matches control-plane",
    base: daemonSet(MASTER),
    head: daemonSet(MASTER, EVERYTHING),
    expected: [{ line: 15, side: "head", severity: "high" }],
  },
  {
    name: "keyless Exists NoSchedule added where the base only tolerated master NoSchedule",
    base: daemonSet(MASTER),
    head: daemonSet(tol("operator: Exists", "effect: NoSchedule")),
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  {
    name: "full-state mode reports a pre-existing toleration",
    base: daemonSet(CONTROL_PLANE),
    head: daemonSet(CONTROL_PLANE),
    fullState: true,
    expected: [{ line: 12, side: "head", severity: "high" }],
  },
  // Silent.
  { name: "new workload without tolerations", head: daemonSet(), expected: [] },
  { name: "new workload with an ordinary toleration", head: daemonSet(GPU), expected: [] },
  {
    name: "master added where control-plane is already tolerated: nothing new on supported clusters",
    base: daemonSet(CONTROL_PLANE),
    head: daemonSet(CONTROL_PLANE, MASTER),
    expected: [],
  },
  {
    name: "keyless Exists NoSchedule added where every NoSchedule taint was tolerated",
    base: daemonSet(tol("operator: Exists", "effect: NoSchedule"), GPU),
    head: daemonSet(GPU, tol("operator: Exists", "effect: NoSchedule", "tolerationSeconds: 30")),
    expected: [],
  },
  {
    name: "keyless Exists added where the base already tolerated every taint of every effect",
    base: daemonSet(EVERYTHING),
    head: daemonSet(EVERYTHING, MASTER, EVERYTHING),
    expected: [],
  },
  {
    name: "keyless Exists for NoExecute where the base tolerated every NoSchedule and NoExecute taint",
    base: daemonSet(
      tol("operator: Exists", "effect: NoSchedule"),
      tol("operator: Exists", "effect: NoExecute"),
    ),
    head: daemonSet(tol("operator: Exists", "effect: NoExecute")),
    expected: [],
  },
  {
    // kube-prometheus e4ff0f87: the only addition is PreferNoSchedule, which keeps no pod off a node.
    name: "every NoSchedule and every NoExecute taint merged into every taint",
    base: daemonSet(
      ["  - {effect: NoExecute, operator: Exists}"],
      ["  - {effect: NoSchedule, operator: Exists}"],
    ),
    head: workload(["tolerations: [{operator: Exists}]", ...CONTAINERS], {
      kind: "DaemonSet",
      name: "agent",
      namespace: "ops",
    }),
    expected: [],
  },
  {
    name: "NoSchedule and NoExecute control-plane tolerations merged into one without an effect",
    base: daemonSet(
      CONTROL_PLANE,
      tol("key: node-role.kubernetes.io/control-plane", "operator: Exists", "effect: NoExecute"),
    ),
    head: daemonSet(tol("key: node-role.kubernetes.io/control-plane", "operator: Exists")),
    expected: [],
  },
  {
    name: "merged into every taint, NoExecute bound kept",
    base: daemonSet(
      tol("operator: Exists", "effect: NoSchedule"),
      tol("operator: Exists", "effect: NoExecute", "tolerationSeconds: 300"),
    ),
    head: daemonSet(tol("operator: Exists", "tolerationSeconds: 300")),
    expected: [],
  },
  {
    name: "a PreferNoSchedule-only control-plane toleration",
    base: daemonSet(),
    head: daemonSet(
      tol("key: node-role.kubernetes.io/control-plane", "operator: Exists", "effect: PreferNoSchedule"),
    ),
    expected: [],
  },
  {
    name: "a PreferNoSchedule-only toleration of every taint",
    head: daemonSet(tol("operator: Exists", "effect: PreferNoSchedule")),
    expected: [],
  },
  {
    name: "full-state mode: a PreferNoSchedule-only toleration is still no reach",
    base: daemonSet(
      tol("key: node-role.kubernetes.io/master", "operator: Exists", "effect: PreferNoSchedule"),
    ),
    head: daemonSet(
      tol("key: node-role.kubernetes.io/master", "operator: Exists", "effect: PreferNoSchedule"),
    ),
    fullState: true,
    expected: [],
  },
  {
    name: "tolerations reordered",
    base: daemonSet(GPU, CONTROL_PLANE),
    head: daemonSet(CONTROL_PLANE, GPU),
    expected: [],
  },
  {
    name: "keys inside a toleration reordered",
    base: daemonSet(CONTROL_PLANE),
    head: daemonSet(
      tol("effect: NoSchedule", "operator: Exists", "key: node-role.kubernetes.io/control-plane"),
    ),
    expected: [],
  },
  {
    name: "quoted instead of unquoted values",
    base: daemonSet(tol("key: node-role.kubernetes.io/master", "value: true", "tolerationSeconds: 30")),
    head: daemonSet(tol("key: node-role.kubernetes.io/master", 'value: "true"', 'tolerationSeconds: "30"')),
    expected: [],
  },
  {
    name: "narrowing: every taint to the control-plane taint only",
    base: daemonSet(EVERYTHING),
    head: daemonSet(CONTROL_PLANE),
    expected: [],
  },
  {
    name: "narrowing: all effects to NoSchedule",
    base: daemonSet(tol("key: node-role.kubernetes.io/control-plane", "operator: Exists")),
    head: daemonSet(CONTROL_PLANE),
    expected: [],
  },
  {
    name: "narrowing: a shorter tolerationSeconds",
    base: daemonSet(tol("operator: Exists", "effect: NoExecute", "tolerationSeconds: 300")),
    head: daemonSet(tol("operator: Exists", "effect: NoExecute", "tolerationSeconds: 60")),
    expected: [],
  },
  {
    name: "ordinary toleration added next to a pre-existing control-plane one",
    base: daemonSet(CONTROL_PLANE),
    head: daemonSet(CONTROL_PLANE, GPU),
    expected: [],
  },
  {
    name: "a keyed Exists toleration is not 'every taint'",
    base: daemonSet(),
    head: daemonSet(tol("key: node.kubernetes.io/not-ready", "operator: Exists", "effect: NoExecute")),
    expected: [],
  },
  { name: "toleration removed", base: daemonSet(CONTROL_PLANE, GPU), head: daemonSet(GPU), expected: [] },
  { name: "whole workload removed", base: daemonSet(CONTROL_PLANE), expected: [] },
  {
    name: "workload moved to another file",
    base: { "a.yaml": daemonSet(CONTROL_PLANE) },
    head: { "b.yaml": daemonSet(CONTROL_PLANE) },
    expected: [],
  },
  {
    name: "unrelated edit on a workload that already tolerated the control plane",
    base: daemonSet(CONTROL_PLANE),
    head: daemonSet(CONTROL_PLANE).replace("agent:1.0", "agent:1.1"),
    expected: [],
  },
  {
    name: "tolerations that are not a list",
    base: daemonSet(),
    head: workload(["tolerations: 5", ...CONTAINERS], { kind: "DaemonSet", name: "agent", namespace: "ops" }),
    expected: [],
  },
];

describe("control-plane-toleration", () => {
  table(controlPlaneTolerationRule, cases);

  it("says what is tolerated now and why it matters", () => {
    const [keyed] = runRule(controlPlaneTolerationRule, daemonSet(), daemonSet(CONTROL_PLANE));
    expect(keyed.message).toBe(
      "DaemonSet ops/agent now tolerates the control-plane taint node-role.kubernetes.io/control-plane " +
        "(any value, effect NoSchedule): its pods can be scheduled onto control-plane nodes, next to etcd and " +
        "the API server credentials. Remove the toleration unless this is a node-level system agent that must run there.",
    );
    const [all] = runRule(controlPlaneTolerationRule, daemonSet(), daemonSet(EVERYTHING));
    expect(all.message).toContain("now tolerates every taint (operator Exists with no key)");
  });

  it("says a control-plane toleration extends or replaces the old master one, which matches nothing now", () => {
    const [extended] = runRule(
      controlPlaneTolerationRule,
      daemonSet(MASTER),
      daemonSet(MASTER, CONTROL_PLANE),
    );
    expect(extended.message).toBe(
      "DaemonSet ops/agent now tolerates the control-plane taint node-role.kubernetes.io/control-plane " +
        "(any value, effect NoSchedule): its pods can be scheduled onto control-plane nodes, next to etcd and " +
        "the API server credentials. It extends the old node-role.kubernetes.io/master toleration, which " +
        "matches no node since Kubernetes 1.25 removed that taint: on every supported cluster, this is what " +
        "lets the pods onto control-plane nodes. Remove the toleration unless this is a node-level system agent " +
        "that must run there.",
    );
    const [replaced] = runRule(controlPlaneTolerationRule, daemonSet(MASTER), daemonSet(EVERYTHING));
    expect(replaced.message).toContain(
      "now tolerates every taint (operator Exists with no key): its pods can be scheduled onto control-plane " +
        "nodes, next to etcd and the API server credentials. It replaces the old node-role.kubernetes.io/master toleration",
    );
    const [alone] = runRule(controlPlaneTolerationRule, daemonSet(), daemonSet(CONTROL_PLANE));
    expect(alone.message).not.toContain("master");
  });

  it("keeps the fingerprint when the toleration moves in the list", () => {
    const [first] = runRule(controlPlaneTolerationRule, undefined, daemonSet(CONTROL_PLANE, GPU));
    const [second] = runRule(controlPlaneTolerationRule, undefined, daemonSet(GPU, CONTROL_PLANE));
    expect(second.fingerprint).toBe(first.fingerprint);
  });
});
