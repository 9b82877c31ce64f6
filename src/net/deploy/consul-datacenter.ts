import type { ConsulClient } from '../../clients/consul/index.js';

/** What the Consul datacenter check found. */
export interface ConsulDatacenterCheck {
  /** The datacenter of the agent asked (what Consul uses when no `?dc=` is sent). */
  agentDatacenter: string;
  /** Every datacenter the servers know (`GET /v1/catalog/datacenters`). */
  datacenters: string[];
  problems: string[];
}

/**
 * Checks the configured Consul datacenter against the ones the cluster knows, naming the real ones when it is
 * missing: Consul answers `?dc=` of an unknown datacenter with 500 "No path to datacenter" on every read
 * (hashicorp/consul agent/consul/rpc.go `forwardDC` → `structs.ErrNoDCPath`), which would otherwise surface only
 * in the middle of a deploy.
 */
export async function checkConsulDatacenter(
  consul: ConsulClient,
  configured: string | undefined,
  signal?: AbortSignal,
): Promise<ConsulDatacenterCheck> {
  const self = await consul.agentSelf(signal ? { signal } : {});
  const datacenters = await consul.datacenters(signal ? { signal } : {});
  const problems: string[] = [];
  if (configured && !datacenters.includes(configured)) {
    problems.push(
      `Consul datacenter \`${configured}\` does not exist; the cluster has ${datacenters.map((d) => `\`${d}\``).join(', ') || 'none'} (set clusters[].consul.datacenter)`,
    );
  }
  return { agentDatacenter: self.Config.Datacenter, datacenters, problems };
}
