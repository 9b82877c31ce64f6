import { describe, expect, it } from 'vitest';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, runOverSsh } from '../../lab/lab-support.js';

// Weave's ARP set-up (test/lab/bin/lab-weave-arp.sh; weaveworks/weave v2.8.1 net/arp.go:13-21, net/veth.go:195-199,
// 232, net/bridge.go:294, net/expose.go:67): a short neighbour cache on the bridge and each ethwe, and a gratuitous
// ARP for every new overlay address. Without them a redeploy that reuses an address leaves the host (whose Consul
// agent checks the service) sending to the old container's MAC for up to ~45 s.

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, "Weave's ARP set-up on the lab");

const PROXY = '-H unix:///var/run/weave/weave.sock';
const REUSED = '10.32.1.200';

async function onU1(line: string): Promise<string> {
  const r = await runOverSsh('u1', line);
  if (r.code !== 0) throw new Error(`u1: ${line}: exit ${r.code} ${r.stderr}`);
  return r.stdout.trim();
}

/** `weave ps <name>` prints `<name> <mac> <ip/len>…` (weave v2.8.1 weave:1543-1556). */
async function weaveMac(name: string): Promise<string> {
  return (await onU1(`weave ps ${name}`)).split(/\s+/)[1] ?? '';
}

const neighbourOf = async (ip: string) => onU1(`ip neigh show ${ip} dev weave`);

describe.skipIf(skipLab)("Weave's ARP set-up", () => {
  useLabForTests();

  it('keeps a short neighbour cache on the weave bridge and on each container ethwe', async () => {
    const sysctls = ['base_reachable_time', 'delay_first_probe_time', 'ucast_solicit'];
    const bridge = await Promise.all(sysctls.map((s) => onU1(`cat /proc/sys/net/ipv4/neigh/weave/${s}`)));
    expect(bridge).toEqual(['5', '2', '1']);
    await onU1(`docker ${PROXY} run -d --name arp0 -e WEAVE_CIDR=net:10.32.1.0/24 busybox`);
    const ethwe = await Promise.all(
      sysctls.map((s) => onU1(`docker exec arp0 cat /proc/sys/net/ipv4/neigh/ethwe/${s}`)),
    );
    expect(ethwe).toEqual(['5', '2', '1']);
    await onU1('docker rm -f arp0');
  }, 60_000);

  it('a redeploy that reuses an overlay address is reachable from the host at once: the new MAC is announced', async () => {
    await onU1('weave expose net:10.32.1.0/24');
    await onU1(`docker ${PROXY} run -d --name arp1 -e WEAVE_CIDR=ip:${REUSED}/24 busybox`);
    const first = await weaveMac('arp1');
    await onU1(`ping -c 1 -W 1 ${REUSED}`);
    expect(await neighbourOf(REUSED)).toContain(first);

    await onU1('docker rm -f arp1');
    await onU1(`docker ${PROXY} run -d --name arp2 -e WEAVE_CIDR=ip:${REUSED}/24 busybox`);
    const second = await weaveMac('arp2');
    expect(second).not.toBe(first);
    // The host's entry was REACHABLE with the old MAC: only the gratuitous ARP moves it before it goes stale.
    const ping = await runOverSsh('u1', `ping -c 1 -W 2 ${REUSED}`);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(await neighbourOf(REUSED)).toContain(second);
    await onU1('docker rm -f arp2');
    await onU1('weave hide net:10.32.1.0/24');
  }, 60_000);
});
