import { describe, expect, it } from "vitest";
import { serviceNodePortRule } from "../../src/rules/service-node-port.js";
import { runRule, type SideInput, summary } from "./tester.js";

const rule = serviceNodePortRule;

interface Case {
  name: string;
  before?: SideInput;
  after?: SideInput;
  /** Findings as line, side and severity; [] for a case that must stay silent. */
  expected: { line: number; side: "base" | "head"; severity: string }[];
  /** Text the first message must contain. */
  says?: string[];
}

/** spec.type on line 6; the ports' nodePort fields on lines 10 and 13. */
function service(type: string, http = "30080", https = "30443", extraSpec = ""): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ${type}
  ports:
    - name: http
      port: 80
      nodePort: ${http}
    - name: https
      port: 443
      nodePort: ${https}
${extraSpec}`;
}

const clusterIp = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - name: http
      port: 80
    - name: https
      port: 443
`;

const plainNodePort = clusterIp.replace("spec:\n", "spec:\n  type: NodePort\n");

const firing: Case[] = [
  {
    name: "ClusterIP becomes NodePort",
    before: clusterIp,
    after: plainNodePort,
    expected: [{ line: 6, side: "head", severity: "medium" }],
    says: ["from ClusterIP to NodePort", "every node"],
  },
  {
    name: "a new NodePort Service with explicit ports: one finding, naming the ports",
    after: service("NodePort"),
    expected: [{ line: 6, side: "head", severity: "medium" }],
    says: ["New Service web is of type NodePort (node ports 30080, 30443)"],
  },
  {
    name: "an existing NodePort gains an explicit node port",
    before: plainNodePort,
    after: clusterIp
      .replace("spec:\n", "spec:\n  type: NodePort\n")
      .replace("port: 443", "port: 443\n      nodePort: 30443"),
    expected: [{ line: 12, side: "head", severity: "medium" }],
    says: ["opens node port 30443"],
  },
  {
    name: "an explicit node port changes value",
    before: service("NodePort"),
    after: service("NodePort", "30081"),
    expected: [{ line: 10, side: "head", severity: "medium" }],
  },
  {
    name: "a LoadBalancer that allocated no node ports becomes NodePort",
    before: `${clusterIp.replace("spec:\n", "spec:\n  type: LoadBalancer\n")}  allocateLoadBalancerNodePorts: false\n`,
    after: plainNodePort,
    expected: [{ line: 6, side: "head", severity: "medium" }],
    says: ["from LoadBalancer to NodePort"],
  },
  {
    name: "a LoadBalancer gains an explicit node port",
    before: service("LoadBalancer"),
    after: service("LoadBalancer", "30080", "31443"),
    expected: [{ line: 13, side: "head", severity: "medium" }],
  },
  {
    name: "NodePort in the second document, after a comment block",
    after: `# web front
# owned by team-a
---
${plainNodePort}`,
    expected: [{ line: 9, side: "head", severity: "medium" }],
  },
];

const silent: Case[] = [
  {
    name: "ClusterIP becomes LoadBalancer (service-load-balancer's case)",
    before: clusterIp,
    after: service("LoadBalancer"),
    expected: [],
  },
  {
    name: "a new LoadBalancer with explicit node ports",
    after: service("LoadBalancer"),
    expected: [],
  },
  {
    name: "a LoadBalancer that becomes NodePort keeps the node ports it had",
    before: service("LoadBalancer"),
    after: service("NodePort"),
    expected: [],
  },
  {
    name: "ports reordered",
    before: service("NodePort"),
    after: service("NodePort", "30443", "30080"),
    expected: [],
  },
  {
    name: "a NodePort moved to another file",
    before: { "svc.yaml": service("NodePort") },
    after: { "apps/web/service.yaml": service("NodePort") },
    expected: [],
  },
  {
    name: "reformatted to flow style with quoted values",
    before: service("NodePort"),
    after: `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "NodePort",
  "ports": [{"name": "https", "port": 443, "nodePort": 30443}, {"name": "http", "port": 80, "nodePort": 30080}]}}
`,
    expected: [],
  },
  {
    name: "an explicit node port removed",
    before: service("NodePort"),
    after: plainNodePort,
    expected: [],
  },
  {
    name: "NodePort narrowed to ClusterIP",
    before: service("NodePort"),
    after: clusterIp,
    expected: [],
  },
  {
    name: "a pre-existing NodePort with an unrelated change",
    before: service("NodePort"),
    after: service("NodePort", "30080", "30443", "  sessionAffinity: ClientIP\n"),
    expected: [],
  },
  {
    name: "a NodePort Service removed",
    before: service("NodePort"),
    expected: [],
  },
  {
    name: "nodePort 0 asks for an automatic port, like leaving it out",
    before: plainNodePort,
    after: service("NodePort", "0", "0"),
    expected: [],
  },
];

describe("service-node-port", () => {
  it.each([...firing, ...silent])("$name", ({ before, after, expected, says }) => {
    const findings = runRule(rule, before, after);
    expect(summary(findings).map(({ line, side, severity }) => ({ line, side, severity }))).toEqual(expected);
    for (const text of says ?? []) expect(findings[0].message).toContain(text);
  });

  it("gives each new node port its own fingerprint, stable across a move", () => {
    const here = runRule(rule, service("NodePort"), service("NodePort", "31000", "31001"));
    const there = runRule(
      rule,
      { "a.yaml": service("NodePort") },
      { "b.yaml": service("NodePort", "31000", "31001") },
    );
    expect(here).toHaveLength(2);
    expect(new Set(here.map((f) => f.fingerprint)).size).toBe(2);
    expect(there.map((f) => f.fingerprint)).toEqual(here.map((f) => f.fingerprint));
  });

  it("reads garbage ports as no node ports", () => {
    const garbage = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports: oops
`;
    expect(runRule(rule, garbage, garbage.replace("oops", "[1, null, {nodePort: [1]}]"))).toEqual([]);
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });
});
