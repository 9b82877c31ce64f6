import type { ConsulClient, ConsulDnsAnswer } from '../clients/consul/index.js';
import type { NomadClient } from '../clients/nomad/index.js';
import type { SshPool } from '../clients/ssh/index.js';

/** A host of the cluster as the bot knows it from config: where to SSH and where its Consul agent listens. */
export interface ClusterHost {
  name: string;
  address: string;
}

/**
 * Everything the cluster commands talk to, built once from config by main/ and shared by the processors:
 * Nomad, Consul (cluster view and per-node agents), SSH to the hosts, and Consul DNS for verification.
 */
export interface ClusterContext {
  nomad: NomadClient;
  consul: ConsulClient;
  /** The Consul agent on a host: agent services must be registered where the workload runs. */
  consulAgent(host: ClusterHost): ConsulClient;
  /**
   * Consul DNS as clients see it: `resolve` asks an agent's DNS port over TCP (through a host's SSH connection or
   * directly, as `consul.access` says), failing over to the next agent when one is down.
   */
  consulDns: { domain: string; resolve(name: string): Promise<ConsulDnsAnswer> };
  ssh: SshPool;
  hosts: ClusterHost[];
  /** The Nomad client of a tenant with its own namespace or ACL token in config; undefined: use `nomad`. */
  nomadForTenant?(tenant: string): NomadClient | undefined;
}

/** The cluster as a tenant's writes see it: Nomad with the tenant's namespace and token, the rest shared. */
export function clusterForTenant<T extends ClusterContext>(ctx: T, tenant: string): T {
  const nomad = ctx.nomadForTenant?.(tenant);
  return nomad ? { ...ctx, nomad } : ctx;
}
