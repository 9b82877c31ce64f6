import { cidrContainsIp, parseCidr, parseIpv4 } from '../ipv4.js';

/** The tenant facts the isolation check needs from config. */
export interface TenantView {
  name: string;
  subnet: string;
}

/** The tenant whose subnet holds the address (the most specific one), or null. */
export function findTenantForIp(tenants: readonly TenantView[], ip: string): string | null {
  const address = parseIpv4(ip);
  if (address === undefined) return null;
  let best: { name: string; prefixLength: number } | undefined;
  for (const t of tenants) {
    const subnet = parseCidr(t.subnet);
    if (subnet && cidrContainsIp(subnet, address) && (!best || subnet.prefixLength > best.prefixLength)) {
      best = { name: t.name, prefixLength: subnet.prefixLength };
    }
  }
  return best?.name ?? null;
}
