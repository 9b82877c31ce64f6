/** An IPv4 network in CIDR form, e.g. `10.32.0.0/24`. */
export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefixLength: number;
  text: string;
}

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit number; undefined when malformed. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // Leading zeros are rejected because some tools read them as octal.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Why a CIDR string is not a valid IPv4 network, or undefined when it is. */
export function explainCidrProblem(text: string): string | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return 'must be an IPv4 network in CIDR form like 10.32.0.0/24';
  const address = parseIpv4(match[1]!);
  const prefixLength = Number(match[2]);
  if (address === undefined) return `has an invalid IPv4 address "${match[1]}"`;
  if (prefixLength > 32) return `has prefix length /${prefixLength}, expected /0 to /32`;
  const network = (address & maskOf(prefixLength)) >>> 0;
  if (network !== address) return `has host bits set; the network is ${formatIpv4(network)}/${prefixLength}`;
  return undefined;
}

/** Parses an IPv4 CIDR; undefined when it is not a valid network (see explainCidrProblem). */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  if (explainCidrProblem(text) !== undefined) return undefined;
  const [address, prefix] = text.split('/');
  return { network: parseIpv4(address!)!, prefixLength: Number(prefix), text };
}

/** True when the address (32-bit number) lies inside the network. */
export function cidrContainsIp(cidr: Ipv4Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.prefixLength)) >>> 0 === cidr.network;
}

/** True when `inner` is entirely inside `outer`. */
export function cidrContainsCidr(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && cidrContainsIp(outer, inner.network);
}

/** True when the two networks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContainsCidr(a, b) || cidrContainsCidr(b, a);
}

/** True when the dotted-quad address lies inside the network; false for malformed input or no network. */
export function isIpInCidr(ip: string, cidr: Ipv4Cidr | undefined): boolean {
  const value = parseIpv4(ip);
  return cidr !== undefined && value !== undefined && cidrContainsIp(cidr, value);
}
