/** One interface from `ip -o link show`. */
export interface LinkInfo {
  /** Name without the `@peer` suffix, e.g. `eth0`. */
  name: string;
  mtu: number;
  up: boolean;
}

/** Parses `ip -o link show` (one line per interface). Lines without a name or MTU are skipped. */
export function parseIpLinks(stdout: string): LinkInfo[] {
  const links: LinkInfo[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\d+:\s+([^:\s]+):\s+<([^>]*)>.*?\bmtu\s+(\d+)/.exec(line);
    if (!m?.[1] || !m[3]) continue;
    const flags = (m[2] ?? '').split(',');
    links.push({ name: m[1].split('@')[0] ?? m[1], mtu: Number(m[3]), up: flags.includes('UP') });
  }
  return links;
}

/** One IPv4 address from `ip -4 -o addr show`. */
export interface AddrInfo {
  iface: string;
  address: string;
  prefix: number;
}

/** Parses `ip -4 -o addr show` (one line per address). */
export function parseIpAddrs(stdout: string): AddrInfo[] {
  const addrs: AddrInfo[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})/.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) continue;
    addrs.push({ iface: m[1].split('@')[0] ?? m[1], address: m[2], prefix: Number(m[3]) });
  }
  return addrs;
}
