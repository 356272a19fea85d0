// IP addresses and CIDR ranges, read as Kubernetes (Go's net package) reads them: no leading zeros
// in IPv4 octets, IPv6 with `::` and a dotted IPv4 tail, host bits of a range cleared. Compared as
// numbers, so every spelling of one address or range is the same.

/** An IP address as a number, with its family's width in bits. */
export interface IpAddress {
  bits: 32 | 128;
  value: bigint;
}

export interface Cidr {
  bits: 32 | 128;
  /** The network address: host bits cleared, as Kubernetes' (Go's) CIDR parser does. */
  network: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: Go refuses them, since some parsers read them as octal.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Hex groups of one side of `::`, the last of which may be a dotted IPv4 address. */
function ipv6Groups(text: string, allowIpv4Tail: boolean): bigint[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: bigint[] = [];
  for (const [index, part] of parts.entries()) {
    if (allowIpv4Tail && index === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const head = ipv6Groups(halves[0], false);
    const tail = ipv6Groups(halves[1], true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  } else {
    const all = ipv6Groups(text, true);
    if (all?.length !== 8) return undefined;
    groups = all;
  }
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

/** Parses an IPv4 or IPv6 address (no zone, no brackets); undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(":")) {
    const value = parseIpv6(trimmed);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { bits: 32, value };
}

/** Parses `address/prefix`; host bits are cleared (`10.1.2.3/8` is 10.0.0.0/8). */
export function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseIp(trimmed.slice(0, slash));
  const prefixText = trimmed.slice(slash + 1);
  if (!address || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > address.bits) return undefined;
  return { bits: address.bits, network: address.value & mask(address.bits, prefix), prefix };
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Whether `outer` holds every address of `inner` (same family only). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.bits === inner.bits &&
    outer.prefix <= inner.prefix &&
    (inner.network & mask(outer.bits, outer.prefix)) === outer.network
  );
}

/**
 * Whether the ranges together hold every address of `range`: `10.0.0.0/9` and `10.128.0.0/9`
 * cover `10.0.0.0/8`. Splits the range in halves only where a smaller range lies inside it.
 */
export function cidrCovered(ranges: readonly Cidr[], range: Cidr): boolean {
  if (ranges.some((outer) => cidrContains(outer, range))) return true;
  if (range.prefix >= range.bits || !ranges.some((inner) => cidrContains(range, inner))) return false;
  const prefix = range.prefix + 1;
  const upper = range.network | (1n << BigInt(range.bits - prefix));
  return (
    cidrCovered(ranges, { bits: range.bits, network: range.network, prefix }) &&
    cidrCovered(ranges, { bits: range.bits, network: upper, prefix })
  );
}

/** A canonical text for keys: the same range spelled another way gets the same text. */
export function cidrKey(range: Cidr): string {
  return `${range.bits === 32 ? "v4" : "v6"}:${range.network.toString(16)}/${range.prefix}`;
}
