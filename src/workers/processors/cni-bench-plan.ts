import { UsageError } from '../../errors.js';
import type { BenchNetwork } from '../../net/bench/bench-setup.js';
import type { NetworkKind } from '../../net/bench/bench-types.js';
import type { ClusterHost } from '../../net/cluster.js';

/** The config the bench commands read (injected; processors never read config files). */
export interface BenchConfigView {
  networks: ReadonlyArray<{
    name: string;
    kind: string;
    attach: string;
    dockerNetwork?: string | undefined;
    interface?: string | undefined;
    range?: string | undefined;
    proxySocket?: string | undefined;
  }>;
  tenants: ReadonlyArray<{ name: string; subnet: string; network: string }>;
}

/**
 * The network to bench, from config, or a usage error listing the known ones. In Weave proxy mode containers
 * join the `default` tenant's subnet (else the first tenant's on that network, else Weave's default subnet).
 */
export function resolveBenchNetwork(view: BenchConfigView, name: string): BenchNetwork {
  const n = view.networks.find((x) => x.name === name);
  const known = view.networks.map((x) => x.name).join(', ') || 'none configured';
  if (!n) throw new UsageError(`unknown network \`${name}\`; known networks: ${known}`);
  if (n.attach === 'host' || n.kind === 'host') {
    throw new UsageError(
      `\`${name}\` is the host network, the bare-metal reference every run measures anyway; bench an overlay: ${
        view.networks
          .filter((x) => x.kind !== 'host')
          .map((x) => x.name)
          .join(', ') || 'none configured'
      }`,
    );
  }
  const onNetwork = view.tenants.filter((t) => t.network === name);
  const tenant = onNetwork.find((t) => t.name === 'default') ?? onNetwork[0];
  return {
    name: n.name,
    kind: n.kind as NetworkKind,
    attach: n.attach as BenchNetwork['attach'],
    ...(n.dockerNetwork ? { dockerNetwork: n.dockerNetwork } : {}),
    ...(n.interface ? { interface: n.interface } : {}),
    ...(n.attach === 'proxy' && tenant ? { cidr: tenant.subnet } : {}),
    ...(n.attach === 'proxy' && n.proxySocket ? { proxySocket: n.proxySocket } : {}),
  };
}

/**
 * Client and server hosts: `from`/`to` when given (only hosts from config: a benchmark never runs elsewhere),
 * otherwise the first two configured hosts.
 */
export function resolveBenchHosts(
  hosts: readonly ClusterHost[],
  from: string | undefined,
  to: string | undefined,
): { client: ClusterHost; server: ClusterHost } {
  const known = hosts.map((h) => h.name).join(', ') || 'none configured';
  const pick = (name: string) => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new UsageError(`unknown host \`${name}\`: a benchmark runs only on configured hosts (${known})`);
    return h;
  };
  const client = from ? pick(from) : hosts.find((h) => h.name !== to);
  const server = to ? pick(to) : hosts.find((h) => h.name !== client?.name);
  if (!client || !server) throw new UsageError(`a benchmark needs two configured hosts; configured: ${known}`);
  if (client.name === server.name) throw new UsageError('from and to are the same host: a benchmark needs two hosts');
  return { client, server };
}

/**
 * The ordered pairs of `pairs=all` (every configured host) or `hosts=a,b,c` (only configured hosts), each pair in
 * both directions, in a stable order (u1→u2, u1→u3, u2→u1, …). A network over fewer than two hosts has no pair.
 */
export function resolveBenchPairs(
  hosts: readonly ClusterHost[],
  network: string,
  wanted: { pairs?: 'all' | undefined; hosts?: readonly string[] | undefined },
): Array<{ client: ClusterHost; server: ClusterHost }> {
  const known = hosts.map((h) => h.name).join(', ') || 'no host';
  let chosen: ClusterHost[];
  if (wanted.hosts) {
    chosen = wanted.hosts.map((name) => {
      const h = hosts.find((x) => x.name === name);
      if (!h) throw new UsageError(`unknown host \`${name}\`: a benchmark runs only on configured hosts (${known})`);
      return h;
    });
  } else {
    chosen = [...hosts];
  }
  if (chosen.length < 2) {
    throw new UsageError(
      `pairs=all needs a network spanning two hosts or more: \`${network}\` spans only ${known}, so there is no pair to measure`,
    );
  }
  return chosen.flatMap((client) =>
    chosen.filter((server) => server.name !== client.name).map((server) => ({ client, server })),
  );
}
