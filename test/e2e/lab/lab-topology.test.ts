import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { buildSshArgv } from '../../lab/lab-sshd.js';
import { getLabStatus } from '../../lab/lab-status.js';
import { checkLabSupport, runOverSsh } from '../../lab/lab-support.js';
import { runProcess } from '../../lab/run-process.js';
import {
  CONFIG_PATH,
  FLANNEL_RANGE,
  getFlannelSubnet,
  getHostAddress,
  KNOWN_HOSTS,
  LAB_HOSTS,
  type LabHost,
  ROUTED_RANGE,
} from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab topology');

/** MTU and IPv4 addresses of an interface inside a host namespace, from `ip -o`. */
async function readLink(host: LabHost, dev: string): Promise<{ mtu: number; addrs: string[] }> {
  const link = await runOnHost(host, ['ip', '-o', 'link', 'show', dev]);
  const addr = await runOnHost(host, ['ip', '-o', '-4', 'addr', 'show', 'dev', dev]);
  return {
    mtu: Number(/ mtu (\d+)/.exec(link.stdout)?.[1]),
    addrs: [...addr.stdout.matchAll(/inet (\S+)/g)].map((m) => m[1] ?? ''),
  };
}

describe.skipIf(skipLab)('lab topology', () => {
  useLabForTests({ withoutEmulators: true });

  it('gives every host its underlay address, MTU 9000, and the overlay bridges with their MTUs', async () => {
    for (const host of LAB_HOSTS) {
      expect(await readLink(host, 'eth0')).toEqual({ mtu: 9000, addrs: [`${getHostAddress(host)}/24`] });
      expect((await readLink(host, 'weave')).mtu).toBe(1376);
      expect((await readLink(host, 'vxlan-6784')).mtu).toBe(1376);
      expect(await readLink(host, 'flannel.1')).toEqual({
        mtu: 8950,
        addrs: [`${getFlannelSubnet(host).split('/')[0]}/32`],
      });
      expect(await readLink(host, 'docker0')).toEqual({ mtu: 1500, addrs: ['172.17.0.1/16'] });
    }
  });

  it('connects the hosts to each other and to the machine over the underlay at full MTU', async () => {
    const r = await runOnHost('u1', ['ping', '-c1', '-W2', '-M', 'do', '-s', '8972', getHostAddress('u3')]);
    expect(r.code).toBe(0);
    const root = await runProcess(['ping', '-c1', '-W2', getHostAddress('u2')]);
    expect(root.code).toBe(0);
  });

  it("keeps FORWARD at DROP, as dockerd leaves it on a fresh host, with each network's own accept rules", async () => {
    for (const host of LAB_HOSTS) {
      const forward = (await runOnHost(host, ['iptables', '-w', '-S', 'FORWARD'])).stdout;
      expect(forward).toContain('-P FORWARD DROP');
      expect(forward).toContain('-A FORWARD -i weave -o weave -j ACCEPT');
      expect(forward).toContain('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT');
      expect(forward).toMatch(/-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD\n/);
      const flannel = (await runOnHost(host, ['iptables', '-w', '-S', 'FLANNEL-FWD'])).stdout;
      for (const range of [FLANNEL_RANGE, ROUTED_RANGE]) {
        expect(flannel).toContain(`-A FLANNEL-FWD -s ${range} -m comment --comment "flanneld forward" -j ACCEPT`);
        expect(flannel).toContain(`-A FLANNEL-FWD -d ${range} -m comment --comment "flanneld forward" -j ACCEPT`);
      }
    }
  });

  it('carries host-to-host traffic (ping, SSH) through INPUT/OUTPUT: FORWARD never sees it', async () => {
    await runOnHost('u2', ['iptables', '-w', '-Z', 'FORWARD']);
    expect((await runOnHost('u1', ['ping', '-c2', '-W2', getHostAddress('u2')])).code).toBe(0);
    const ssh = await runOnHost('u1', ['bash', '-c', `exec 3<>/dev/tcp/${getHostAddress('u2')}/22 && head -c 7 <&3`]);
    expect(ssh.stdout).toBe('SSH-2.0');
    const counters = (await runOnHost('u2', ['iptables', '-w', '-n', '-v', '-x', '-L', 'FORWARD'])).stdout;
    const packets = [...counters.matchAll(/^\s*(\d+)\s+\d+\s/gm)].map((m) => Number(m[1]));
    expect(packets.length).toBeGreaterThan(3);
    expect(/policy DROP 0 packets/.test(counters)).toBe(true);
    expect(packets.every((n) => n === 0)).toBe(true);
  });

  it('runs sshd on each host: the lab account gets /bin/sh with docker and weave on PATH', async () => {
    for (const host of LAB_HOSTS) {
      const r = await runOverSsh(
        host,
        'echo "$USER $(readlink /proc/$$/exe) $(id -u) $LAB_HOST"; command -v docker; command -v weave',
      );
      expect(r.stderr).toBe('');
      const [first, docker, weave] = r.stdout.trim().split('\n');
      // /bin/sh is dash on Debian: the account's login shell, not bash.
      expect(first).toBe(`netops ${realpathSync('/bin/sh')} 0 ${host}`);
      expect(docker).toMatch(/test\/lab\/bin\/docker$/);
      expect(weave).toMatch(/test\/lab\/bin\/weave$/);
    }
  });

  it('refuses the connection when the pinned host key does not match', async () => {
    const wrong = `${KNOWN_HOSTS}.wrong`;
    const lines = readFileSync(KNOWN_HOSTS, 'utf8').split('\n');
    // u1's address pinned to u2's key.
    const u2Key = lines[1]?.split(' ').slice(1).join(' ');
    writeFileSync(wrong, `${getHostAddress('u1')} ${u2Key}\n`);
    const argv = buildSshArgv('u1', 'echo ok').map((a) =>
      a === `UserKnownHostsFile=${KNOWN_HOSTS}` ? `UserKnownHostsFile=${wrong}` : a,
    );
    const r = await runProcess(argv, { timeoutMs: 10_000 });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('writes a bot config the config loader accepts, pointing at the lab', async () => {
    const config = loadConfig({}, { path: CONFIG_PATH });
    expect(config.hosts.map((h) => [h.name, h.address, h.user, h.port])).toEqual([
      ['u1', '192.168.56.11', 'netops', 22],
      ['u2', '192.168.56.12', 'netops', 22],
      ['u3', '192.168.56.13', 'netops', 22],
    ]);
    expect(config.hosts[0]?.hostKey).toBe(
      readFileSync(KNOWN_HOSTS, 'utf8').split('\n')[0]?.split(' ').slice(1).join(' '),
    );
    expect(config.networks.map((n) => [n.name, n.mtu])).toEqual([
      ['weave', 1376],
      ['flannel', 8950],
      ['routed', 9000],
      ['host', 9000],
    ]);
    expect(config.tenants.map((t) => [t.name, t.subnet])).toEqual([
      ['default', '10.32.0.0/24'],
      ['tenant-b', '10.32.1.0/24'],
    ]);
    expect(config.clusters[0]?.nomad.address).toBe('http://192.168.56.1:4646');
    // Consul's default client_addr is loopback: each host's agent is reached there through SSH.
    expect(config.clusters[0]?.consul).toMatchObject({ access: 'ssh', address: 'http://127.0.0.1:8500' });
  });

  it('reports status with the config path and addresses', async () => {
    const status = await getLabStatus();
    expect(status.up).toBe(true);
    expect(status.configPath).toBe(CONFIG_PATH);
    expect(status.nomadAddress).toBe('http://192.168.56.1:4646');
    expect(status.hosts.map((h) => [h.name, h.namespaceExists, h.sshdAlive])).toEqual(
      LAB_HOSTS.map((h) => [h, true, true]),
    );
  });
});
