import { describe, expect, it } from "vitest";
import { internalAnnotations } from "../../src/k8s/services.js";
import { serviceLoadBalancerRule } from "../../src/rules/service-load-balancer.js";
import { runRule, type SideInput, summary } from "./tester.js";

const rule = serviceLoadBalancerRule;

interface Case {
  name: string;
  before?: SideInput;
  after?: SideInput;
  /** Findings as line, side and severity; [] for a case that must stay silent. */
  expected: { line: number; side: "base" | "head"; severity: string }[];
  /** Text the (single) message must contain. */
  says?: string[];
}

const clusterIp = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`;

const publicLb = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
    - port: 80
`;

const nodePort = publicLb.replace("LoadBalancer", "NodePort");

/** A LoadBalancer with one annotation; spec.type is on line 8. */
function annotatedLb(key: string, value: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    ${key}: ${value}
spec:
  type: LoadBalancer
  ports:
    - port: 80
`;
}

const gkeInternal = annotatedLb("networking.gke.io/load-balancer-type", '"Internal"');

const firing: Case[] = [
  {
    name: "ClusterIP (type left out) becomes LoadBalancer",
    before: clusterIp,
    after: publicLb,
    expected: [{ line: 6, side: "head", severity: "high" }],
    says: ["from ClusterIP to LoadBalancer", "outside the cluster", "Ingress", "loadBalancerSourceRanges"],
  },
  {
    name: "a new Service of type LoadBalancer",
    after: publicLb,
    expected: [{ line: 6, side: "head", severity: "high" }],
    says: ["New Service web is of type LoadBalancer"],
  },
  {
    name: "NodePort becomes LoadBalancer",
    before: nodePort,
    after: publicLb,
    expected: [{ line: 6, side: "head", severity: "high" }],
    says: ["from NodePort to LoadBalancer"],
  },
  {
    name: "a new internal LoadBalancer, at medium and said to be internal",
    after: gkeInternal,
    expected: [{ line: 8, side: "head", severity: "medium" }],
    says: ["internal-only", "networking.gke.io/load-balancer-type"],
  },
  {
    name: "a ClusterIP that becomes an internal LoadBalancer",
    before: clusterIp,
    after: gkeInternal,
    expected: [{ line: 8, side: "head", severity: "medium" }],
    says: ["from ClusterIP to LoadBalancer, internal-only"],
  },
  {
    name: "an internal annotation switched off (azure false) is public",
    after: annotatedLb("service.beta.kubernetes.io/azure-load-balancer-internal", '"false"'),
    expected: [{ line: 8, side: "head", severity: "high" }],
  },
  {
    name: "an internal LoadBalancer whose annotation is removed, other annotations kept",
    before: gkeInternal,
    after: annotatedLb("prometheus.io/scrape", '"true"'),
    expected: [{ line: 5, side: "head", severity: "high" }],
    says: ["loses its internal load-balancer annotation", "internet-facing"],
  },
  {
    name: "an internal LoadBalancer whose scheme turns internet-facing, pointing at the annotation",
    before: annotatedLb("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"),
    after: annotatedLb("service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing"),
    expected: [{ line: 6, side: "head", severity: "high" }],
  },
  {
    name: "an internal LoadBalancer that loses all its annotations, pointing at spec.type",
    before: gkeInternal,
    after: publicLb,
    expected: [{ line: 6, side: "head", severity: "high" }],
  },
  {
    name: "a LoadBalancer in the second document of a file",
    after: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
${publicLb}`,
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
];

