import { runChecked, runProcess } from './run-process.js';
import { DOCKER_BRIDGE_CIDR, getHostNamespace, type LabHost, WEAVE_PORT } from './topology.js';

const DOCKER_SUBNET = '172.17.0.0/16';
const DOCKER_GATEWAY = DOCKER_BRIDGE_CIDR.split('/')[0] as string;

/**
 * The rules dockerd installs for a bridge network, the default `docker0` and every `docker network create`d one
 * alike (moby/moby v24.0.7 libnetwork/drivers/bridge/setup_ip_tables.go: setupIPTablesInternal:205-260 gives
 * setIcc's `-i <br> -o <br> -j ACCEPT|DROP` (:295-337), the outgoing `-i <br> ! -o <br> -j ACCEPT` and the
 * MASQUERADE of the bridge subnet leaving elsewhere; setupIPTables:171-179 ProgramChain adds the established
 * replies and `-o <br> -j DOCKER`, the chain published ports fill). `--icc=false` (daemon.json `"icc": false`)
 * swaps the ACCEPT for the DROP on docker0; user-defined networks keep `enable_icc` true unless created with it
 * off. The DROP only sees bridged traffic through br_netfilter: dockerd turns `net.bridge.bridge-nf-call-iptables`
 * on for that (setup_bridgenetfiltering.go); the sysctl exists per network namespace on this kernel, so the lab
 * sets it in each host namespace and the real rule does the work. The MASQUERADE applies to the lab's flannel and
 * routed networks too, as their documented `docker network create` leaves ip masquerading on: traffic to another
 * host's lease leaves with the host's address on that interface, as on a real host set up that way.
 */
function dockerBridgeRules(
  bridge: string,
  subnet: string,
  opts: { icc: boolean },
): { filter: string[]; nat: string[] } {
  return {
    filter: [
      `-A FORWARD -i ${bridge} -o ${bridge} -j ${opts.icc ? 'ACCEPT' : 'DROP'}`,
      `-A FORWARD -o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${bridge} -j DOCKER`,
      `-A FORWARD -i ${bridge} ! -o ${bridge} -j ACCEPT`,
    ],
    nat: [`-A POSTROUTING -s ${subnet} ! -o ${bridge} -j MASQUERADE`],
  };
}

/**
 * The rules `weave launch` installs without network policy (Docker, not Kubernetes), in the order
 * ConfigureIPTables puts them at the top of FORWARD (weaveworks/weave v2.8.1 net/bridge.go:466-558): containers on
 * docker0 never reach the weave bridge through the host (so a container cannot hop from its docker0 address into
 * another subnet the host has exposed), weave-to-weave is accepted, `-o weave` goes through WEAVE-EXPOSE (filled
 * by `weave expose`), weave out to the world and replies back are accepted; the router's ports are closed to
 * docker0 (:474-485); nat POSTROUTING jumps to WEAVE, where `weave expose` adds its MASQUERADE rules (:561-566,
 * net/expose.go:92-100, see bin/weave). Subnets on the one shared bridge are separated by addressing only: a
 * container has routes for its own subnets on ethwe and nothing that forwards between them (Weave's isolation
 * guide, site/tasks/manage/application-isolation.md, asks for `--cap-drop net_raw` for that reason).
 */
function weaveRules(): { filter: string[]; nat: string[] } {
  const input = (proto: string, port: number) =>
    `-A INPUT -i docker0 -p ${proto} -d ${DOCKER_GATEWAY}/32 --dport ${port} -j DROP`;
  return {
    filter: [
      '-A FORWARD -i docker0 -o weave -j DROP',
      '-A FORWARD -i weave -o weave -j ACCEPT',
      '-A FORWARD -o weave -j WEAVE-EXPOSE',
      '-A FORWARD -i weave ! -o weave -j ACCEPT',
      '-A FORWARD -o weave -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      input('tcp', WEAVE_PORT - 1),
      input('udp', WEAVE_PORT - 1),
      input('udp', WEAVE_PORT),
      '-A INPUT -i docker0 -p udp --dport 53 -j ACCEPT',
      '-A INPUT -i docker0 -p tcp --dport 53 -j ACCEPT',
    ],
    nat: ['-A POSTROUTING -j WEAVE'],
  };
}

