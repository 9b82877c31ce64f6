import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import type { ClusterHost } from '../cluster.js';
import { WEAVE_PROXY_SOCKET } from '../weave-proxy.js';
import { addressOf, parseWeavePs } from '../weave-ps.js';
import {
  type BenchContainer,
  type BenchHttp,
  type BenchImages,
  type BenchRole,
  benchContainerName,
  type NetworkAttachment,
  startBenchContainer,
} from './bench-containers.js';
import { BenchError, firstLineOf } from './bench-error.js';
import type { BenchLeg, NetworkKind } from './bench-types.js';
import { createHttpPayload } from './http-payload.js';
import { parseIpAddrs, parseIpLinks } from './ip-output.js';
import { findDirectInterface, parseProcNetRoute } from './proc-net-route.js';
import type { TransferTarget } from './transfer-run.js';

/** The network under test, as the bench needs it from config. */
export interface BenchNetwork {
  name: string;
  kind: NetworkKind;
  attach: 'proxy' | 'plugin' | 'host' | 'docker-network';
  dockerNetwork?: string;
  interface?: string;
  /** The subnet containers join in Weave proxy mode (a tenant's), if any. */
  cidr?: string;
  /** Proxy mode: the Weave proxy socket containers are created through (config `proxySocket`). */
  proxySocket?: string;
}

/** Where each leg's servers answer, and the containers of the run. */
export interface BenchSetup {
  containers: BenchContainer[];
  iperf: Record<BenchLeg, { serverIp: string; port: number; client: BenchContainer }>;
  http: Record<BenchLeg, { target: string; client: BenchContainer }>;
  /** The payload file below the HTTP servers' web root. */
  httpFile: string;
  /** FTP and SCP, when the run measures them (see transfer-setup.ts). */
  transfer?: Partial<Record<'ftp' | 'scp', Record<BenchLeg, TransferTarget>>>;
}

/** How containers join the network under test. */
export function attachmentFor(network: BenchNetwork): NetworkAttachment {
  switch (network.attach) {
    case 'proxy': {
      const proxySocket = network.proxySocket ?? WEAVE_PROXY_SOCKET;
      return network.cidr ? { proxySocket, cidr: network.cidr } : { proxySocket };
    }
    case 'plugin':
      return { net: network.dockerNetwork ?? network.name };
    case 'docker-network':
      return { net: network.dockerNetwork ?? network.name };
    case 'host':
      return { net: 'host' };
  }
}

/**
 * Starts the eight containers of a run: on the server host an iperf3 server and an HTTP server per leg; on
 * the client host an iperf3 container (idle server, the client runs via exec) and an HTTP client per leg.
 * Host-network iperf3 listeners use per-run ports so two runs sharing a host do not collide.
 */
/**
 * Describes one bench container of this run: its name from the run, role and leg; the overlay leg joins the network
 * under test, the bare leg the host's network.
 */
export function benchContainerMaker(runId: string, network: BenchNetwork) {
  const attach: Record<BenchLeg, NetworkAttachment> = { overlay: attachmentFor(network), bare: { net: 'host' } };
  return (host: ClusterHost, role: BenchRole, leg: BenchLeg, image: string, args: string[], env?: string[]) =>
    ({
      host: host.name,
      name: benchContainerName(runId, role, leg),
      leg,
      role,
      image,
      args,
      attach: attach[leg],
      ...(env ? { env } : {}),
    }) satisfies BenchContainer;
}

