// Pod spec line i is file line 10 + i (see pod-fixtures): `containers:` is line 11, the first
// `- name:` line 12.

import { describe, expect, it } from "vitest";
import { resourcesMissingRule } from "../../src/rules/resources-missing.js";
import { type Case, table, workload } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

/** Container lines: `- name:` (line +0), image (+1), then `resources:` (+2) with these lines. */
function container(
  name: string,
  resources: string[] | undefined,
  image = `ghcr.io/shop/${name}:1.0`,
): string[] {
  const block = resources ? ["    resources:", ...resources.map((line) => `      ${line}`)] : [];
  return [`  - name: ${name}`, `    image: ${image}`, ...block];
}

// requests at +3 (cpu +4, memory +5), limits at +6 (cpu +7, memory +8).
const FULL = ["requests:", "  cpu: 100m", "  memory: 128Mi", "limits:", "  cpu: 500m", "  memory: 256Mi"];
const LIMITS_ONLY = ["limits:", "  cpu: 500m", "  memory: 256Mi"];
const FULL_QUOTED = [
  "requests:",
  '  cpu: "0.1"',
  '  memory: "134217728"',
  "limits:",
  "  cpu: 1",
  "  memory: 268435456",
];
const NO_MEMORY_LIMIT = ["requests:", "  cpu: 100m", "  memory: 128Mi", "limits:", "  cpu: 500m"];

const deploy = (...containers: string[][]) => workload(["containers:", ...containers.flat()]);