const silent: Case[] = [
  {
    name: "a pre-existing public LoadBalancer that changes a port",
    before: publicLb,
    after: publicLb.replace("port: 80", "port: 8080"),
    expected: [],
  },
  {
    name: "a LoadBalancer moved to another file",
    before: { "a.yaml": publicLb },
    after: { "b/web.yaml": publicLb },
    expected: [],
  },
  {
    name: "a ClusterIP moved to another file while another file becomes empty",
    before: { "a.yaml": clusterIp, "b.yaml": "" },
    after: { "a.yaml": "", "b.yaml": clusterIp },
    expected: [],
  },
  {
    name: "a LoadBalancer reformatted: flow style, quoted type, reordered keys",
    before: publicLb,
    after: `{"kind": "Service", "apiVersion": "v1", "metadata": {"name": "web"},
  "spec": {"ports": [{"port": 80}], "type": "LoadBalancer", "selector": {"app": "web"}}}
`,
    expected: [],
  },
  {
    name: "a LoadBalancer narrowed back to ClusterIP",
    before: publicLb,
    after: clusterIp,
    expected: [],
  },
  {
    name: "a ClusterIP that becomes NodePort (service-node-port's case)",
    before: clusterIp,
    after: nodePort,
    expected: [],
  },
  {
    name: "an internal LoadBalancer that stays internal under another cloud's annotation spelling",
    before: annotatedLb("cloud.google.com/load-balancer-type", "Internal"),
    after: gkeInternal,
    expected: [],
  },
  {
    name: "an internal LoadBalancer whose annotation changes case and quoting",
    before: annotatedLb("service.beta.kubernetes.io/azure-load-balancer-internal", '"true"'),
    after: annotatedLb("service.beta.kubernetes.io/azure-load-balancer-internal", "TRUE"),
    expected: [],
  },
  {
    name: "a public LoadBalancer that becomes internal",
    before: publicLb,
    after: gkeInternal,
    expected: [],
  },
  {
    name: "a LoadBalancer removed",
    before: publicLb,
    expected: [],
  },
  {
    name: "a custom resource called Service with type LoadBalancer",
    after: publicLb.replace("apiVersion: v1", "apiVersion: example.com/v1"),
    expected: [],
  },
];

describe("service-load-balancer", () => {
  it.each([...firing, ...silent])("$name", ({ before, after, expected, says }) => {
    const findings = runRule(rule, before, after);
    expect(summary(findings).map(({ line, side, severity }) => ({ line, side, severity }))).toEqual(expected);
    for (const text of says ?? []) expect(findings[0].message).toContain(text);
  });

  it("reports pre-existing public LoadBalancers when the policy asks for full state", () => {
    const findings = runRule(rule, publicLb, publicLb.replace("port: 80", "port: 81"), { fullState: true });
    expect(summary(findings)).toMatchObject([{ line: 6, side: "head", severity: "high" }]);
  });

  it("keeps the fingerprint across a reformat and a move, and tells internal from public", () => {
    const moved = runRule(rule, undefined, { "x/y.yaml": `\n\n${publicLb}` });
    const plain = runRule(rule, undefined, publicLb);
    expect(moved[0].fingerprint).toBe(plain[0].fingerprint);
    expect(runRule(rule, undefined, gkeInternal)[0].fingerprint).not.toBe(plain[0].fingerprint);
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });
});

describe("internalAnnotations", () => {
  const internal: [string, string | boolean][] = [
    ["networking.gke.io/load-balancer-type", "Internal"],
    ["cloud.google.com/load-balancer-type", "internal"],
    ["service.beta.kubernetes.io/aws-load-balancer-internal", "true"],
    ["service.beta.kubernetes.io/aws-load-balancer-internal", true],
    ["service.beta.kubernetes.io/aws-load-balancer-internal", "0.0.0.0/0"],
    ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"],
    ["service.beta.kubernetes.io/azure-load-balancer-internal", "True"],
    ["service.beta.kubernetes.io/oci-load-balancer-internal", true],
    ["service.beta.kubernetes.io/openstack-internal-load-balancer", "true"],
    ["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "Intranet"],
    ["service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "private"],
  ];
  it.each(internal)("%s: %s is internal", (key, value) => {
    expect(internalAnnotations({ metadata: { annotations: { [key]: value } } })).toEqual([key]);
  });

  const external: [string, string | boolean | null][] = [
    ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing"],
    ["service.beta.kubernetes.io/azure-load-balancer-internal", false],
    ["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "internet"],
    ["service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "public"],
    ["networking.gke.io/load-balancer-type", null],
    ["example.com/internal", "true"],
  ];
  it.each(external)("%s: %s is not internal", (key, value) => {
    expect(internalAnnotations({ metadata: { annotations: { [key]: value } } })).toEqual([]);
  });

  it("reads garbage metadata as no annotations", () => {
    expect(internalAnnotations({ metadata: "oops" })).toEqual([]);
    expect(internalAnnotations({ metadata: { annotations: ["x"] } })).toEqual([]);
    expect(internalAnnotations({})).toEqual([]);
  });
});
