import { describe, expect, it } from 'vitest';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport } from '../../lab/lab-support.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab flannel as it runs with Docker');

const sh = async (host: 'u1' | 'u2' | 'u3', line: string) => runOnHost(host, ['sh', '-c', line]);

/**
 * flannel's VXLAN backend as flannel-io/flannel v0.28.9 sets it up (pkg/backend/vxlan), with the `flannel` Docker
 * network its docs create from /run/flannel/subnet.env (Documentation/running.md).
 */
describe.skipIf(skipLab)('lab flannel as it runs with Docker', () => {
  useLabForTests({ withoutEmulators: true });

  it('runs flannel.1 with VNI 1 on port 8472, no learning, MTU 8950, the lease address as a /32', async () => {
    const r = await sh('u1', 'ip -d -o link show flannel.1; ip -o -4 addr show dev flannel.1');
    expect(r.stdout).toMatch(/mtu 8950 /);
    expect(r.stdout).toMatch(/vxlan id 1 local 192\.168\.56\.11 dev eth0 .*dstport 8472 nolearning/);
    expect(r.stdout).toContain('inet 10.244.1.0/32');
  });

  it('routes every other lease onlink via flannel.1 with permanent neighbour and fdb entries', async () => {
    const routes = (await sh('u1', 'ip -4 route show dev flannel.1')).stdout;
    expect(routes).toContain('10.244.2.0/24 via 10.244.2.0 onlink');
    expect(routes).toContain('10.244.3.0/24 via 10.244.3.0 onlink');
    const neigh = (await sh('u1', 'ip neigh show dev flannel.1')).stdout;
    expect(neigh).toMatch(/10\.244\.2\.0 lladdr 16:66:6c:61:6e:02 PERMANENT/);
    const fdb = (await sh('u1', 'bridge fdb show dev flannel.1')).stdout;
    expect(fdb).toContain('16:66:6c:61:6e:02 dst 192.168.56.12 self permanent');
    expect(fdb).not.toContain('00:00:00:00:00:00');
  });

  it('gives a --net=flannel container one eth0 in its host lease, MTU 8950, and reaches another host', async () => {
    expect((await sh('u2', 'docker run -d --name fl-srv --net=flannel networkstatic/iperf3 -s')).code).toBe(0);
    expect((await sh('u1', 'docker run -d --name fl-cli --net=flannel busybox')).code).toBe(0);
    const links = (await sh('u1', 'docker exec fl-cli ip -o link')).stdout;
    expect(
      links
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[1]?.trim().split('@')[0]),
    ).toEqual(['lo', 'eth0']);
    expect(links).toMatch(/eth0@\S+: .* mtu 8950 /);
    const addr = (await sh('u1', 'docker exec fl-cli ip -o -4 addr show dev eth0')).stdout;
    expect(addr).toContain('inet 10.244.1.2/24');
    const inspect = await sh('u2', "docker inspect -f '{{json .NetworkSettings.Networks}}' fl-srv");
    expect(JSON.parse(inspect.stdout)).toEqual({
      flannel: expect.objectContaining({ IPAddress: '10.244.2.2', IPPrefixLen: 24, Gateway: '10.244.2.1' }),
    });
    // Routed through both hosts: the TTL drops by two (container → u1 → u2 → container).
    const ping = await sh('u1', 'docker exec fl-cli ping -c 1 -W 2 10.244.2.2');
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/ttl=62/);
  });

  it('refuses a network Docker does not know', async () => {
    const r = await sh('u1', 'docker run -d --net=calico busybox');
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('network calico not found');
  });
});
