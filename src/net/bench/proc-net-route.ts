/** One IPv4 route of `/proc/net/route`. */
export interface ProcRoute {
  iface: string;
  /** Destination and mask as 32-bit unsigned numbers. */
  destination: number;
  mask: number;
  gateway: number;
}

/** The file stores addresses as host-order (little-endian on x86/arm) hex words. */
function readHexAddress(hex: string): number {
  const n = Number.parseInt(hex, 16);
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | (n >>> 24)) >>> 0;
}

/**
 * Parses `cat /proc/net/route` (`Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT`). Read
 * with `cat` because stock images rarely ship `ip` (nginx and networkstatic/iperf3 are Debian slim images).
 */
export function parseProcNetRoute(text: string): ProcRoute[] {
  const routes: ProcRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !f[0] || !/^[0-9A-Fa-f]{8}$/.test(f[1] ?? '') || !/^[0-9A-Fa-f]{8}$/.test(f[7] ?? '')) continue;
    routes.push({
      iface: f[0],
      destination: readHexAddress(f[1] ?? '0'),
      gateway: readHexAddress(f[2] ?? '0'),
      mask: readHexAddress(f[7] ?? '0'),
    });
  }
  return routes;
}

/**
 * The interface a container reaches `ip` through without a gateway: the one its overlay address lives on (eth0
 * under flannel, ethwe under Weave's proxy, ethwe0 with its plugin). The most specific connected route wins.
 */
export function findDirectInterface(routes: readonly ProcRoute[], ip: string): string | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const addr = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const candidates = routes
    .filter((r) => r.gateway === 0 && r.mask !== 0 && (addr & r.mask) >>> 0 === r.destination)
    .sort((a, b) => countBits(b.mask) - countBits(a.mask));
  return candidates[0]?.iface;
}

function countBits(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v; v >>>= 1) c += v & 1;
  return c;
}
