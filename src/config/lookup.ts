import { ErrorCode, NetopsError } from '../errors.js';
import { cidrContainsIp, parseCidr, parseIpv4 } from '../net/ipv4.js';
import type { ClusterConfig, Config, HostConfig, NetworkConfig, TenantConfig } from './schema.js';

/** The host with this name, or undefined. */
export function findHost(config: Config, name: string): HostConfig | undefined {
  return config.hosts.find((h) => h.name === name);
}

/** The network with this name, or undefined. */
export function findNetwork(config: Config, name: string): NetworkConfig | undefined {
  return config.networks.find((n) => n.name === name);
}

/** The tenant with this name, or undefined. */
export function findTenant(config: Config, name: string): TenantConfig | undefined {
  return config.tenants.find((t) => t.name === name);
}

/**
 * The cluster a host belongs to (its `cluster`, or the only cluster). Without a host: the default cluster,
 * which is the first one listed.
 */
export function clusterFor(config: Config, host?: HostConfig): ClusterConfig {
  const name = host?.cluster;
  const cluster = name === undefined ? config.clusters[0] : config.clusters.find((c) => c.name === name);
  // loadConfig guarantees at least one cluster and valid host.cluster references.
  if (!cluster) throw new NetopsError(ErrorCode.Config, `no cluster named ${name ?? '(default)'} in the config`);
  return cluster;
}

/** The tenant whose subnet holds the IPv4 address (the most specific one), or undefined. */
export function tenantForIp(config: Config, ip: string): TenantConfig | undefined {
  const address = parseIpv4(ip);
  if (address === undefined) return undefined;
  let best: { tenant: TenantConfig; prefixLength: number } | undefined;
  for (const tenant of config.tenants) {
    const subnet = parseCidr(tenant.subnet);
    if (subnet && cidrContainsIp(subnet, address) && (!best || subnet.prefixLength > best.prefixLength)) {
      best = { tenant, prefixLength: subnet.prefixLength };
    }
  }
  return best?.tenant;
}