/**
 * Installs Docker's and Weave's rules in a host namespace and switches forwarding on for docker0 and weave, as
 * dockerd's `ip_forward=1` does (per interface here so the lab's other networks keep their own settings). Weave's
 * rules come first, as ConfigureIPTables puts them at the top of FORWARD after dockerd started.
 *
 * The FORWARD policy is DROP, as on a typical fresh host: ip_forward starts at 0 there, and dockerd, finding it
 * off, turns it on and sets the FORWARD policy to DROP (moby/moby v24.0.7 and v25.0.5
 * libnetwork/drivers/bridge/setup_ip_forwarding.go:34-49, `SetDefaultPolicy(iptables.Filter, "FORWARD",
 * iptables.Drop)` unless `--iptables=false`). A host where something else switched forwarding on first keeps
 * ACCEPT; the lab takes the stricter case, so every path that works has an explicit accept rule from the tool
 * that owns it (Docker's above, Weave's, flannel's FLANNEL-FWD in lab-flannel-forward.ts). Host-to-host traffic
 * (bare-metal iperf3, SSH, the VXLAN packets themselves) is local INPUT/OUTPUT and never sees FORWARD.
 * Fails when iptables or br_netfilter do not work in the namespace: without them the rules would be decoration
 * and icc=false a lie.
 */
export async function addHostFirewall(host: LabHost, opts: { icc: boolean }): Promise<void> {
  const ns = getHostNamespace(host);
  const inNs = (...argv: string[]) => ['ip', 'netns', 'exec', ns, ...argv];
  const probe = await runProcess(inNs('sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1'));
  if (probe.code !== 0) {
    throw new Error(
      `br_netfilter is not available in ${ns} (net.bridge.bridge-nf-call-iptables): load it (modprobe br_netfilter); dockerd needs it for --icc=false too`,
    );
  }
  const weave = weaveRules();
  const docker = dockerBridgeRules('docker0', DOCKER_SUBNET, { icc: opts.icc });
  const input = [
    '*filter',
    ':FORWARD DROP [0:0]',
    ':DOCKER - [0:0]',
    ':WEAVE-EXPOSE - [0:0]',
    ...weave.filter,
    ...docker.filter,
    'COMMIT',
    '*nat',
    ':WEAVE - [0:0]',
    ...weave.nat,
    ...docker.nat,
    'COMMIT',
    '',
  ].join('\n');
  await runChecked(inNs('iptables-restore', '-w', '--noflush'), { input });
  const forward = await runChecked(inNs('iptables', '-w', '-S', 'FORWARD'));
  if (!forward.includes('-P FORWARD DROP')) throw new Error(`${ns}: FORWARD policy is not DROP: ${forward}`);
  for (const dev of ['docker0', 'weave']) {
    await runChecked(inNs('sysctl', '-q', '-w', `net.ipv4.conf.${dev}.forwarding=1`));
  }
}

/**
 * Docker's rules for a `docker network create`d bridge network (dockerBridgeRules; user-defined networks keep
 * inter-container communication on), installed when the lab creates the flannel and routed networks.
 */
export async function addDockerNetworkRules(host: LabHost, bridge: string, subnet: string): Promise<void> {
  const rules = dockerBridgeRules(bridge, subnet, { icc: true });
  const input = ['*filter', ...rules.filter, 'COMMIT', '*nat', ...rules.nat, 'COMMIT', ''].join('\n');
  await runChecked(['ip', 'netns', 'exec', getHostNamespace(host), 'iptables-restore', '-w', '--noflush'], { input });
}
