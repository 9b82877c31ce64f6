import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDockerNetworkRules, addHostFirewall } from './lab-firewall.js';
import { addFlannelForwardRules } from './lab-flannel-forward.js';
import { createRouted } from './lab-routed.js';
import { runChecked } from './run-process.js';
import {
  DOCKER_BRIDGE_CIDR,
  FLANNEL_MTU,
  FLANNEL_PORT,
  FLANNEL_RANGE,
  FLANNEL_VNI,
  getFlannelSubnet,
  getFlannelVtepMac,
  getHostAddress,
  getHostNamespace,
  getHostStateDir,
  getHostVethName,
  LAB_HOSTS,
  type LabHost,
  ROUTED_RANGE,
  UNDERLAY_BRIDGE,
  UNDERLAY_GATEWAY,
  UNDERLAY_MTU,
  UNDERLAY_PREFIX_LEN,
  VXLAN_OVERHEAD_BYTES,
  WEAVE_PORT,
  WEAVE_VNI,
} from './topology.js';

/** MAC of a host's weave bridge; weave names its peers after it (`weave status peers`). */
export function getWeaveBridgeMac(host: LabHost): string {
  return `7a:65:61:76:65:0${LAB_HOSTS.indexOf(host) + 1}`;
}

/** Creates the underlay bridge in the root namespace; the machine itself is 192.168.56.1 on it. */
export async function createUnderlay(): Promise<void> {
  await runChecked(['ip', 'link', 'add', UNDERLAY_BRIDGE, 'mtu', String(UNDERLAY_MTU), 'type', 'bridge']);
  await runChecked(['ip', 'addr', 'add', `${UNDERLAY_GATEWAY}/${UNDERLAY_PREFIX_LEN}`, 'dev', UNDERLAY_BRIDGE]);
  await runChecked(['ip', 'link', 'set', UNDERLAY_BRIDGE, 'up']);
}

function vxlanLines(dev: string, vni: number, port: number, mtu: number, bridge: string, local: string): string[] {
  // A VXLAN device carries at most the underlay's MTU less its 50 bytes: sleeve-mode bridges (65535) and a
  // WEAVE_MTU too large for fastdp keep that ceiling here (see lab-weave-datapath.sh for how traffic fits).
  const deviceMtu = Math.min(mtu, UNDERLAY_MTU - VXLAN_OVERHEAD_BYTES);
  return [
    `link add ${dev} mtu ${deviceMtu} type vxlan id ${vni} dstport ${port} local ${local} dev eth0`,
    `link set ${dev} master ${bridge} up`,
  ];
}

/** net/arp.go:13-21 of weave v2.8.1: reachable 5 s, first probe after 2 s, one unicast probe. */
const WEAVE_NEIGH_SYSCTLS = (ifname: string) => [
  `net.ipv4.neigh.${ifname}.base_reachable_time=5`,
  `net.ipv4.neigh.${ifname}.delay_first_probe_time=2`,
  `net.ipv4.neigh.${ifname}.ucast_solicit=1`,
];

/**
 * Creates one host: its namespace on the underlay, the docker0 bridge, the Weave overlay (a bridge plus a VXLAN
 * device with head-end replication to the other hosts, static fdb entries), Docker's and Weave's iptables rules
 * (lab-firewall.ts; `icc` is dockerd's `--icc`), flannel (see createFlannel), the routed network (lab-routed.ts)
 * and flanneld's FORWARD accept rules for both (lab-flannel-forward.ts), appended last as flanneld does.
 */
export async function createHost(host: LabHost, overlayMtu: number, icc = true): Promise<void> {
  const ns = getHostNamespace(host);
  const veth = getHostVethName(host);
  const address = getHostAddress(host);
  await runChecked(['ip', 'netns', 'add', ns]);
  const peer = ['peer', 'name', 'eth0', 'netns', ns];
  await runChecked(['ip', 'link', 'add', veth, 'mtu', String(UNDERLAY_MTU), 'type', 'veth', ...peer]);
  await runChecked(['ip', 'link', 'set', veth, 'master', UNDERLAY_BRIDGE, 'up']);
  const lines = [
    'link set lo up',
    `addr add ${address}/${UNDERLAY_PREFIX_LEN} dev eth0`,
    `link set eth0 mtu ${UNDERLAY_MTU} up`,
    'link add docker0 type bridge',
    `addr add ${DOCKER_BRIDGE_CIDR} dev docker0`,
    'link set docker0 up',
    `link add weave address ${getWeaveBridgeMac(host)} mtu ${overlayMtu} type bridge`,
    'link set weave up',
    ...vxlanLines('vxlan-6784', WEAVE_VNI, WEAVE_PORT, overlayMtu, 'weave', address),
    // A bridge takes its smallest port's MTU until one is set explicitly; weave sets WEAVE_MTU (65535 for sleeve)
    // on it whatever its ports (net/bridge.go:317-330).
    `link set weave mtu ${overlayMtu}`,
  ];
  await runChecked(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  // Weave's short neighbour cache on its bridge, so the host (Consul's checks, exposed addresses) notices a reused
  // overlay address's new MAC within seconds (weaveworks/weave v2.8.1 net/bridge.go:294, net/arp.go:13-21).
  await runChecked(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...WEAVE_NEIGH_SYSCTLS('weave')]);
  const peers = LAB_HOSTS.filter((h) => h !== host).map(getHostAddress);
  const fdb = peers.map((p) => `fdb append 00:00:00:00:00:00 dev vxlan-6784 dst ${p}`);
  await runChecked(['bridge', '-n', ns, '-batch', '-'], { input: `${fdb.join('\n')}\n` });
  await addHostFirewall(host, { icc });
  await createFlannel(host);
  await createRouted(host);
  await addFlannelForwardRules(host, [FLANNEL_RANGE, ROUTED_RANGE]);
}

