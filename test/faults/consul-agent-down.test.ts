import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { gateLabSuite } from '../lab/lab-gate.js';
import { useLabForTests } from '../lab/lab-hooks.js';
import { deployTenantFor, itRefusesTenantBUnderDefaultLaunch } from '../lab/lab-launch-form.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS, labWeaveLaunch } from '../lab/lab-support.js';
import { CONFIG_PATH, STATE_DIR } from '../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'Consul agent down');
// The fault is the point, not tenancy: tenant-b where the Weave launch isolates it, else the default tenant.
const launch = labWeaveLaunch();
const tenant = deployTenantFor(launch);

interface DeployJson {
  ok: boolean;
  allocations: Array<{ node: string; overlayIp: string | null }>;
  consul: Array<{ address: string; checkStatus: string }>;
  failure: { stage: string; message: string; details: string[] } | null;
}

describe.skipIf(skipLab)('a Consul agent down on one host during /deploy (lab)', () => {
  useLabForTests();
  beforeAll(async () => {
    // The agent of u3 dies: its HTTP port refuses connections from now on.
    const pid = Number(readFileSync(join(STATE_DIR, 'consul-u3.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
  }, LAB_LOCK_WAIT_MS + 120_000);

  itRefusesTenantBUnderDefaultLaunch(launch);

  it('registers the other instances, names the host whose agent is down, and ends in bounded time', async () => {
    const started = Date.now();
    const res = await runCli([`/deploy httpbackend subnet=${tenant.name} count=3`, '--json', '--config', CONFIG_PATH]);
    expect(res.code, res.stderr).toBe(1);
    const r = res.json as unknown as DeployJson;
    expect(r.ok).toBe(false);
    expect(r.failure?.stage).toBe('consul');
    expect(r.failure?.message).toMatch(/1 of 3 instances could not be registered in Consul/);
    // The agent listens on u3's loopback (Consul's default) and is reached through u3's SSH connection.
    expect(r.failure?.details.join('\n')).toMatch(/on u3: .*127\.0\.0\.1:8500 on u3 .*unreachable.*ECONNREFUSED/i);
    // Nomad's side and the two healthy hosts are still reported, with their overlay addresses.
    expect(r.allocations).toHaveLength(3);
    expect(r.allocations.filter((a) => a.overlayIp).length).toBeGreaterThanOrEqual(2);
    expect(r.consul).toHaveLength(2);
    for (const c of r.consul) expect(c.checkStatus).toBe('passing');
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 180_000);
});
