import { describe, expect, it } from "vitest";
import { cidrContains, cidrCovered, cidrKey, parseCidr, parseIp } from "../../src/k8s/ip-ranges.js";
import { loadBalancerSourceRangesRule } from "../../src/rules/load-balancer-source-ranges.js";
import { type Case, table } from "./pod-fixtures.js";
import { runRule } from "./tester.js";

const rule = loadBalancerSourceRangesRule;
const ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

interface ServiceOptions {
  type?: string;
  /** The legacy annotation's value (written quoted), on line 6 when present. */
  annotation?: string;
  /** Another annotation, on line 6 when present (after the source-ranges one). */
  extraAnnotation?: string;
  apiVersion?: string;
}

/**
 * A Service shop/web. Without annotations `spec.loadBalancerSourceRanges` is on line 9 and its
 * items start on line 10; with an annotation line everything below moves down one.
 */
function service(ranges?: string[], options: ServiceOptions = {}): string {
  const annotations = [
    ...(options.annotation === undefined ? [] : [`"${ANNOTATION}": "${options.annotation}"`]),
    ...(options.extraAnnotation === undefined ? [] : [options.extraAnnotation]),
  ];
  return [
    `apiVersion: ${options.apiVersion ?? "v1"}`,
    "kind: Service",
    "metadata:",
    "  name: web",
    "  namespace: shop",
    ...(annotations.length > 0 ? [`  annotations: { ${annotations.join(", ")} }`] : []),
    "spec:",
    `  type: ${options.type ?? "LoadBalancer"}`,
    "  ports: [{ port: 443 }]",
    ...(ranges === undefined
      ? []
      : ["  loadBalancerSourceRanges:", ...ranges.map((range) => `    - ${range}`)]),
    "",
  ].join("\n");
}

const OFFICE = "203.0.113.0/24";
const VPN = "198.51.100.0/24";
const INTERNAL = '"networking.gke.io/load-balancer-type": "Internal"';