/** What `docker network create … flannel` made on a host, for bin/docker (`<state>/<host>/networks/flannel`). */
import type { DockerNetworkRecord } from './docker-network-record.js';

/**
 * flannel with the VXLAN backend on a host, and the Docker side as flannel's docs set it up:
 * - `flannel.1`: VXLAN VNI 1, port 8472, no learning, MTU underlay − 50, the lease's network address as a /32
 *   (flannel-io/flannel v0.28.9 pkg/backend/vxlan/device.go:58-70, vxlan.go:146-152).
 * - per other host's lease: the route `<subnet> via <subnet network address> dev flannel.1 onlink`, a permanent
 *   neighbour entry for that address with the peer's VtepMAC, and a permanent fdb entry VtepMAC → peer's public IP
 *   (pkg/backend/vxlan/vxlan_network.go:289-296, 355-381; device.go AddARP/AddFDB).
 * - the `flannel` Docker network: `docker network create --subnet=${FLANNEL_SUBNET}
 *   -o com.docker.network.driver.mtu=${FLANNEL_MTU} flannel` (Documentation/running.md "Docker integration"): a
 *   bridge `br-<id>` holding the lease's first address, MTU 8950; containers get one eth0 in the /24.
 * - forwarding between the bridge and flannel.1 (dockerd turns ip_forward on; here per interface, so Weave's
 *   subnets keep their isolation), Docker's rules for that bridge (lab-firewall.ts addDockerNetworkRules); the
 *   FLANNEL-FWD accept rules that let other hosts' traffic in through the DROP policy come from createHost.
 */
async function createFlannel(host: LabHost): Promise<void> {
  const ns = getHostNamespace(host);
  const subnet = getFlannelSubnet(host);
  const [net] = subnet.split('/') as [string];
  const gateway = net.replace(/\.0$/, '.1');
  const id = createHash('sha256').update(`flannel-network-${host}`).digest('hex');
  const bridge = `br-${id.slice(0, 12)}`;
  const lines = [
    `link add flannel.1 address ${getFlannelVtepMac(host)} mtu ${FLANNEL_MTU} type vxlan id ${FLANNEL_VNI} dstport ${FLANNEL_PORT} local ${getHostAddress(host)} dev eth0 nolearning`,
    `addr add ${net}/32 dev flannel.1`,
    'link set flannel.1 up',
    `link add ${bridge} mtu ${FLANNEL_MTU} type bridge`,
    `addr add ${gateway}/24 dev ${bridge}`,
    `link set ${bridge} up`,
  ];
  const fdb: string[] = [];
  for (const peer of LAB_HOSTS.filter((h) => h !== host)) {
    const [peerNet] = getFlannelSubnet(peer).split('/') as [string];
    lines.push(`route replace ${getFlannelSubnet(peer)} via ${peerNet} dev flannel.1 onlink`);
    lines.push(`neigh replace ${peerNet} lladdr ${getFlannelVtepMac(peer)} dev flannel.1 nud permanent`);
    fdb.push(`fdb replace ${getFlannelVtepMac(peer)} dev flannel.1 dst ${getHostAddress(peer)} self permanent`);
  }
  await runChecked(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  await runChecked(['bridge', '-n', ns, '-batch', '-'], { input: `${fdb.join('\n')}\n` });
  for (const dev of ['flannel.1', bridge]) {
    await runChecked([
      'ip',
      'netns',
      'exec',
      ns,
      'sysctl',
      '-q',
      '-w',
      `net.ipv4.conf.${dev.replace('.', '/')}.forwarding=1`,
    ]);
  }
  await addDockerNetworkRules(host, bridge, subnet);
  const record: DockerNetworkRecord = { id, bridge, subnet, gateway, mtu: FLANNEL_MTU };
  const dir = join(getHostStateDir(host), 'networks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'flannel.json'), `${JSON.stringify(record)}\n`);
}
