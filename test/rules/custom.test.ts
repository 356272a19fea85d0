import { describe, expect, it } from "vitest";
import type { Rule } from "../../src/engine/rule.js";
import { loadPolicy } from "../../src/policy/load.js";
import { parseFieldPath } from "../../src/rules/custom/field-path.js";
import { customRulesOf } from "../../src/rules/custom/rule.js";
import { workload } from "./pod-fixtures.js";
import { runRule, type SideInput } from "./tester.js";

/** The custom rule a one-entry `customRules:` list declares (YAML lines of the entry, unindented). */
function declared(...entry: string[]): Rule {
  const text = `customRules:\n  - ${entry.join("\n    ")}\n`;
  const policy = loadPolicy({ source: "test.yml", text });
  return customRulesOf(policy.customRules)[0];
}

const runAsRoot = declared(
  "id: run-as-root",
  "kinds: [apps/Deployment]",
  "path: spec.template.spec.containers[*].securityContext.runAsUser",
  "when: {becomes: 0}",
  "severity: high",
  'message: "{resource}: {path} becomes {after} (was {before})"',
);

type Container = [name: string, value?: number | string | boolean, image?: string];

/**
 * A Deployment whose containers set one securityContext field (when given a value): the first
 * container's field is on line 15, the second's on line 19.
 */
function withField(field: string, containers: Container[]): string {
  const lines = ["containers:"];
  for (const [name, value, image = "nginx:1.25"] of containers) {
    lines.push(`  - name: ${name}`, `    image: ${image}`);
    if (value !== undefined) lines.push("    securityContext:", `      ${field}: ${value}`);
  }
  return workload(lines);
}

const pods = (...containers: Container[]) => withField("runAsUser", containers);

const iamRole = declared(
  "id: iam-role",
  'kinds: ["*"]',
  'path: metadata.annotations["iam.amazonaws.com/role"]',
  "when: [added, changed]",
  'message: "{kind} {name}: IAM role {before} -> {after} at {path}"',
);

/** A ServiceAccount; its annotations start on line 7. */
function account(...annotations: string[]): string {
  const lines = ["apiVersion: v1", "kind: ServiceAccount", "metadata:", "  name: app", "  namespace: shop"];
  if (annotations.length > 0) lines.push("  annotations:", ...annotations.map((a) => `    ${a}`));
  return `${lines.join("\n")}\n`;
}

const latestImage = declared(
  "id: latest-image",
  "kinds: [Deployment]",
  "path: spec.template.spec.containers[*].image",
  'when: {matches: ":latest$"}',
  'message: "{path} is {after}"',
);

const rootByPattern = declared(
  "id: root-by-pattern",
  "kinds: [Deployment]",
  "path: spec.template.spec.containers[*].securityContext.runAsUser",
  'when: {matches: "^0$"}',
  'message: "{path} matches"',
);

const hostAliases = declared(
  "id: host-aliases",
  "kinds: [Deployment]",
  "path: spec.template.spec.hostAliases",
  "when: added",
  'message: "{name} adds hostAliases"',
);

const readOnlyRootRemoved = declared(
  "id: read-only-root-removed",
  "kinds: [Deployment]",
  "path: spec.template.spec.containers[*].securityContext.readOnlyRootFilesystem",
  "when: removed",
  'message: "{path} removed (was {before})"',
);

const readOnly = (...containers: Container[]) => withField("readOnlyRootFilesystem", containers);

const addedCapability = declared(
  "id: added-capability",
  "kinds: [Deployment]",
  "path: spec.template.spec.containers[*].securityContext.capabilities.add[*]",
  "when: added",
  'message: "{path} adds {after}"',
);

function capabilities(...add: string[]): string {
  return workload([
    "containers:",
    "  - name: web",
    "    securityContext:",
    "      capabilities:",
    "        add:",
    ...add.map((cap) => `          - ${cap}`),
  ]);
}

const ingressHost = declared(
  "id: ingress-host",
  "kinds: [networking.k8s.io/Ingress]",
  "path: spec.rules[*].host",
  "when: changed",
  'message: "{path}: {before} -> {after}"',
);

function ingress(...hosts: string[]): string {
  const rules = hosts.flatMap((host) => [`    - host: ${host}`, "      http: {paths: []}"]);
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: Ingress",
    "metadata:",
    "  name: web",
    "spec:",
    "  rules:",
    ...rules,
    "",
  ].join("\n");
}

