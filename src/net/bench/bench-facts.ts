import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import type { ClusterHost } from '../cluster.js';
import { parseWeaveConnections } from '../weave-connections.js';
import type { BenchContainer } from './bench-containers.js';
import { firstLineOf } from './bench-error.js';
import { type Iperf3Version, judgeLossFigures, type LossVerdict, parseIperf3Version } from './iperf3-version.js';

/** How Weave carries the pair's traffic, as one router sees its connection to the other. */
export interface WeaveLink {
  /** The host whose `weave status connections` this is. */
  host: string;
  peer: string;
  state: string;
  /** fastdp or sleeve; undefined when the connection is not established. */
  datapath?: string;
  /** Undefined when the router runs without a password (nothing is encrypted then). */
  encrypted?: boolean;
  /** fastdp: the datapath MTU; sleeve: the path MTU it verified. */
  mtu?: number;
}

/** The Weave connection between client and server, read on both hosts (each end may see it differently). */
export async function readWeaveLinks(
  ssh: Pick<SshPool, 'run'>,
  pair: readonly [ClusterHost, ClusterHost],
  signal: AbortSignal,
): Promise<{ links: WeaveLink[]; problems: string[] }> {
  const links: WeaveLink[] = [];
  const problems: string[] = [];
  await Promise.all(
    pair.map(async (host, i) => {
      const peer = pair[1 - i] as ClusterHost;
      const r = await ssh.run(host.name, buildCommand('weave.status.connections'), { signal, timeoutMs: 30_000 });
      if (r.code !== 0) {
        problems.push(`weave status connections on ${host.name} failed: ${firstLineOf(r.stderr, r.stdout)}`);
        return;
      }
      const c = parseWeaveConnections(r.stdout).find((x) => x.ip === peer.address);
      if (!c) {
        problems.push(`${host.name} has no Weave connection to ${peer.name} (${peer.address})`);
        return;
      }
      links.push({
        host: host.name,
        peer: peer.name,
        state: c.state,
        ...(c.state === 'established' && c.datapath ? { datapath: c.datapath } : {}),
        ...(c.encrypted !== undefined ? { encrypted: c.encrypted } : {}),
        ...(c.mtu !== undefined ? { mtu: c.mtu } : {}),
      });
    }),
  );
  links.sort((a, b) => a.host.localeCompare(b.host));
  return { links, problems };
}

/** The iperf3 versions of both ends and whether UDP loss figures can be trusted. */
export interface Iperf3Versions {
  client?: Iperf3Version;
  server?: Iperf3Version;
  loss: LossVerdict;
}

/** Reads `iperf3 --version` in the client and server containers (they may run different images). */
export async function readIperf3Versions(
  ssh: Pick<SshPool, 'run'>,
  containers: { client: BenchContainer; server: BenchContainer },
  signal: AbortSignal,
): Promise<Iperf3Versions> {
  const read = async (c: BenchContainer) => {
    const r = await ssh.run(c.host, buildCommand('docker.exec.iperf3.version', { container: c.name }), { signal });
    return r.code === 0 ? parseIperf3Version(r.stdout) : undefined;
  };
  const [client, server] = await Promise.all([read(containers.client), read(containers.server)]);
  return { ...(client ? { client } : {}), ...(server ? { server } : {}), loss: judgeLossFigures(client, server) };
}
