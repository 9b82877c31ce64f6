import {
  type ConsulClient,
  type ConsulDnsAnswer,
  createConsulClient,
  createFailoverConsulClient,
  dialTcp,
  isConsulDown,
  resolveConsulDns,
  type TcpConnector,
} from '../clients/consul/index.js';
import type { SshPool } from '../clients/ssh/index.js';
import type { ClusterConfig } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { ClusterHost } from '../net/cluster.js';

// Consul's default client_addr is 127.0.0.1 (hashicorp/consul v1.19.2 agent/config/default.go): a refused direct
// dial most often means the agent listens on its host's loopback only.
const DIRECT_HINT =
  'with consul.access: direct the agents must listen on a routable address; Consul listens on 127.0.0.1 by default (client_addr), so set consul.access: ssh or set client_addr on the agents';

/** The Consul side of a ClusterContext. */
export interface ConsulAccess {
  consul: ConsulClient;
  consulAgent(host: ClusterHost): ConsulClient;
  consulDns: { domain: string; resolve(name: string): Promise<ConsulDnsAnswer> };
}

/**
 * Wires Consul as `consul.access` says. `ssh` (default, because Consul's default `client_addr` is 127.0.0.1):
 * every host's agent is `consul.address` as that host sees it, reached through a direct-tcpip channel on the
 * host's pooled SSH connection, for HTTP and for DNS (TCP). `direct`: the bot dials `consul.address` for the
 * cluster view and `http://<host address>:<agentPort>` for each host's agent, and DNS at the address's host.
 * The cluster view fails over between agents when one is down.
 */
export function createConsulAccess(
  cluster: ClusterConfig,
  hosts: readonly ClusterHost[],
  ssh: SshPool,
  logger: Logger,
): ConsulAccess {
  const c = cluster.consul;
  const url = new URL(c.address);
  const base = {
    ...(c.datacenter ? { datacenter: c.datacenter } : {}),
    ...(c.token ? { token: c.token } : {}),
    timeoutMs: cluster.nomad.timeoutMs,
    logger,
  };
  const agentHost = url.hostname.replace(/^\[|\]$/g, '');
  const agentPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const agents = new Map<string, ConsulClient>();
  let dnsTargets: Array<{ connect: TcpConnector; where: string }>;
  let clusterAgents: ConsulClient[];
  if (c.access === 'ssh') {
    for (const h of hosts) {
      agents.set(
        h.name,
        createConsulClient({
          ...base,
          address: c.address,
          label: `${url.protocol}//${url.host} on ${h.name} (via SSH)`,
          connect: () => ssh.forwardOut(h.name, agentHost, agentPort),
        }),
      );
    }
    clusterAgents = [...agents.values()];
    dnsTargets = hosts.map((h) => ({
      connect: () => ssh.forwardOut(h.name, agentHost, c.dnsPort),
      where: `${agentHost}:${c.dnsPort} on ${h.name} (via SSH)`,
    }));
  } else {
    const main = createConsulClient({ ...base, address: c.address, unreachableHint: DIRECT_HINT });
    for (const h of hosts) agents.set(h.name, main.forAgent(`${url.protocol}//${h.address}:${c.agentPort}`));
    clusterAgents = [main, ...agents.values()];
    // A host name is fine here: the TCP dial resolves it (node's Resolver.setServers took IP addresses only).
    dnsTargets = [{ connect: dialTcp(agentHost, c.dnsPort), where: `${agentHost}:${c.dnsPort}` }];
  }
  const consul = createFailoverConsulClient(
    clusterAgents,
    'Consul is reached through the hosts (consul.access: ssh) and no host is configured for this cluster',
  );
  return {
    consul,
    consulAgent(host) {
      const agent = agents.get(host.name);
      if (!agent) throw new Error(`no Consul agent configured for host ${host.name}`);
      return agent;
    },
    consulDns: {
      domain: c.domain,
      async resolve(name) {
        let lastErr: unknown;
        for (const target of dnsTargets) {
          try {
            return await resolveConsulDns(name, target);
          } catch (err) {
            if (!isConsulDown(err)) throw err;
            lastErr = err;
          }
        }
        throw lastErr;
      },
    },
  };
}