export async function startBenchContainers(input: {
  ssh: Pick<SshPool, 'run'>;
  runId: string;
  network: BenchNetwork;
  client: ClusterHost;
  server: ClusterHost;
  images: BenchImages;
  http: BenchHttp;
  ports: { bareServer: number; bareClient: number };
  signal: AbortSignal;
}): Promise<BenchSetup> {
  const { ssh, runId, network, client, server, images, ports, signal } = input;
  const make = benchContainerMaker(runId, network);
  const iperfPort = (leg: BenchLeg) => (leg === 'bare' ? ports.bareServer : 5201);
  const legs: BenchLeg[] = ['overlay', 'bare'];
  const serverSide = legs.flatMap((leg) => [
    make(server, 'iperf-server', leg, images.iperf3, ['-s', '-p', String(iperfPort(leg))]),
    make(server, 'http-server', leg, images.httpServer, []),
  ]);
  const clientSide = legs.flatMap((leg) => [
    make(client, 'iperf-client', leg, images.iperf3Client, [
      '-s',
      '-p',
      String(leg === 'bare' ? ports.bareClient : 5201),
    ]),
    make(client, 'http-client', leg, images.httpClient, ['sleep', '86400']),
  ]);
  const tools: Record<BenchRole, string> = {
    'iperf-server': 'iperf3',
    'iperf-client': 'iperf3',
    'http-server': 'the HTTP server',
    'http-client': 'curl',
    'ftp-server': 'vsftpd',
    'ftp-client': 'curl',
    'scp-server': 'sshd',
    'scp-client': 'scp',
  };
  const startAll = async (list: BenchContainer[]) => {
    for (const c of list) await startBenchContainer(ssh, runId, c, tools[c.role], signal);
  };
  // Both hosts must have finished before a failure propagates: the caller's cleanup would otherwise race a
  // container still being started on the other host and leave it behind.
  const started = await Promise.allSettled([startAll(serverSide), startAll(clientSide)]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const find = (role: BenchRole, leg: BenchLeg) =>
    [...serverSide, ...clientSide].find((c) => c.role === role && c.leg === leg) as BenchContainer;
  const ipOf = async (c: BenchContainer) =>
    c.leg === 'bare' ? server.address : await overlayIpOf(ssh, c, network, signal);
  const [iperfOverlayIp, httpOverlayIp, httpFile] = await Promise.all([
    ipOf(find('iperf-server', 'overlay')),
    ipOf(find('http-server', 'overlay')),
    createHttpPayload(ssh, find('http-server', 'overlay'), input.http, runId, signal),
    createHttpPayload(ssh, find('http-server', 'bare'), input.http, runId, signal),
  ]);
  return {
    containers: [...serverSide, ...clientSide],
    iperf: {
      overlay: { serverIp: iperfOverlayIp, port: iperfPort('overlay'), client: find('iperf-client', 'overlay') },
      bare: { serverIp: server.address, port: iperfPort('bare'), client: find('iperf-client', 'bare') },
    },
    http: {
      overlay: { target: httpOverlayIp, client: find('http-client', 'overlay') },
      bare: { target: server.address, client: find('http-client', 'bare') },
    },
    httpFile,
  };
}

/** The container's address on the network under test: `weave ps` in proxy mode, else `docker inspect`. */
export async function overlayIpOf(
  ssh: Pick<SshPool, 'run'>,
  c: BenchContainer,
  network: BenchNetwork,
  signal: AbortSignal,
): Promise<string> {
  if (network.attach === 'host') {
    throw new BenchError(`network ${network.name} is the host network: there is no overlay to compare`);
  }
  if (network.attach === 'proxy') {
    const r = await ssh.run(c.host, buildCommand('weave.ps', { container: c.name }), { signal });
    const cidr = parseWeavePs(r.stdout).containers[0]?.cidrs[0];
    if (r.code !== 0 || !cidr) {
      const socket = c.attach.proxySocket ?? WEAVE_PROXY_SOCKET;
      throw new BenchError(
        r.code !== 0
          ? `no ${network.name} address for ${c.name} on ${c.host}: ${firstLineOf(r.stderr, r.stdout) || `weave ps exited ${r.code}`}`
          : `${c.name} on ${c.host} got no ${network.name} overlay address: the Weave proxy at ${socket} did not attach it ` +
              `(is Weave running there and launched with its proxy, the default? \`weave env\` on ${c.host} must print that socket; ` +
              `otherwise set networks[${network.name}].proxySocket)`,
      );
    }
    return addressOf(cidr);
  }
  const r = await ssh.run(c.host, buildCommand('docker.inspect', { container: c.name }), { signal });
  const net = network.dockerNetwork ?? network.name;
  let ip: string | undefined;
  try {
    const doc = JSON.parse(r.stdout) as Array<{
      NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
    }>;
    ip = doc[0]?.NetworkSettings?.Networks?.[net]?.IPAddress || undefined;
  } catch {
    ip = undefined;
  }
  if (!ip)
    throw new BenchError(
      `no ${network.name} address for ${c.name} on ${c.host}: ${firstLineOf(r.stderr) || `not attached to ${net}`}`,
    );
  return ip;
}

/** What the analysis needs of the hosts' underlay: the NIC carrying each host's config address, its MTU and speed. */
export interface UnderlayFacts {
  host: string;
  iface?: string;
  mtu?: number;
  /** Link speed in Mbit/s (`/sys/class/net/<iface>/speed`); undefined when the driver reports none. */
  speedMbps?: number;
}

/**
 * MTUs the analysis needs: each host's underlay NIC (the one carrying its config address, with its speed) and the
 * overlay's as a container sees it. The overlay interface is found, not configured: it is the one the probe
 * container's own overlay address is directly reachable through (`/proc/net/route`: eth0 under flannel, ethwe
 * under Weave's proxy, ethwe0 with its plugin); the configured `interface` is only the fallback.
 */
export async function readMtus(input: {
  ssh: Pick<SshPool, 'run'>;
  hosts: readonly ClusterHost[];
  /** A container on the network under test with `cat` (the HTTP client). */
  probe: BenchContainer;
  network: BenchNetwork;
  signal: AbortSignal;
}): Promise<{ underlay: UnderlayFacts[]; overlay?: number; overlayIface?: string; problem?: string }> {
  const { ssh, signal } = input;
  const underlay = await Promise.all(input.hosts.map((h) => readUnderlay(ssh, h, signal)));
  if (input.network.attach === 'host') return { underlay };
  const { probe } = input;
  const ip = await overlayIpOf(ssh, probe, input.network, signal);
  const routes = await ssh.run(probe.host, buildCommand('docker.exec.cat.route', { container: probe.name }), {
    signal,
  });
  const iface = findDirectInterface(parseProcNetRoute(routes.stdout), ip) ?? input.network.interface;
  if (!iface) {
    return { underlay, problem: `no interface of ${probe.name} on ${probe.host} carries ${ip}` };
  }
  const r = await ssh.run(probe.host, buildCommand('docker.exec.cat.mtu', { container: probe.name, dev: iface }), {
    signal,
  });
  const mtu = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isInteger(mtu) || mtu <= 0) {
    return {
      underlay,
      overlayIface: iface,
      problem: `reading the MTU of ${iface} in ${probe.image} on ${probe.host} failed: ${firstLineOf(r.stderr) || 'no number'}`,
    };
  }
  return { underlay, overlay: mtu, overlayIface: iface };
}

async function readUnderlay(ssh: Pick<SshPool, 'run'>, h: ClusterHost, signal: AbortSignal): Promise<UnderlayFacts> {
  const [addrs, links] = await Promise.all([
    ssh.run(h.name, buildCommand('ip.addr.show'), { signal }),
    ssh.run(h.name, buildCommand('ip.link.show'), { signal }),
  ]);
  const iface = parseIpAddrs(addrs.stdout).find((a) => a.address === h.address)?.iface;
  const mtu = parseIpLinks(links.stdout).find((l) => l.name === iface)?.mtu;
  let speedMbps: number | undefined;
  if (iface) {
    const speed = await ssh.run(h.name, buildCommand('cat.net.speed', { dev: iface }), { signal });
    const n = Number(speed.stdout.trim());
    // Drivers without a speed report -1 or fail the read (EINVAL).
    if (speed.code === 0 && Number.isInteger(n) && n > 0) speedMbps = n;
  }
  return { host: h.name, ...(iface ? { iface } : {}), ...(mtu ? { mtu } : {}), ...(speedMbps ? { speedMbps } : {}) };
}
