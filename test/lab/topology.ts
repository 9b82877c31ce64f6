import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every name, address and size of the lab in one place. The bash CLIs (bin/docker, bin/weave) read the
 * values they need from `<state>/lab.env`, which `up` generates from these constants.
 */

/** Lab host names (one network namespace each). */
export type LabHost = 'u1' | 'u2' | 'u3';

export const LAB_HOSTS: readonly LabHost[] = ['u1', 'u2', 'u3'];

/** Directory of the lab sources (test/lab). */
export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
/** Generated keys, configs, pid files, container registry; gitignored. */
export const STATE_DIR = process.env.NETOPS_LAB_STATE ?? join(LAB_DIR, '.state');
/** Directory holding the lab `docker` and `weave` CLIs. */
export const BIN_DIR = join(LAB_DIR, 'bin');
export const LAB_JSON = join(STATE_DIR, 'lab.json');
export const CONFIG_PATH = join(STATE_DIR, 'netops.lab.yaml');
export const CLIENT_KEY = join(STATE_DIR, 'id_ed25519');
export const KNOWN_HOSTS = join(STATE_DIR, 'known_hosts');

/** Prefix of every namespace and root-namespace link the lab creates; `down` removes anything carrying it. */
export const NAME_PREFIX = 'nl-';
export const UNDERLAY_BRIDGE = 'nl-br0';
export const UNDERLAY_GATEWAY = '192.168.56.1';
export const UNDERLAY_PREFIX_LEN = 24;
export const UNDERLAY_MTU = 9000;

/** VXLAN adds 50 bytes (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14). */
export const VXLAN_OVERHEAD_BYTES = 50;
/** Weave's default MTU (1460 GCE underlay minus VXLAN and ESP overhead). */
export const WEAVE_DEFAULT_MTU = 1376;
/** Weave's bridge MTU in sleeve mode (WEAVE_NO_FASTDP without WEAVE_MTU): weave v2.8.1 net/bridge.go:317-318. */
export const WEAVE_SLEEVE_MTU = 65535;
/**
 * Bytes sleeve puts around an overlay frame without encryption: UDP+IPv4 28, the sender's peer name 6 (the
 * NonEncryptor prefix), the frame header 6+6+2, inner Ethernet 14 (router/sleeve.go:49-50,
 * router/frame_crypto.go:48-54): the path MTU it verifies is the underlay's − 62 ("Effective MTU verified at 8939"
 * on AWS's 9001, kubernetes/kops#2600).
 */
export const WEAVE_SLEEVE_OVERHEAD_BYTES = 62;
/**
 * The same with a password: NaCl adds the peer name 6, a sequence number 8 and secretbox's 16 instead of the bare
 * name (router/frame_crypto.go:119-121, sleeve.go:298-307): underlay − 86.
 */
export const WEAVE_SLEEVE_ENCRYPTED_OVERHEAD_BYTES = 86;
/**
 * Encrypted fastdp carries ESP too: MTU + 84, plus ESP padding to 4 bytes for an MTU not divisible by four (the
 * documented "84-87 bytes", site/tasks/manage/fastdp.md; net/bridge.go:381-389 counts 34 bytes of ESP).
 */
export function getWeaveEncryptedOverhead(mtu: number): number {
  return 84 + ((4 - (mtu % 4)) % 4);
}
/** fastdp needs its MTU + 50 bytes on the underlay or the connection falls back to sleeve (router/fastdp.go:785). */
export const WEAVE_FASTDP_OVERHEAD_BYTES = 50;
export const WEAVE_VNI = 42;
export const WEAVE_PORT = 6784;
/**
 * How Weave was launched on every host. `multi-tenant` is the article's and Weave's isolation guide's
 * `weave launch --ipalloc-range 10.32.0.0/16 --ipalloc-default-subnet 10.32.0.0/24`
 * (site/tasks/manage/application-isolation.md); `default` is a plain `weave launch`: IPRANGE 10.32.0.0/12
 * (weaveworks/weave v2.8.1 weave:1155) and the default subnet equal to the range (prog/weaver/main.go:646-648),
 * so `net:default` containers share one /12 with every other subnet.
 */