const nodeSelector = declared(
  "id: node-selector",
  "kinds: [Deployment]",
  "path: spec.template.spec.nodeSelector[*]",
  "when: [added, changed]",
  'message: "{path} = {after}"',
);

const firstPort = declared(
  "id: first-port",
  "kinds: [Service]",
  "path: spec.ports[0].port",
  "when: changed",
  'message: "{path}: {before} -> {after}"',
);

function service(...ports: number[]): string {
  const lines = ["apiVersion: v1", "kind: Service", "metadata:", "  name: web", "spec:", "  ports:"];
  for (const port of ports) lines.push(`    - port: ${port}`);
  return `${lines.join("\n")}\n`;
}

const privileged = declared(
  "id: privileged-true",
  "kinds: [Deployment]",
  "path: spec.template.spec.containers[*].securityContext.privileged",
  "when: {becomes: true}",
  'message: "{path} becomes {after}"',
);

const privilegedAs = (value: string) => withField("privileged", [["web", value]]);

interface Case {
  name: string;
  rule: Rule;
  before?: SideInput;
  after?: SideInput;
  /** `side:line message` per finding; [] must stay silent. */
  expected: string[];
  fullState?: boolean;
}

const cases: Case[] = [
  {
    name: "becomes 0: a container's runAsUser turns 0",
    rule: runAsRoot,
    before: pods(["web", 1000]),
    after: pods(["web", 0]),
    expected: [
      "head:15 Deployment shop/web: spec.template.spec.containers[0].securityContext.runAsUser becomes 0 (was 1000)",
    ],
  },
  {
    name: "becomes 0: silent when it already was 0 (pre-existing, not introduced)",
    rule: runAsRoot,
    before: pods(["web", 0]),
    after: pods(["web", 0, "nginx:1.26"]),
    expected: [],
  },
  {
    name: "becomes 0: reordering the containers is silent",
    rule: runAsRoot,
    before: pods(["side", 1000], ["web", 0]),
    after: pods(["web", 0], ["side", 1000]),
    expected: [],
  },
  {
    name: "becomes 0: the container that moved and turned 0 is found at its new place",
    rule: runAsRoot,
    before: pods(["web", 1000], ["side", 1000]),
    after: pods(["side", 0], ["web", 1000]),
    expected: [
      "head:15 Deployment shop/web: spec.template.spec.containers[0].securityContext.runAsUser becomes 0 (was 1000)",
    ],
  },
  {
    name: "becomes 0: a new container running as 0",
    rule: runAsRoot,
    before: pods(["web", 1000]),
    after: pods(["web", 1000], ["debug", 0]),
    expected: [
      "head:19 Deployment shop/web: spec.template.spec.containers[1].securityContext.runAsUser becomes 0 (was (absent))",
    ],
  },
  {
    name: 'becomes 0: the string "0" is not the number 0 (typed compare)',
    rule: runAsRoot,
    before: pods(["web", 1000]),
    after: pods(["web", '"0"']),
    expected: [],
  },
  {
    name: "becomes 0: a new Deployment counts as introduced",
    rule: runAsRoot,
    after: pods(["web", 0]),
    expected: [
      "head:15 Deployment shop/web: spec.template.spec.containers[0].securityContext.runAsUser becomes 0 (was (absent))",
    ],
  },
  {
    name: "becomes 0: kinds narrows by group (a StatefulSet is not apps/Deployment)",
    rule: runAsRoot,
    after: workload(["containers:", "  - name: web", "    securityContext: {runAsUser: 0}"], {
      kind: "StatefulSet",
    }),
    expected: [],
  },
  {
    name: "becomes 0: full state reports what was already there",
    rule: runAsRoot,
    before: pods(["web", 0]),
    after: pods(["web", 0, "nginx:1.26"]),
    fullState: true,
    expected: [
      "head:15 Deployment shop/web: spec.template.spec.containers[0].securityContext.runAsUser becomes 0 (was (absent))",
    ],
  },
  {
    name: "added/changed annotation: added to an existing ServiceAccount",
    rule: iamRole,
    before: account(),
    after: account("iam.amazonaws.com/role: reader"),
    expected: [
      'head:7 ServiceAccount app: IAM role (absent) -> reader at metadata.annotations["iam.amazonaws.com/role"]',
    ],
  },
  {
    name: "added/changed annotation: changed",
    rule: iamRole,
    before: account("owner: a", "iam.amazonaws.com/role: reader"),
    after: account("owner: a", "iam.amazonaws.com/role: admin"),
    expected: [
      'head:8 ServiceAccount app: IAM role reader -> admin at metadata.annotations["iam.amazonaws.com/role"]',
    ],
  },
  {
    name: "added/changed annotation: unrelated annotation edits are silent",
    rule: iamRole,
    before: account("owner: a", "iam.amazonaws.com/role: reader"),
    after: account("iam.amazonaws.com/role: reader", "owner: b"),
    expected: [],
  },
  {
    name: "added/changed annotation: removing it is neither",
    rule: iamRole,
    before: account("iam.amazonaws.com/role: reader"),
    after: account(),
    expected: [],
  },
  {
    name: "added/changed annotation: a new resource of any kind counts as added",
    rule: iamRole,
    after: account("iam.amazonaws.com/role: reader"),
    expected: [
      'head:7 ServiceAccount app: IAM role (absent) -> reader at metadata.annotations["iam.amazonaws.com/role"]',
    ],
  },
  {
    name: "matches: an image that turns :latest",
    rule: latestImage,
    before: pods(["web", undefined, "nginx:1.25"], ["side", undefined, "busybox:1"]),
    after: pods(["web", undefined, "nginx:1.25"], ["side", undefined, "busybox:latest"]),
    expected: ["head:15 spec.template.spec.containers[1].image is busybox:latest"],
  },
  {
    name: "matches: silent when the image already matched",
    rule: latestImage,
    before: pods(["web", 1000, "nginx:latest"]),
    after: pods(["web", 0, "nginx:latest"]),
    expected: [],
  },
  {
    name: "matches: only the first 4,096 characters of a value are tested",
    rule: latestImage,
    before: pods(["web", undefined, "nginx:1.25"]),
    after: pods(["web", undefined, `registry.example.com/${"a".repeat(4096)}:latest`]),
    expected: [],
  },
  {
    name: "matches: numbers are tested as their text",
    rule: rootByPattern,
    before: pods(["web", 1000]),
    after: pods(["web", 0]),
    expected: ["head:15 spec.template.spec.containers[0].securityContext.runAsUser matches"],
  },
  {
    name: "added: a field that appears",
    rule: hostAliases,
    before: workload(["containers: [{name: web}]"]),
    after: workload(["containers: [{name: web}]", "hostAliases:", '  - {ip: 10.0.0.1, hostnames: ["db"]}']),
    expected: ["head:12 web adds hostAliases"],
  },
  {
    name: "added: an explicit null counts as absent",
    rule: hostAliases,
    before: workload(["containers: [{name: web}]", "hostAliases:"]),
    after: workload(["containers: [{name: web}]", "hostAliases:", '  - {ip: 10.0.0.1, hostnames: ["db"]}']),
    expected: ["head:12 web adds hostAliases"],
  },
  {
    name: "added: changing a field that was there is not adding it",
    rule: hostAliases,
    before: workload(["containers: [{name: web}]", "hostAliases:", '  - {ip: 10.0.0.1, hostnames: ["db"]}']),
    after: workload(["containers: [{name: web}]", "hostAliases:", '  - {ip: 10.0.0.2, hostnames: ["db"]}']),
    expected: [],
  },
  {
    name: "added: a resource removed whole does not fire",
    rule: hostAliases,
    before: workload(["containers: [{name: web}]", "hostAliases:", '  - {ip: 10.0.0.1, hostnames: ["db"]}']),
    expected: [],
  },
  {
    name: "removed: reported on the base side, at the base line",
    rule: readOnlyRootRemoved,
    before: readOnly(["web", true], ["side", true]),
    after: readOnly(["web", true], ["side", undefined]),
    expected: [
      "base:19 spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem removed (was true)",
    ],
  },
  {
    name: "removed: a container removed whole takes its field with it, silently",
    rule: readOnlyRootRemoved,
    before: readOnly(["web", true], ["side", true]),
    after: readOnly(["web", true]),
    expected: [],
  },
  {
    name: "removed: a resource removed whole does not fire",
    rule: readOnlyRootRemoved,
    before: readOnly(["web", true]),
    expected: [],
  },
  {
    name: "removed: full state never reports a removal",
    rule: readOnlyRootRemoved,
    before: readOnly(["web", true]),
    after: readOnly(["web", undefined]),
    fullState: true,
    expected: [],
  },
  {
    name: "scalar lists pair by value: the new capability, at its line",
    rule: addedCapability,
    before: capabilities("NET_BIND_SERVICE"),
    after: capabilities("SYS_ADMIN", "NET_BIND_SERVICE"),
    expected: ["head:16 spec.template.spec.containers[0].securityContext.capabilities.add[0] adds SYS_ADMIN"],
  },
  {
    name: "scalar lists pair by value: reordering is silent",
    rule: addedCapability,
    before: capabilities("NET_BIND_SERVICE", "CHOWN"),
    after: capabilities("CHOWN", "NET_BIND_SERVICE"),
    expected: [],
  },
  {
    name: "lists without names pair by index",
    rule: ingressHost,
    before: ingress("a.example.com", "b.example.com"),
    after: ingress("a.example.com", "c.example.com"),
    expected: ["head:9 spec.rules[1].host: b.example.com -> c.example.com"],
  },
  {
    name: "[*] over a mapping pairs its entries by key",
    rule: nodeSelector,
    before: workload(["nodeSelector:", "  disk: ssd", "  zone: a"]),
    after: workload(["nodeSelector:", "  zone: b", "  disk: ssd", "  pool: gpu"]),
    expected: [
      "head:12 spec.template.spec.nodeSelector.zone = b",
      "head:14 spec.template.spec.nodeSelector.pool = gpu",
    ],
  },
  {
    name: "[N] reads one index",
    rule: firstPort,
    before: service(80, 443),
    after: service(8080, 8443),
    expected: ["head:7 spec.ports[0].port: 80 -> 8080"],
  },
  {
    name: "becomes true: a YAML 1.1 yes is true, as Kubernetes reads it",
    rule: privileged,
    before: privilegedAs("false"),
    after: privilegedAs("yes"),
    expected: ["head:15 spec.template.spec.containers[0].securityContext.privileged becomes true"],
  },
];

