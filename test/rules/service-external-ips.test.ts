import { describe, expect, it } from "vitest";
import { serviceExternalIpsRule } from "../../src/rules/service-external-ips.js";
import { type Case, table } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const rule = serviceExternalIpsRule;

/** A Service shop/web; its externalIPs items (if any) start on line 10. */
function service(ips?: string[], options: { type?: string; apiVersion?: string } = {}): string {
  return [
    `apiVersion: ${options.apiVersion ?? "v1"}`,
    "kind: Service",
    "metadata:",
    "  name: web",
    "  namespace: shop",
    "spec:",
    `  type: ${options.type ?? "ClusterIP"}`,
    "  ports: [{ port: 80 }]",
    ...(ips === undefined ? [] : ["  externalIPs:", ...ips.map((ip) => `    - ${ip}`)]),
    "",
  ].join("\n");
}

const cases: Case[] = [
  {
    name: "a Service gains its first external IP",
    base: service(),
    head: service(["203.0.113.10"]),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "a second external IP added after an existing one",
    base: service(["203.0.113.10"]),
    head: service(["203.0.113.10", "203.0.113.11"]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "an external IP replaced by another",
    base: service(["203.0.113.10"]),
    head: service(["198.51.100.7"]),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "a new Service with external IPs, IPv4 and IPv6",
    head: service(["203.0.113.10", "2001:db8::10"]),
    expected: [
      { line: 10, side: "head", severity: "high" },
      { line: 11, side: "head", severity: "high" },
    ],
  },
  {
    name: "a NodePort Service with an external IP",
    base: service(undefined, { type: "NodePort" }),
    head: service(["10.0.0.5"], { type: "NodePort" }),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "an external IP listed twice is reported once",
    base: service([]),
    head: service(["203.0.113.10", '"203.0.113.10"']),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "an entry that is no IP is still a claim",
    base: service(),
    head: service(["not-an-ip"]),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "full-state mode reports pre-existing external IPs",
    base: service(["203.0.113.10"]),
    head: service(["203.0.113.10"], { type: "NodePort" }),
    fullState: true,
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  // Silent.
  {
    name: "external IPs reordered",
    base: service(["203.0.113.10", "203.0.113.11"]),
    head: service(["203.0.113.11", "203.0.113.10"]),
    expected: [],
  },
  {
    name: "an IPv6 address respelled",
    base: service(["2001:db8:0:0::10"]),
    head: service(["2001:DB8::10"]),
    expected: [],
  },
  {
    name: "an external IP removed",
    base: service(["203.0.113.10", "203.0.113.11"]),
    head: service(["203.0.113.11"]),
    expected: [],
  },
  { name: "all external IPs removed", base: service(["203.0.113.10"]), head: service(), expected: [] },
  {
    name: "an unrelated edit on a Service with external IPs",
    base: service(["203.0.113.10"]),
    head: service(["203.0.113.10"], { type: "NodePort" }),
    expected: [],
  },
  {
    name: "a Service with external IPs moved to another file",
    base: { "a.yaml": service(["203.0.113.10"]) },
    head: { "net/b.yaml": service(["203.0.113.10"]) },
    expected: [],
  },
  { name: "a Service with external IPs removed", base: service(["203.0.113.10"]), expected: [] },
  { name: "a new Service without external IPs", head: service(), expected: [] },
  {
    name: "entries that are no text or empty",
    base: service(),
    head: service(['""', "[1, 2]", "{ ip: 1.2.3.4 }", "null"]),
    expected: [],
  },
  {
    name: "a custom resource called Service",
    head: service(["203.0.113.10"], { apiVersion: "example.com/v1" }),
    expected: [],
  },
];

describe("service-external-ips", () => {
  table(rule, cases);

  it("names the Service and the address, why it matters and the way out", () => {
    const [hit] = runRule(rule, service(), service(["203.0.113.10"]));
    expect(hit.message).toBe(
      "Service shop/web adds external IP 203.0.113.10: every node now routes traffic for that address to this " +
        "Service's pods, whoever owns the address, which can intercept it (CVE-2020-8554). Prefer a LoadBalancer " +
        "or Ingress; if the address is really yours, confirm it and restrict externalIPs with an admission policy.",
    );
  });

  it("keeps the fingerprint across spellings and positions, not across addresses", () => {
    const fp = (ips: string[]) => runRule(rule, undefined, service(ips))[0].fingerprint;
    expect(fp(["2001:db8::10"])).toBe(fp(["2001:0DB8:0:0:0:0:0:10"]));
    expect(fp(["203.0.113.10"])).not.toBe(fp(["203.0.113.11"]));
    const second = runRule(rule, service(["1.1.1.1"]), service(["1.1.1.1", "203.0.113.10"]))[0];
    expect(second.fingerprint).toBe(fp(["203.0.113.10"]));
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });

  it("never throws on malformed Services", () => {
    const garbage = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { externalIPs: "203.0.113.10" }
---
apiVersion: v1
kind: Service
metadata: { name: odd, namespace: shop }
spec: 5
`;
    for (const [base, head] of [
      [undefined, garbage],
      [garbage, garbage.replace("spec: 5", "spec: [externalIPs]")],
      [garbage, undefined],
    ]) {
      expect(runRule(rule, base, head)).toEqual([]);
      expect(() => runRule(rule, base, head, { fullState: true })).not.toThrow();
    }
    // The garbage base had no readable external IPs: a readable one is new.
    expect(runRule(rule, garbage, garbage.replace('"203.0.113.10"', "[203.0.113.10]"))).toHaveLength(1);
  });
});