export type WeaveLaunch = 'multi-tenant' | 'default';
export const WEAVE_LAUNCHES: Readonly<Record<WeaveLaunch, { range: string; defaultSubnet: string }>> = {
  'multi-tenant': { range: '10.32.0.0/16', defaultSubnet: '10.32.0.0/24' },
  default: { range: '10.32.0.0/12', defaultSubnet: '10.32.0.0/12' },
};
export const WEAVE_RANGE = WEAVE_LAUNCHES['multi-tenant'].range;
/** flannel's VXLAN defaults: VNI 1 (flannel pkg/backend/vxlan/vxlan.go:75), port 0 = the kernel's 8472. */
export const FLANNEL_VNI = 1;
export const FLANNEL_PORT = 8472;
/** The flannel network (as kube-flannel.yml's `Network: 10.244.0.0/16`); each host leases one /24 of it. */
export const FLANNEL_RANGE = '10.244.0.0/16';
/** flannel.1's MTU and FLANNEL_MTU: the external interface's MTU − 50 (pkg/backend/vxlan/device.go:63). */
export const FLANNEL_MTU = UNDERLAY_MTU - VXLAN_OVERHEAD_BYTES;
export const DOCKER_BRIDGE_CIDR = '172.17.0.1/16';
/** The routed network (flannel host-gw style, no encapsulation): each host's containers in one /24 of it. */
export const ROUTED_RANGE = '10.245.0.0/16';

export const SSH_USER = 'netops';
export const NOMAD_PORT = 4646;
export const CONSUL_PORT = 8500;

/** Tenants written into the generated bot config. */
export const LAB_TENANTS = [
  { name: 'default', subnet: '10.32.0.0/24', network: 'weave' },
  { name: 'tenant-b', subnet: '10.32.1.0/24', network: 'weave' },
] as const;

/** Namespace of a lab host, e.g. `nl-u1`. */
export function getHostNamespace(host: LabHost): string {
  return `${NAME_PREFIX}${host}`;
}

/**
 * A host's flannel lease: u1 -> 10.244.1.0/24. flannel skips the network's first subnet (SubnetMin defaults to
 * the second, flannel pkg/subnet/config.go) and hands leases out in no fixed order; the lab's order is fixed.
 */
export function getFlannelSubnet(host: LabHost): string {
  return `10.244.${LAB_HOSTS.indexOf(host) + 1}.0/24`;
}

/** A host's routed /24: u1 -> 10.245.1.0/24. */
export function getRoutedSubnet(host: LabHost): string {
  return `10.245.${LAB_HOSTS.indexOf(host) + 1}.0/24`;
}

/** MAC of a host's flannel.1 (flannel picks a random one and publishes it in its lease as VtepMAC). */
export function getFlannelVtepMac(host: LabHost): string {
  return `16:66:6c:61:6e:0${LAB_HOSTS.indexOf(host) + 1}`;
}

/** Underlay address of a lab host: u1 -> 192.168.56.11. */
export function getHostAddress(host: LabHost): string {
  return `192.168.56.${10 + LAB_HOSTS.indexOf(host) + 1}`;
}

/**
 * The Nomad node name of a lab host. Real nodes are named after the machine's hostname, which often is not
 * what the bot's config calls the host; the lab makes them differ on purpose (`u1.lab.internal`).
 */
export function getNodeName(host: LabHost): string {
  return `${host}.lab.internal`;
}

/** Root-namespace end of a host's underlay veth, e.g. `nl-u1-eth0`. */
export function getHostVethName(host: LabHost): string {
  return `${NAME_PREFIX}${host}-eth0`;
}

/** Per-host state directory (sshd config, host keys, pid file). */
export function getHostStateDir(host: LabHost): string {
  return join(STATE_DIR, host);
}

/** True for the names `u1`..`u3`. */
export function isLabHost(name: string): name is LabHost {
  return (LAB_HOSTS as readonly string[]).includes(name);
}