const cases: Case[] = [
  {
    name: "new Deployment with a container without resources",
    head: deploy(container("api", undefined)),
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "new Deployment with a container without a memory limit: the limits block that lacks it",
    head: deploy(container("api", NO_MEMORY_LIMIT)),
    expected: [{ line: 18, side: "head", severity: "medium" }],
  },
  {
    name: "new container in an existing workload: its resources block, which has no limits",
    base: deploy(container("api", FULL)),
    head: deploy(container("api", FULL), container("sidecar", ["requests: { cpu: 10m }"])),
    expected: [{ line: 23, side: "head", severity: "medium" }],
  },
  {
    name: "a resources block without requests or limits: the resources line",
    head: deploy(["  - name: api", "    image: ghcr.io/shop/api:1.0", "    resources: {}"]),
    expected: [{ line: 14, side: "head", severity: "medium" }],
  },
  {
    name: "new init container without resources (init containers need them too)",
    base: deploy(container("api", FULL)),
    head: workload([
      "initContainers:",
      ...container("migrate", undefined),
      "containers:",
      ...container("api", FULL),
    ]),
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "memory limit removed: points at the removed value in base",
    base: deploy(container("api", FULL)),
    head: deploy(container("api", NO_MEMORY_LIMIT)),
    expected: [{ line: 20, side: "base", severity: "medium" }],
  },
  {
    name: "whole resources block removed: points at the first removed value",
    base: deploy(container("api", FULL)),
    head: deploy(container("api", undefined)),
    expected: [{ line: 19, side: "base", severity: "medium" }],
  },
  {
    name: "limit removed that also stood in for the request: points at the limit",
    base: deploy(container("api", LIMITS_ONLY)),
    head: deploy(container("api", ["limits:", "  memory: 256Mi"])),
    expected: [{ line: 16, side: "base", severity: "medium" }],
  },
  {
    name: "requests removed while containers are reordered",
    base: deploy(container("api", FULL), container("sidecar", FULL)),
    head: deploy(container("sidecar", FULL), container("api", LIMITS_ONLY.slice(0, 2))),
    expected: [{ line: 20, side: "base", severity: "medium" }],
  },
  {
    name: "custom requirement: ephemeral-storage limit",
    head: deploy(container("api", FULL)),
    params: { required: ["limits.ephemeral-storage"] },
    expected: [{ line: 18, side: "head", severity: "medium" }],
  },
  {
    name: "full-state mode reports a container that never had resources",
    base: deploy(container("api", undefined)),
    head: deploy(container("api", undefined)),
    fullState: true,
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  {
    name: "new Job containers are checked too",
    head: workload(["containers:", ...container("once", undefined)], { kind: "Job" }),
    expected: [{ line: 12, side: "head", severity: "medium" }],
  },
  // Silent.
  { name: "new container with everything set", head: deploy(container("api", FULL)), expected: [] },
  {
    name: "limits alone satisfy the requests (Kubernetes copies them)",
    head: deploy(container("api", LIMITS_ONLY)),
    expected: [],
  },
  {
    name: "requests dropped where limits stand in for them",
    base: deploy(container("api", FULL)),
    head: deploy(container("api", LIMITS_ONLY)),
    expected: [],
  },
  {
    name: "quoted and unquoted quantities",
    base: deploy(container("api", FULL)),
    head: deploy(container("api", FULL_QUOTED)),
    expected: [],
  },
  {
    name: "image tag bump on a container that never had resources",
    base: deploy(container("api", undefined, "ghcr.io/shop/api:1.0")),
    head: deploy(container("api", undefined, "ghcr.io/shop/api:1.1")),
    expected: [],
  },
  {
    name: "env added to a container that lacks a memory limit",
    base: deploy(container("api", NO_MEMORY_LIMIT)),
    head: deploy([...container("api", NO_MEMORY_LIMIT), "    env: [{ name: MODE, value: fast }]"]),
    expected: [],
  },
  {
    name: "limits narrowed",
    base: deploy(container("api", FULL)),
    head: deploy(
      container("api", ["requests: { cpu: 50m, memory: 64Mi }", "limits: { cpu: 100m, memory: 128Mi }"]),
    ),
    expected: [],
  },
  {
    name: "containers reordered",
    base: deploy(container("api", undefined), container("sidecar", FULL)),
    head: deploy(container("sidecar", FULL), container("api", undefined)),
    expected: [],
  },
  {
    name: "resource keys reordered",
    base: deploy(container("api", FULL)),
    head: deploy(
      container("api", ["limits: { memory: 256Mi, cpu: 500m }", "requests: { memory: 128Mi, cpu: 100m }"]),
    ),
    expected: [],
  },
  {
    name: "workload moved to another file",
    base: { "a.yaml": deploy(container("api", undefined)) },
    head: { "b.yaml": deploy(container("api", undefined)) },
    expected: [],
  },
  { name: "whole workload removed", base: deploy(container("api", FULL)), expected: [] },
  {
    name: "container removed",
    base: deploy(container("api", FULL), container("sidecar", undefined)),
    head: deploy(container("api", FULL)),
    expected: [],
  },
  {
    name: "ephemeral containers cannot have resources",
    head: workload([
      "containers:",
      ...container("api", FULL),
      "ephemeralContainers:",
      ...container("debug", undefined),
    ]),
    expected: [],
  },
  {
    name: "only cpu required",
    head: deploy(container("api", ["limits: { cpu: 1 }"])),
    params: { required: ["limits.cpu"] },
    expected: [],
  },
  {
    name: "a requirement without a resource name is ignored",
    head: deploy(container("api", FULL)),
    params: { required: ["cpu", "limits."] },
    expected: [],
  },
];

describe("resources-missing", () => {
  table(resourcesMissingRule, cases);

  it("lists what is missing, sorted, in the message and the fingerprint", () => {
    const [finding] = runRule(
      resourcesMissingRule,
      undefined,
      deploy(container("api", ["requests: { cpu: 1 }", "limits: { cpu: 1 }"])),
    );
    expect(finding.message).toBe(
      "Container `api` of Deployment shop/web sets no limits.memory, requests.memory: the scheduler cannot " +
        "place it fairly and it can starve or be starved by its neighbours. Set resources.requests and resources.limits.",
    );
    const [same] = runRule(resourcesMissingRule, undefined, deploy(container("api", ["limits: { cpu: 2 }"])));
    expect(same.fingerprint).toBe(finding.fingerprint);
    const [other] = runRule(
      resourcesMissingRule,
      undefined,
      deploy(container("api", ["limits: { memory: 1Gi }"])),
    );
    expect(other.fingerprint).not.toBe(finding.fingerprint);
  });

  it("names the removed values", () => {
    const [finding] = runRule(
      resourcesMissingRule,
      deploy(container("api", FULL)),
      deploy(container("api", [])),
    );
    expect(finding.message).toBe(
      "The limits.cpu, limits.memory, requests.cpu, requests.memory of container `api` of Deployment shop/web " +
        "are removed: the scheduler can no longer place it fairly and it can starve or be starved by its " +
        "neighbours. Keep the resource settings.",
    );
  });
});
