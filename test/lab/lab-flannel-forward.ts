import { runChecked } from './run-process.js';
import { getHostNamespace, type LabHost } from './topology.js';

/**
 * flanneld's FORWARD accept rules (flannel-io/flannel v0.28.9 pkg/trafficmngr/iptables/iptables.go:210-231,
 * on by default: main.go:138 `--iptables-forward-rules` true, :434-442, "Docker 1.13 and later … DROP"): chain FLANNEL-FWD, `-A FORWARD -m comment
 * --comment "flanneld forward" -j FLANNEL-FWD` appended after Docker's rules, and in it `-s <network> … -j ACCEPT`
 * and `-d <network> … -j ACCEPT`. They are what lets traffic arriving from another host reach a container on a
 * host whose FORWARD policy is DROP (lab-firewall.ts): Docker's own rules accept only replies towards a bridge.
 * The same function installs them for every backend (vxlan, host-gw), so the lab's routed network, modelled on
 * host-gw, gets them for its range too. A real host runs one flanneld per network, each writing its own network's
 * pair; the lab runs both networks side by side and writes both pairs into the one chain.
 */
export async function addFlannelForwardRules(host: LabHost, networks: readonly string[]): Promise<void> {
  const comment = '-m comment --comment "flanneld forward"';
  const input = [
    '*filter',
    ':FLANNEL-FWD - [0:0]',
    `-A FORWARD ${comment} -j FLANNEL-FWD`,
    ...networks.flatMap((n) => [
      `-A FLANNEL-FWD -s ${n} ${comment} -j ACCEPT`,
      `-A FLANNEL-FWD -d ${n} ${comment} -j ACCEPT`,
    ]),
    'COMMIT',
    '',
  ].join('\n');
  await runChecked(['ip', 'netns', 'exec', getHostNamespace(host), 'iptables-restore', '-w', '--noflush'], { input });
}
