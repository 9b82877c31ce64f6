import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../../helpers/run-cli.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { deployTenantFor, itRefusesTenantBUnderDefaultLaunch } from '../../lab/lab-launch-form.js';
import { checkLabSupport, labWeaveLaunch } from '../../lab/lab-support.js';
import { runProcess } from '../../lab/run-process.js';
import { CONFIG_PATH, STATE_DIR } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'deploy with Consul defaults');
// Consul is the point, not tenancy: tenant-b where the Weave launch isolates it, else the default tenant.
const launch = labWeaveLaunch();
const tenant = deployTenantFor(launch);

interface DeployJson {
  ok: boolean;
  allocations: Array<{ overlayIp: string | null }>;
  consul: Array<{ address: string; checkStatus: string }>;
  dns: { name: string; addresses: string[] } | null;
  failure: { stage: string; message: string; details: string[] } | null;
  error?: string;
}

// The lab's Consul as deployed by default: agents on 127.0.0.1 of each host, DNS over UDP answering at most 3
// records. The bot (consul.access: ssh, the lab config's default) must register and verify every instance.
describe.skipIf(skipLab)('/deploy with Consul as deployed by default (lab)', () => {
  useLabForTests();

  it('the agents do not answer on the host address, only on the host loopback', async () => {
    const outside = await runProcess(['curl', '-s', '-m', '3', 'http://192.168.56.11:8500/v1/agent/self']);
    expect(outside.code).not.toBe(0);
    const inside = await runProcess([
      'ip',
      'netns',
      'exec',
      'nl-u1',
      'curl',
      '-s',
      '-m',
      '3',
      'http://127.0.0.1:8500/v1/agent/self',
    ]);
    expect(inside.code, inside.stderr).toBe(0);
    expect(JSON.parse(inside.stdout).Config.NodeName).toBe('u1');
    // Consul's UDP answer stops at udp_answer_limit once there are more instances (checked after the deploy below).
  });

  itRefusesTenantBUnderDefaultLaunch(launch);

  it('deploys 5 instances and verifies all 5 in Consul DNS (over TCP, through SSH)', async () => {
    const res = await runCli([`/deploy httpbackend subnet=${tenant.name} count=5`, '--json', '--config', CONFIG_PATH]);
    const r = res.json as unknown as DeployJson;
    expect(res.code, `${res.stderr}\n${JSON.stringify(r?.failure ?? r?.error)}`).toBe(0);
    expect(r.ok).toBe(true);
    const overlay = r.allocations.map((a) => a.overlayIp).filter(Boolean);
    expect(overlay).toHaveLength(5);
    expect(r.consul).toHaveLength(5);
    for (const c of r.consul) expect(c.checkStatus).toBe('passing');
    expect(r.dns?.addresses.sort()).toEqual([...overlay].sort());
    // What a plain UDP client without EDNS sees on a host: only 3 of them (dig +noedns, inside u1).
    const udp = await runProcess([
      'ip',
      'netns',
      'exec',
      'nl-u1',
      'dig',
      '@127.0.0.1',
      '-p',
      '8600',
      '+noedns',
      '+short',
      '+time=2',
      '+tries=1',
      r.dns?.name ?? `httpbackend-${tenant.name}.service.consul`,
      'A',
    ]);
    expect(udp.stdout.trim().split('\n')).toHaveLength(3);
  }, 300_000);

  it('consul.access: direct against loopback-bound agents fails and says what to change', async () => {
    const cfg = parse(readFileSync(CONFIG_PATH, 'utf8')) as { clusters: [{ consul: Record<string, unknown> }] };
    cfg.clusters[0].consul = { access: 'direct', address: 'http://192.168.56.11:8500' };
    const file = join(STATE_DIR, 'netops.direct-loopback.yaml');
    writeFileSync(file, stringify(cfg));
    // /status asks Consul first thing (datacenter check, members); every agent refuses the direct dial.
    const res = await runCli(['/status', '--json', '--config', file]);
    const text = JSON.stringify(res.json);
    expect(text).toMatch(/ECONNREFUSED/);
    expect(text).toMatch(/consul\.access: ssh/);
    expect(text).toMatch(/client_addr/);
  }, 300_000);
});
