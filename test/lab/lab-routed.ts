import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerNetworkRecord } from './docker-network-record.js';
import { addDockerNetworkRules } from './lab-firewall.js';
import { runChecked } from './run-process.js';
import {
  getHostAddress,
  getHostNamespace,
  getHostStateDir,
  getRoutedSubnet,
  LAB_HOSTS,
  type LabHost,
  UNDERLAY_MTU,
} from './topology.js';

/**
 * The routed network: no encapsulation, as flannel's host-gw backend builds it (flannel-io/flannel 9428fb8
 * pkg/backend/hostgw/hostgw.go RegisterNetwork): for every other host's lease the route
 * `<lease subnet> via <that host's public IP> dev <external interface>`, and the network MTU is the external
 * interface's (`Mtu: be.extIface.Iface.MTU`), here 9000. host-gw needs the hosts on one L2 segment, as the lab's
 * underlay bridge is. Calico in BGP mode without IPIP/VXLAN and kube-router route the same way.
 * Docker's side is flannel's documented one (Documentation/running.md "Docker integration", as for the VXLAN
 * flannel): a `routed` bridge network in the host's /24 at that MTU. Forwarding is switched on for the bridge and
 * the underlay NIC only (dockerd would turn ip_forward on globally; per interface keeps Weave's subnets isolated,
 * whose traffic arrives on the weave bridge). Docker's rules for the bridge (lab-firewall.ts) let containers out;
 * traffic from other hosts gets in through the DROP policy by flanneld's FLANNEL-FWD `-d <network> -j ACCEPT`,
 * which host-gw gets like every flannel backend (flannel-io/flannel v0.28.9 main.go:438 sets the forward rules up
 * whatever the backend; pkg/trafficmngr/iptables/iptables.go:223-231), added for this range by createHost
 * (lab-flannel-forward.ts).
 */
export async function createRouted(host: LabHost): Promise<void> {
  const ns = getHostNamespace(host);
  const subnet = getRoutedSubnet(host);
  const [net] = subnet.split('/') as [string];
  const gateway = net.replace(/\.0$/, '.1');
  const id = createHash('sha256').update(`routed-network-${host}`).digest('hex');
  const bridge = `br-${id.slice(0, 12)}`;
  const lines = [
    `link add ${bridge} mtu ${UNDERLAY_MTU} type bridge`,
    `addr add ${gateway}/24 dev ${bridge}`,
    `link set ${bridge} up`,
  ];
  for (const peer of LAB_HOSTS.filter((h) => h !== host)) {
    lines.push(`route replace ${getRoutedSubnet(peer)} via ${getHostAddress(peer)} dev eth0`);
  }
  await runChecked(['ip', '-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
  for (const dev of ['eth0', bridge]) {
    await runChecked(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv4.conf.${dev}.forwarding=1`]);
  }
  await addDockerNetworkRules(host, bridge, subnet);
  const record: DockerNetworkRecord = { id, bridge, subnet, gateway, mtu: UNDERLAY_MTU };
  const dir = join(getHostStateDir(host), 'networks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'routed.json'), `${JSON.stringify(record)}\n`);
}
