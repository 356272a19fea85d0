// service-external-ips: a Service that claims new external IPs. kube-proxy on every node routes
// traffic for those addresses to the Service's pods, whoever owns the address: the
// man-in-the-middle of CVE-2020-8554. Compared as a set, so reordering or respelling is silent.

import type { ResourceChange, Rule } from "../engine/rule.js";
import { isObject, type Json, type Resource, type RuleHit } from "../engine/types.js";
import { parseIp } from "../k8s/ip-ranges.js";
import { describeResource } from "../k8s/objects.js";
import { isService } from "../k8s/services.js";

/** One spelling per address: `2001:db8::1` and `2001:DB8:0::1` are one IP. Non-IPs compare as text. */
function addressKey(text: string): string {
  const ip = parseIp(text);
  return ip ? `${ip.bits === 32 ? "v4" : "v6"}:${ip.value.toString(16)}` : text;
}

interface ExternalIp {
  text: string;
  key: string;
  index: number;
}

/** The Service's external IPs (first spelling of each), skipping entries that are no text. */
function externalIps(resource: Resource | undefined): ExternalIp[] {
  if (!isService(resource)) return [];
  const spec = resource.object.spec;
  const list = isObject(spec) ? spec.externalIPs : undefined;
  const found: ExternalIp[] = [];
  if (!Array.isArray(list)) return found;
  const seen = new Set<string>();
  list.forEach((item: Json, index) => {
    if (typeof item !== "string" || item.trim() === "") return;
    const text = item.trim();
    const key = addressKey(text);
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ text, key, index });
  });
  return found;
}

function check({ before, after }: ResourceChange): RuleHit[] {
  if (!isService(after)) return [];
  const old = new Set(externalIps(before).map((ip) => ip.key));
  return externalIps(after)
    .filter((ip) => !old.has(ip.key))
    .map((ip) => ({
      path: ["spec", "externalIPs", ip.index],
      key: `externalIP:${ip.key}`,
      message:
        `${describeResource(after)} adds external IP ${ip.text}: every node now routes traffic for that ` +
        "address to this Service's pods, whoever owns the address, which can intercept it (CVE-2020-8554). " +
        "Prefer a LoadBalancer or Ingress; if the address is really yours, confirm it and restrict externalIPs " +
        "with an admission policy.",
    }));
}

export const serviceExternalIpsRule: Rule = {
  id: "service-external-ips",
  title: "Service claims external IPs",
  defaultSeverity: "high",
  description: "Flags addresses added to a Service's spec.externalIPs.",
  rationale:
    "kube-proxy on every node sends traffic for a Service's external IPs to its pods. Kubernetes does not check " +
    "that the address belongs to the cluster, so a Service can claim any IP, including another service's or an " +
    "external site's, and intercept the cluster's traffic to it (CVE-2020-8554). The addresses are compared as a " +
    "set: reordering, respelling (IPv6 case and zero compression) and removing them are silent.",
  remediation:
    "Expose the Service with type LoadBalancer or an Ingress instead; if an external IP is needed, make sure the " +
    "address is routed to the cluster and only to it, and allow-list it with an admission policy " +
    "(the DenyServiceExternalIPs admission plugin, or a ValidatingAdmissionPolicy).",
  example: {
    before: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`,
    after: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
  externalIPs:
    - 203.0.113.10
`,
  },
  check,
};
