import { describe, expect, it } from 'vitest';
import { cidrContainsIp, parseCidr, parseIpv4 } from '../../../src/net/ipv4.js';
import { runCli } from '../../helpers/run-cli.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, runOnHostOk } from '../../lab/lab-support.js';
import { CONFIG_PATH, WEAVE_LAUNCHES, type WeaveLaunch } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/status and /deploy against both Weave launch forms');

const netops = (text: string) => runCli([text, '--json', '--config', CONFIG_PATH]);
const inSubnet = (ip: unknown, subnet: string) =>
  typeof ip === 'string' && cidrContainsIp(parseCidr(subnet)!, parseIpv4(ip) ?? -1);

// The lab config is the article's (default 10.32.0.0/24, tenant-b 10.32.1.0/24) in both forms: how Weave was
// launched is a host fact the bot must read (`weave status` Range/DefaultSubnet), not something config changes.
describe.skipIf(skipLab).each<WeaveLaunch>(['multi-tenant', 'default'])('Weave launched %s', (weaveLaunch) => {
  const { range, defaultSubnet } = WEAVE_LAUNCHES[weaveLaunch];
  useLabForTests({ weaveLaunch });

  it('weave status reports the launch', async () => {
    const status = await runOnHostOk('u1', ['weave', 'status']);
    expect(status).toContain(`Range: ${range}`);
    expect(status).toContain(`DefaultSubnet: ${defaultSubnet}`);
  });

  it('/status names a mismatch per host with the relaunch fix, and only then', async () => {
    const res = await netops('/status');
    const problems = (res.json?.problems ?? []) as string[];
    const weave = problems.filter((p) => p.startsWith('weave on'));
    if (weaveLaunch === 'multi-tenant') {
      expect(weave).toEqual([]);
      return;
    }
    expect(weave).toHaveLength(3);
    for (const p of weave) {
      expect(p).toContain(`tenant tenant-b's subnet 10.32.1.0/24 overlaps Weave's default subnet ${defaultSubnet}`);
      expect(p).toContain('weave launch --ipalloc-range 10.32.0.0/16 --ipalloc-default-subnet 10.32.0.0/24');
    }
    expect(res.json?.ok).toBe(false);
  }, 120_000);

  it('/deploy of tenant-b goes ahead only when Weave isolates it', async () => {
    const res = await netops('/deploy httpbackend subnet=tenant-b count=1');
    if (weaveLaunch === 'multi-tenant') {
      expect(res.code, res.stderr + res.stdout).toBe(0);
      const allocations = res.json?.allocations as Array<{ overlayIp: string }>;
      expect(inSubnet(allocations[0]?.overlayIp, '10.32.1.0/24')).toBe(true);
      return;
    }
    expect(res.code).toBe(1);
    expect(String(res.json?.error)).toContain(
      'Nothing was changed: tenant tenant-b does not match how Weave was launched',
    );
    expect(String(res.json?.error)).toContain('--ipalloc-default-subnet 10.32.0.0/24');
    // Refused before planning: Nomad never saw the job.
    const jobs = await runOnHostOk('u1', ['sh', '-c', 'docker ps -a --format "{{.Names}}"']);
    expect(jobs).not.toContain('httpbackend');
  }, 240_000);

  it('/deploy of the default tenant works in both forms, in the default subnet Weave hands out', async () => {
    const res = await netops('/deploy httpbackend subnet=default count=1');
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const allocations = res.json?.allocations as Array<{ overlayIp: string }>;
    expect(inSubnet(allocations[0]?.overlayIp, '10.32.0.0/24')).toBe(true);
  }, 240_000);
});
