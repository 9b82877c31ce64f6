import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PairResult } from '../../../src/net/isolation/types.js';
import type { Report } from '../../../src/report/model.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS, runOverSsh } from '../../lab/lab-support.js';
import { runProcess } from '../../lab/run-process.js';
import { CONFIG_PATH } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/isolation-check over docker0 on the lab');

const ROOT = join(import.meta.dirname, '../../..');
const PROXY = '-H unix:///var/run/weave/weave.sock';

/** The one-shot CLI as a user runs it: real Redis, in-process workers, real SSH to the lab hosts. */
async function netops(text: string): Promise<{ code: number; json: Report & { pairs: PairResult[] } }> {
  const r = await runProcess(['npx', 'tsx', join(ROOT, 'src/main/cli.ts'), text, '--json', '--config', CONFIG_PATH], {
    timeoutMs: 90_000,
  });
  try {
    return { code: r.code, json: JSON.parse(r.stdout) };
  } catch {
    throw new Error(`no JSON from the CLI (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

async function onU1(line: string): Promise<string> {
  const r = await runOverSsh('u1', line);
  if (r.code !== 0) throw new Error(`u1: ${line}: exit ${r.code} ${r.stderr}`);
  return r.stdout.trim();
}

const pings = async (from: string, ip: string) =>
  (await runOverSsh('u1', `docker exec ${from} ping -c 1 -W 1 ${ip}`)).code === 0;

/** x1 in the default subnet and y1 in tenant-b's, both on u1 through the proxy: two tenants on one host. */
async function startTenantsOnU1(): Promise<{ bridge: Record<string, string>; overlay: Record<string, string> }> {
  await onU1(`docker ${PROXY} run -d --name x1 busybox`);
  await onU1(`docker ${PROXY} run -d --name y1 -e WEAVE_CIDR=net:10.32.1.0/24 busybox`);
  const bridge: Record<string, string> = {};
  const overlay: Record<string, string> = {};
  for (const name of ['x1', 'y1']) {
    bridge[name] = await onU1(`docker inspect -f '{{.NetworkSettings.IPAddress}}' ${name}`);
    overlay[name] = (await onU1(`weave ps ${name}`)).split(/\s+/)[2]?.split('/')[0] ?? '';
  }
  return { bridge, overlay };
}

describe.skipIf(skipLab)('two tenants on one host, dockerd --icc=true (Docker default)', () => {
  let addr: Awaited<ReturnType<typeof startTenantsOnU1>>;
  // Pinned to the multi-tenant launch whatever NETOPS_LAB_WEAVE_LAUNCH says: this file tests which path keeps two tenants apart on one host, which the
  // default launch (default subnet = the whole /12 range, routed on ethwe) does not have; that form is covered
  // by deploy-weave-launch.test.ts and the refusals asserted through lab-launch-form.ts.
  useLabForTests({ weaveLaunch: 'multi-tenant' });
  beforeAll(async () => {
    addr = await startTenantsOnU1();
  }, LAB_LOCK_WAIT_MS);

  it("installs Docker's and Weave's rules; docker0 joins the tenants, the overlay keeps them apart", async () => {
    const forward = await onU1('iptables -w -S FORWARD');
    expect(forward).toContain('-A FORWARD -i docker0 -o weave -j DROP');
    expect(forward).toContain('-A FORWARD -i docker0 -o docker0 -j ACCEPT');
    expect(addr.bridge.y1).toMatch(/^172\.17\.0\.\d+$/);
    expect(addr.overlay.y1).toMatch(/^10\.32\.1\.\d+$/);
    expect(await pings('x1', addr.bridge.y1!)).toBe(true);
    expect(await pings('x1', addr.overlay.y1!)).toBe(false);
  }, 60_000);

  it("weave expose adds the masquerade rules; Weave's docker0→weave DROP is what keeps an exposed subnet apart", async () => {
    const exposed = await onU1('weave expose net:10.32.1.0/24');
    const nat = await onU1('iptables -w -t nat -S WEAVE');
    expect(nat).toContain(`-A WEAVE ! -s 10.32.1.0/24 -d 10.32.1.0/24 -j MASQUERADE`);
    expect(nat).toContain(`-A WEAVE -s 10.32.1.0/24 ! -d 10.32.1.0/24 -j MASQUERADE`);
    expect(await onU1('iptables -w -S WEAVE-EXPOSE')).toContain('-A WEAVE-EXPOSE -d 10.32.1.0/24 -j ACCEPT');
    // x1's route to 10.32.1.0/24 is its default one, via docker0 into the host, which now has that subnet.
    expect(await pings('x1', addr.overlay.y1!)).toBe(false);
    await onU1('iptables -w -D FORWARD -i docker0 -o weave -j DROP');
    try {
      expect(await pings('x1', addr.overlay.y1!)).toBe(true);
    } finally {
      await onU1('iptables -w -I FORWARD 1 -i docker0 -o weave -j DROP');
    }
    expect(await onU1('weave hide')).toBe(exposed);
    const after = await onU1('iptables -w -t nat -S WEAVE');
    expect(after).not.toContain('MASQUERADE');
    expect(after).toContain('-A WEAVE -s 10.32.1.0/24 -d 224.0.0.0/4 -j RETURN'); // hide leaves it, as the script does
  }, 60_000);

  it('/isolation-check x1 y1 reports the leak through docker0 with the --icc=false fix', async () => {
    const r = await netops('/isolation-check x1 y1');
    expect(r.code).toBe(1);
    for (const [from, to] of [
      ['x1', 'y1'],
      ['y1', 'x1'],
    ]) {
      const p = r.json.pairs.find((x) => x.from === from && x.to === to);
      expect(p).toMatchObject({
        expected: 'isolated',
        observed: 'reachable',
        verdict: 'leak',
        leakVia: ['docker0'],
        bridge: { ip: addr.bridge[to!], observed: 'reachable' },
      });
      expect(p?.probes[0]?.outcome).toBe('isolated');
    }
    const alerts = r.json.blocks.filter((b) => b.kind === 'alert').map((b) => ('text' in b ? b.text : ''));
    expect(alerts[0]).toMatch(/^\*LEAK\*/);
    expect(alerts.find((t) => /through docker0/.test(t))).toMatch(/on u1: .*--icc=false.*application-isolation/);
  }, 120_000);
});

describe.skipIf(skipLab)('two tenants on one host, dockerd --icc=false', () => {
  let addr: Awaited<ReturnType<typeof startTenantsOnU1>>;
  useLabForTests({ icc: false });
  beforeAll(async () => {
    addr = await startTenantsOnU1();
  }, LAB_LOCK_WAIT_MS);

  it("installs Docker's icc DROP: containers on one docker0 no longer reach each other", async () => {
    expect(await onU1('iptables -w -S FORWARD')).toContain('-A FORWARD -i docker0 -o docker0 -j DROP');
    expect(await pings('x1', addr.bridge.y1!)).toBe(false);
  }, 60_000);

  it('/isolation-check x1 y1: isolated on every path, exit 0', async () => {
    const r = await netops('/isolation-check x1 y1');
    expect(r.code).toBe(0);
    expect(r.json.ok).toBe(true);
    for (const p of r.json.pairs) {
      expect(p).toMatchObject({ observed: 'isolated', verdict: 'pass', bridge: { observed: 'isolated' } });
    }
  }, 120_000);
});
