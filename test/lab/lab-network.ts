import { runChecked } from './run-process.js';
import {
  DOCKER_BRIDGE_CIDR,
  FLANNEL_MTU,
  FLANNEL_PORT,
  FLANNEL_VNI,
  getHostAddress,
  getHostNamespace,
  getHostVethName,
  LAB_HOSTS,
  type LabHost,
  UNDERLAY_BRIDGE,
  UNDERLAY_GATEWAY,
  UNDERLAY_MTU,
  UNDERLAY_PREFIX_LEN,
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
  return [
    `link add ${dev} mtu ${mtu} type vxlan id ${vni} dstport ${port} local ${local} dev eth0`,
    `link set ${dev} master ${bridge} up`,
  ];
}

/**
 * Creates one host: its namespace on the underlay, the docker0 bridge, and the two overlays (weave, flannel),
 * each a bridge plus a VXLAN device with head-end replication to the other hosts (static fdb entries).
 */
export async function createHost(host: LabHost, overlayMtu: number): Promise<void> {
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
    `link add flannel mtu ${FLANNEL_MTU} type bridge`,
    'link set flannel up',
    ...vxlanLines('flannel.1', FLANNEL_VNI, FLANNEL_PORT, FLANNEL_MTU, 'flannel', address),
  ];
  await runChecked(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  const peers = LAB_HOSTS.filter((h) => h !== host).map(getHostAddress);
  const fdb = peers.flatMap((peer) =>
    ['vxlan-6784', 'flannel.1'].map((dev) => `fdb append 00:00:00:00:00:00 dev ${dev} dst ${peer}`),
  );
  await runChecked(['bridge', '-n', ns, '-batch', '-'], { input: `${fdb.join('\n')}\n` });
}