describe("custom rules, through the engine", () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = runRule(c.rule, c.before, c.after, { fullState: c.fullState });
      expect(findings.map((f) => `${f.side}:${f.line} ${f.message}`)).toEqual(c.expected);
    });
  }
});

describe("custom rule fingerprints", () => {
  const fingerprintOf = (rule: Rule, before: string, after: string) => {
    const findings = runRule(rule, before, after);
    expect(findings).toHaveLength(1);
    return findings[0].fingerprint;
  };

  it("name a list item by its name, so reordering keeps them", () => {
    const inPlace = fingerprintOf(
      runAsRoot,
      pods(["web", 1000], ["side", 1000]),
      pods(["web", 0], ["side", 1000]),
    );
    const moved = fingerprintOf(
      runAsRoot,
      pods(["web", 1000], ["side", 1000]),
      pods(["side", 1000], ["web", 0]),
    );
    expect(moved).toBe(inPlace);
  });

  it("include the value, so a different risky value needs a new approval", () => {
    const before = account("iam.amazonaws.com/role: reader");
    const admin = fingerprintOf(iamRole, before, account("iam.amazonaws.com/role: admin"));
    const owner = fingerprintOf(iamRole, before, account("iam.amazonaws.com/role: owner"));
    expect(admin).not.toBe(owner);
  });

  it("ignore the key order of a mapping value", () => {
    const base = workload(["containers: [{name: web}]"]);
    const one = fingerprintOf(
      hostAliases,
      base,
      workload(["containers: [{name: web}]", "hostAliases: [{ip: 1.2.3.4, hostnames: [db]}]"]),
    );
    const other = fingerprintOf(
      hostAliases,
      base,
      workload(["containers: [{name: web}]", "hostAliases: [{hostnames: [db], ip: 1.2.3.4}]"]),
    );
    expect(other).toBe(one);
  });
});

describe("custom rule paths", () => {
  it("parse keys, indexes, wildcards and quoted keys", () => {
    expect(parseFieldPath('metadata.annotations["a.b/c"].x[2][*]')).toEqual([
      { key: "metadata" },
      { key: "annotations" },
      { key: "a.b/c" },
      { key: "x" },
      { index: 2 },
      { each: true },
    ]);
    expect(parseFieldPath('["say \\"hi\\""]')).toEqual([{ key: 'say "hi"' }]);
  });

  it("name the position of a mistake", () => {
    const problem = (text: string) => {
      try {
        parseFieldPath(text);
      } catch (error) {
        return (error as Error).message;
      }
      return "parsed";
    };
    expect(problem("")).toBe("empty path at position 1");
    expect(problem("spec.")).toBe("expected a key after the dot at position 6");
    expect(problem('spec["open')).toBe('expected [*], [N] or ["key"] at position 5');
    expect(problem("spec[*]x")).toBe('expected "." or "[" but found "x" at position 8');
    expect(problem("spec.a b")).toBe('expected "." or "[" but found " " at position 7');
  });
});
