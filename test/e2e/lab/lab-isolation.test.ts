import { beforeAll, describe, expect, it } from 'vitest';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS, runOverSsh } from '../../lab/lab-support.js';
import type { LabHost } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab isolation scenario');

/** Overlay address of a container from `weave ps <name>` (`name mac ip/prefix`), as the bot finds it. */
async function findWeaveIp(host: LabHost, name: string): Promise<string> {
  const r = await runOverSsh(host, `weave ps ${name}`);
  const cidr = r.stdout.trim().split(/\s+/)[2] ?? '';
  expect(cidr).toMatch(/^10\.32\.\d+\.\d+\/24$/);
  return cidr.split('/')[0] ?? '';
}

async function ping(host: LabHost, from: string, ip: string): Promise<boolean> {
  const r = await runOverSsh(host, `docker exec ${from} ping -c 1 -W 1 ${ip}`);
  return r.code === 0;
}

// The article's scenario: a1, a2 in the default subnet on u1; b1, b2 in tenant-b's subnet on u2.
describe.skipIf(skipLab)('lab isolation scenario (weave proxy mode, two subnets)', () => {
  const ip: Record<string, string> = {};
  // Pinned to the multi-tenant launch whatever NETOPS_LAB_WEAVE_LAUNCH says: this file tests Weave's subnet
  // isolation as the article sets it up, which the default launch (default subnet = the whole /12 range, routed
  // on ethwe) does not have; that form is covered by deploy-weave-launch.test.ts and lab-launch-form.ts.
  useLabForTests({ withoutEmulators: true, weaveLaunch: 'multi-tenant' });
  beforeAll(async () => {
    for (const name of ['a1', 'a2']) {
      expect(
        (await runOverSsh('u1', `docker -H unix:///var/run/weave/weave.sock run -d --name ${name} busybox`)).code,
      ).toBe(0);
    }
    for (const name of ['b1', 'b2']) {
      const r = await runOverSsh(
        'u2',
        `docker -H unix:///var/run/weave/weave.sock run -d --name ${name} -e WEAVE_CIDR=net:10.32.1.0/24 busybox`,
      );
      expect(r.code).toBe(0);
    }
    for (const name of ['a1', 'a2']) ip[name] = await findWeaveIp('u1', name);
    for (const name of ['b1', 'b2']) ip[name] = await findWeaveIp('u2', name);
  }, LAB_LOCK_WAIT_MS);

  it('allocates a-containers from 10.32.0.0/24 and b-containers from 10.32.1.0/24, all distinct', () => {
    expect(ip.a1).toMatch(/^10\.32\.0\./);
    expect(ip.a2).toMatch(/^10\.32\.0\./);
    expect(ip.b1).toMatch(/^10\.32\.1\./);
    expect(ip.b2).toMatch(/^10\.32\.1\./);
    expect(new Set(Object.values(ip)).size).toBe(4);
  });

  it('lets containers of the same subnet reach each other', async () => {
    expect(await ping('u1', 'a1', ip.a2!)).toBe(true);
    expect(await ping('u1', 'a2', ip.a1!)).toBe(true);
    expect(await ping('u2', 'b1', ip.b2!)).toBe(true);
    expect(await ping('u2', 'b2', ip.b1!)).toBe(true);
  });

  it('isolates the subnets from each other in both directions', async () => {
    expect(await ping('u1', 'a1', ip.b1!)).toBe(false);
    expect(await ping('u1', 'a2', ip.b2!)).toBe(false);
    expect(await ping('u2', 'b1', ip.a1!)).toBe(false);
    expect(await ping('u2', 'b2', ip.a2!)).toBe(false);
  });

  it('carries the default subnet across hosts over the VXLAN mesh', async () => {
    expect((await runOverSsh('u3', 'docker -H unix:///var/run/weave/weave.sock run -d --name c1 busybox')).code).toBe(
      0,
    );
    expect(await ping('u3', 'c1', ip.a1!)).toBe(true);
  });

  it('lets a host reach containers only after weave expose, and not after weave hide', async () => {
    expect((await runOverSsh('u2', `ping -c 1 -W 1 ${ip.b1}`)).code).not.toBe(0);
    const exposed = await runOverSsh('u2', 'weave expose net:10.32.1.0/24');
    expect(exposed.code).toBe(0);
    const hostIp = exposed.stdout.trim();
    expect(hostIp).toMatch(/^10\.32\.1\.\d+$/);
    expect(Object.values(ip)).not.toContain(hostIp);
    expect((await runOverSsh('u2', `ping -c 1 -W 1 ${ip.b1}`)).code).toBe(0);
    // Exposing tenant-b's subnet does not open the default subnet.
    expect((await runOverSsh('u2', `ping -c 1 -W 1 ${ip.a1}`)).code).not.toBe(0);
    const ps = await runOverSsh('u2', 'weave ps');
    expect(ps.stdout.split('\n')[0]).toMatch(new RegExp(`^weave:expose ([0-9a-f]{2}:){5}[0-9a-f]{2} ${hostIp}/24$`));
    expect((await runOverSsh('u2', 'weave hide')).code).toBe(0);
    expect((await runOverSsh('u2', `ping -c 1 -W 1 ${ip.b1}`)).code).not.toBe(0);
  });
});