const cases: Case[] = [
  {
    name: "a range added that no existing range contains",
    base: service([OFFICE]),
    head: service([OFFICE, VPN]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "0.0.0.0/0 added: critical",
    base: service([OFFICE]),
    head: service([OFFICE, "0.0.0.0/0"]),
    expected: [{ line: 11, side: "head", severity: "critical" }],
  },
  {
    name: "::/0 added: critical",
    base: service([OFFICE, "2001:db8::/32"]),
    head: service(["::/0", OFFICE]),
    expected: [{ line: 10, side: "head", severity: "critical" }],
  },
  {
    name: "a range widened to a shorter prefix",
    base: service([OFFICE]),
    head: service(["203.0.112.0/23"]),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "an IPv6 range added beside IPv4 ones",
    base: service([OFFICE]),
    head: service([OFFICE, "2001:db8::/48"]),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "host bits set: 10.1.2.3/8 is 10.0.0.0/8, wider than 10.1.0.0/16",
    base: service(["10.1.0.0/16"]),
    head: service(["10.1.2.3/8"]),
    expected: [{ line: 10, side: "head", severity: "high" }],
  },
  {
    name: "the ranges removed entirely, pointing at the base field",
    base: service([OFFICE]),
    head: service(),
    expected: [{ line: 9, side: "base", severity: "critical" }],
  },
  {
    name: "the ranges emptied, pointing at the empty list",
    base: service([OFFICE]),
    head: service([]).replace("loadBalancerSourceRanges:", "loadBalancerSourceRanges: []"),
    expected: [{ line: 9, side: "head", severity: "critical" }],
  },
  {
    name: "an internal load balancer opened to 0.0.0.0/0 stays high",
    base: service([OFFICE], { extraAnnotation: INTERNAL }),
    head: service(["0.0.0.0/0"], { extraAnnotation: INTERNAL }),
    expected: [{ line: 11, side: "head", severity: "high" }],
  },
  {
    name: "an internal load balancer losing its ranges stays high",
    base: service([OFFICE], { extraAnnotation: INTERNAL }),
    head: service(undefined, { extraAnnotation: INTERNAL }),
    expected: [{ line: 10, side: "base", severity: "high" }],
  },
  {
    name: "the legacy annotation gains a range",
    base: service(undefined, { annotation: OFFICE }),
    head: service(undefined, { annotation: `${OFFICE}, ${VPN}` }),
    expected: [{ line: 6, side: "head", severity: "high" }],
  },
  {
    name: "the legacy annotation opened to everyone",
    base: service(undefined, { annotation: OFFICE }),
    head: service(undefined, { annotation: "0.0.0.0/0" }),
    expected: [{ line: 6, side: "head", severity: "critical" }],
  },
  {
    name: "the legacy annotation removed, pointing at the base annotation",
    base: service(undefined, { annotation: OFFICE, extraAnnotation: '"team": "shop"' }),
    head: service(undefined, { extraAnnotation: '"team": "shop"' }),
    expected: [{ line: 6, side: "base", severity: "critical" }],
  },
  {
    name: "the spec ranges removed while a wider legacy annotation takes over",
    base: service([OFFICE], { annotation: "10.0.0.0/8" }),
    head: service(undefined, { annotation: "10.0.0.0/8" }),
    expected: [{ line: 6, side: "head", severity: "high" }],
  },
  {
    name: "two new ranges, one finding each",
    base: service([OFFICE]),
    head: service([VPN, OFFICE, "192.0.2.0/24"]),
    expected: [
      { line: 10, side: "head", severity: "high" },
      { line: 12, side: "head", severity: "high" },
    ],
  },
  // Silent.
  { name: "ranges reordered", base: service([OFFICE, VPN]), head: service([VPN, OFFICE]), expected: [] },
  {
    name: "a range removed (narrowing)",
    base: service([OFFICE, VPN]),
    head: service([OFFICE]),
    expected: [],
  },
  {
    name: "a range narrowed to a longer prefix",
    base: service(["10.0.0.0/8"]),
    head: service(["10.20.0.0/16", "10.30.0.0/16"]),
    expected: [],
  },
  {
    name: "two halves merged into the range they cover",
    base: service(["10.0.0.0/9", "10.128.0.0/9"]),
    head: service(["10.0.0.0/8"]),
    expected: [],
  },
  {
    name: "a range respelled (host bits, IPv6 compression, quotes, spaces)",
    base: service(["10.0.0.0/8", "2001:db8::/32"]),
    head: service(['" 10.1.2.3/8 "', '"2001:0DB8:0:0::/32"']),
    expected: [],
  },
  {
    name: "ranges moved from the legacy annotation into the spec",
    base: service(undefined, { annotation: `${OFFICE},${VPN}` }),
    head: service([VPN, OFFICE]),
    expected: [],
  },
  {
    name: "the annotation widened while the spec ranges, which win, stay",
    base: service([OFFICE], { annotation: OFFICE }),
    head: service([OFFICE], { annotation: "0.0.0.0/0" }),
    expected: [],
  },
  {
    name: "ranges added to a load balancer that had none (narrowing)",
    base: service(),
    head: service([OFFICE]),
    expected: [],
  },
  {
    name: "a load balancer that already admitted everyone stays open",
    base: service(["0.0.0.0/0"]),
    head: service(["0.0.0.0/0", OFFICE]),
    expected: [],
  },
  {
    name: "a new LoadBalancer with wide ranges (service-load-balancer's case)",
    head: service(["0.0.0.0/0"]),
    expected: [],
  },
  {
    name: "a ClusterIP that becomes a LoadBalancer (service-load-balancer's case)",
    base: service([OFFICE], { type: "ClusterIP" }),
    head: service(["0.0.0.0/0"]),
    expected: [],
  },
  {
    name: "ranges removed from a Service that stops being a LoadBalancer",
    base: service([OFFICE]),
    head: service(undefined, { type: "ClusterIP" }),
    expected: [],
  },
  {
    name: "an unrelated edit on a load balancer with ranges",
    base: service([OFFICE]),
    head: service([OFFICE]).replace("port: 443", "port: 8443"),
    expected: [],
  },
  {
    name: "a load balancer with ranges moved to another file",
    base: { "a.yaml": service([OFFICE]) },
    head: { "net/b.yaml": service([OFFICE]) },
    expected: [],
  },
  { name: "a load balancer with ranges removed", base: service([OFFICE]), expected: [] },
  {
    name: "unparsable new entries (the API server refuses them)",
    base: service([OFFICE]),
    head: service([OFFICE, "10.0.0.0", "10.0.0.0/33", "010.0.0.0/8", "::1::/64", "fe80::1%eth0/64", "[1]"]),
    expected: [],
  },
  {
    name: "a custom resource called Service",
    base: service([OFFICE], { apiVersion: "example.com/v1" }),
    head: service(undefined, { apiVersion: "example.com/v1" }),
    expected: [],
  },
];

describe("load-balancer-source-ranges", () => {
  table(rule, cases);

  it("says what changed, why it matters and how to fix it", () => {
    const [open] = runRule(rule, service([OFFICE]), service(["0.0.0.0/0"]));
    expect(open.message).toBe(
      "Service shop/web widens its load-balancer source ranges with 0.0.0.0/0: the load balancer now admits " +
        "every IPv4 address on the internet. Source ranges are the only filter in front of a LoadBalancer " +
        "Service; list just the clients that need it.",
    );
    const [wider] = runRule(rule, service([OFFICE]), service([VPN]));
    expect(wider.message).toContain("with 198.51.100.0/24, which no previous range covers.");
    const [removed] = runRule(rule, service([OFFICE]), service());
    expect(removed.message).toBe(
      "Service shop/web drops spec.loadBalancerSourceRanges: its load balancer now admits every address on " +
        "the internet instead of the listed ranges. Keep the source ranges, listing just the clients that need " +
        "the service.",
    );
    const [legacy] = runRule(rule, service(undefined, { annotation: OFFICE }), service());
    expect(legacy.message).toContain(`drops the ${ANNOTATION} annotation`);
  });

  it("keeps the fingerprint across spellings and moves, not across ranges", () => {
    const fp = (head: string[], file = "manifest.yaml") =>
      runRule(rule, service([OFFICE]), { [file]: service(head) })[0].fingerprint;
    expect(fp([VPN])).toBe(fp(['"198.51.100.7/24"', OFFICE], "x/y.yaml"));
    expect(fp([VPN])).not.toBe(fp(["192.0.2.0/24"]));
    const annotated = runRule(rule, service([OFFICE]), service(undefined, { annotation: VPN }))[0];
    expect(annotated.fingerprint).toBe(fp([VPN]));
  });

  it("has an example that fires", () => {
    const { before, after } = rule.example ?? { after: "" };
    expect(runRule(rule, before, after)).toHaveLength(1);
  });

  it("never throws on malformed Services", () => {
    const garbage = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop, annotations: { "${ANNOTATION}": [1] } }
spec: { type: LoadBalancer, loadBalancerSourceRanges: "10.0.0.0/8" }
---
apiVersion: v1
kind: Service
metadata: { name: odd, namespace: shop, annotations: 5 }
spec: 5
`;
    for (const [base, head] of [
      [undefined, garbage],
      [garbage, garbage.replace('"10.0.0.0/8"', "[null, 5, {}, [], x/y, 10.0.0.0/8]")],
      [garbage, undefined],
    ]) {
      expect(runRule(rule, base, head)).toEqual([]);
      expect(() => runRule(rule, base, head, { fullState: true })).not.toThrow();
    }
  });
});

describe("CIDR parsing", () => {
  it.each([
    ["10.0.0.0/8", "v4:a000000/8"],
    ["10.1.2.3/8", "v4:a000000/8"],
    [" 0.0.0.0/0 ", "v4:0/0"],
    ["255.255.255.255/32", "v4:ffffffff/32"],
    ["::/0", "v6:0/0"],
    ["2001:db8::/32", "v6:20010db8000000000000000000000000/32"],
    ["2001:DB8:0:0:0:0:0:1/128", "v6:20010db8000000000000000000000001/128"],
    ["::ffff:10.0.0.0/104", "v6:ffff0a000000/104"],
    ["fe80::/10", "v6:fe800000000000000000000000000000/10"],
  ])("%s reads as %s", (text, key) => {
    const cidr = parseCidr(text);
    expect(cidr && cidrKey(cidr)).toBe(key);
  });

  it.each([
    "",
    "10.0.0.0",
    "10.0.0.0/",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    "10.0.0.0/08",
    "10.0.0/8",
    "10.0.0.0.0/8",
    "256.0.0.0/8",
    "010.0.0.0/8",
    "a.b.c.d/8",
    "::/129",
    "1::2::3/64",
    "1:2:3:4:5:6:7:8:9/64",
    "1:2:3:4:5:6:7/64",
    "12345::/16",
    "fe80::1%eth0/64",
    "[::1]/128",
    "::ffff:1.2.3/120",
  ])("%j is no CIDR", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("reads addresses of both families", () => {
    expect(parseIp("1.2.3.4")).toEqual({ bits: 32, value: 0x01020304n });
    expect(parseIp("::1")).toEqual({ bits: 128, value: 1n });
    expect(parseIp("1:2:3:4:5:6:7::")).toEqual({ bits: 128, value: 0x00010002000300040005000600070000n });
    expect(parseIp("nope")).toBeUndefined();
  });

  const cidr = (text: string) => {
    const parsed = parseCidr(text);
    if (!parsed) throw new Error(text);
    return parsed;
  };

  it("tells containment within a family only", () => {
    expect(cidrContains(cidr("10.0.0.0/8"), cidr("10.20.0.0/16"))).toBe(true);
    expect(cidrContains(cidr("10.20.0.0/16"), cidr("10.0.0.0/8"))).toBe(false);
    expect(cidrContains(cidr("10.0.0.0/8"), cidr("11.0.0.0/16"))).toBe(false);
    expect(cidrContains(cidr("0.0.0.0/0"), cidr("::/128"))).toBe(false);
    expect(cidrContains(cidr("::/0"), cidr("2001:db8::/32"))).toBe(true);
  });

  it("covers a range by the union of smaller ones", () => {
    const halves = [cidr("10.0.0.0/9"), cidr("10.128.0.0/9")];
    expect(cidrCovered(halves, cidr("10.0.0.0/8"))).toBe(true);
    expect(cidrCovered([cidr("10.0.0.0/9")], cidr("10.0.0.0/8"))).toBe(false);
    const quarters = ["10.0.0.0/10", "10.64.0.0/10", "10.128.0.0/9"].map(cidr);
    expect(cidrCovered(quarters, cidr("10.0.0.0/8"))).toBe(true);
    expect(cidrCovered([], cidr("10.0.0.0/8"))).toBe(false);
    expect(cidrCovered([cidr("::/1"), cidr("8000::/1")], cidr("::/0"))).toBe(true);
  });
});
