import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import type { PairResult } from '../../../src/net/isolation/types.js';
import type { Report } from '../../../src/report/model.js';
import { createIsolationCheckProcessor } from '../../../src/workers/processors/isolation-check.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { getSshdPidFile } from '../../lab/lab-sshd.js';
import { checkLabSupport, runOverSsh } from '../../lab/lab-support.js';
import { runProcess } from '../../lab/run-process.js';
import { CONFIG_PATH, type LabHost } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/isolation-check on the lab');

const ROOT = join(import.meta.dirname, '../../..');

interface CliRun {
  code: number;
  json: Report & { pairs?: PairResult[]; counts?: Record<string, number>; error?: string };
  stderr: string;
  ms: number;
}

/** The one-shot CLI as a user runs it: real Redis, in-process workers, real SSH to the lab hosts. */
async function netops(text: string): Promise<CliRun> {
  const started = performance.now();
  const r = await runProcess(['npx', 'tsx', join(ROOT, 'src/main/cli.ts'), text, '--json', '--config', CONFIG_PATH], {
    timeoutMs: 90_000,
  });
  let json: CliRun['json'];
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new Error(`no JSON from the CLI (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, json, stderr: r.stderr, ms: performance.now() - started };
}

async function docker(host: LabHost, line: string): Promise<void> {
  const r = await runOverSsh(host, `docker ${line}`);
  if (r.code !== 0) throw new Error(`${host}: docker ${line}: ${r.stderr}`);
}

const find = (pairs: PairResult[] | undefined, from: string, to: string) =>
  pairs?.find((p) => p.from === from && p.to === to);

describe.skipIf(skipLab)('/isolation-check on the lab (the article scenario)', () => {
  useLabForTests();
  beforeAll(async () => {
    await Promise.all([
      docker('u1', '-H unix:///var/run/weave/weave.sock run -d --name a1 busybox'),
      docker('u1', '-H unix:///var/run/weave/weave.sock run -d --name a2 busybox'),
      docker('u2', '-H unix:///var/run/weave/weave.sock run -d --name b1 -e WEAVE_CIDR=net:10.32.1.0/24 busybox'),
      docker('u2', '-H unix:///var/run/weave/weave.sock run -d --name b2 -e WEAVE_CIDR=net:10.32.1.0/24 busybox'),
      docker('u3', '-H unix:///var/run/weave/weave.sock run -d --name noweave -e WEAVE_CIDR=none busybox'),
      // Started now, not after other containers are removed: the lab sends no gratuitous ARP, so a reused
      // address would look unreachable to peers that still cache the old MAC.
      docker('u3', '-H unix:///var/run/weave/weave.sock run -d --name c3 busybox'),
    ]);
    // The lab lock may be held by other suites for a while.
  }, 900_000);

  it('a1 b1: expected isolated, observed isolated, exit 0', async () => {
    const r = await netops('/isolation-check a1 b1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.ok).toBe(true);
    expect(r.json.pairs).toHaveLength(2);
    for (const p of r.json.pairs ?? []) {
      expect(p).toMatchObject({ expected: 'isolated', observed: 'isolated', verdict: 'pass' });
      expect(p.probes).toEqual([expect.objectContaining({ proto: 'icmp', port: null, ok: false, rttMs: null })]);
    }
    expect(r.json.blocks.some((b) => b.kind === 'alert' && /ICMP only/.test(b.text))).toBe(true);
  }, 120_000);

  it('a1 a2: reachable both ways with a measured rtt', async () => {
    const r = await netops('/isolation-check a1 a2');
    expect(r.code, r.stderr).toBe(0);
    for (const p of r.json.pairs ?? []) {
      expect(p).toMatchObject({ expected: 'reachable', observed: 'reachable', verdict: 'pass' });
      expect(p.probes[0]!.rttMs).toBeGreaterThan(0);
    }
  }, 120_000);

  it('tenant:default tenant:tenant-b: every directed pair, no leak, no break, as truth tables', async () => {
    const r = await netops('/isolation-check tenant:default tenant:tenant-b');
    const notPassing = (r.json.pairs ?? []).filter((p) => p.verdict !== 'pass');
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.json.counts)}\n${JSON.stringify(notPassing)}`).toBe(0);
    expect(r.json.counts).toEqual({ pairs: 20, pass: 20, leak: 0, break: 0, unknown: 0 });
    expect(find(r.json.pairs, 'b2', 'b1')?.observed).toBe('reachable');
    expect(find(r.json.pairs, 'b2', 'a1')?.observed).toBe('isolated');
    const table = r.json.blocks.find((b) => b.kind === 'code');
    expect(table && 'text' in table ? table.text : '').toContain(
      [
        'observed:',
        '-   a1 a2 c3 b1 b2',
        'a1     .  .  X  X',
        'a2  .     .  X  X',
        'c3  .  .     X  X',
        'b1  X  X  X     .',
        'b2  X  X  X  .',
      ].join('\n'),
    );
  }, 120_000);

  it('rejects the same workload twice and shell metacharacters before any SSH (exit 2)', async () => {
    const twice = await netops('/isolation-check a1 a1');
    expect(twice.code).toBe(2);
    expect(twice.json.error).toMatch(/same workload twice/);
    const meta = await netops("/isolation-check a1 'b1;touch /tmp/netops-pwned'");
    expect(meta.code).toBe(2);
    expect(meta.json.ok).toBe(false);
    const sneaky = await runOverSsh('u1', 'test -e /tmp/netops-pwned && echo yes || echo no');
    expect(sneaky.stdout.trim()).toBe('no');
  }, 120_000);

  it('a workload on no host: exit 1 with a clear error', async () => {
    const r = await netops('/isolation-check a1 ghost');
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/Unknown workload `ghost`: no container of that name on u1, u2, u3/);
  }, 120_000);

  it('a container without an overlay address: exit 1 naming it', async () => {
    const r = await netops('/isolation-check a1 noweave');
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/`noweave` on u3 has no overlay address/);
  }, 120_000);

  it('a container given addresses in both subnets is reported as a leak, first, exit 1', async () => {
    await docker(
      'u3',
      '-H unix:///var/run/weave/weave.sock run -d --name leaky -e WEAVE_CIDR="net:10.32.0.0/24 net:10.32.1.0/24" busybox',
    );
    try {
      const pair = await netops('/isolation-check b1 leaky');
      expect(pair.code).toBe(1);
      expect(pair.json.blocks[0]).toMatchObject({
        kind: 'alert',
        level: 'danger',
        text: expect.stringMatching(/^\*LEAK\*/),
      });
      expect(find(pair.json.pairs, 'leaky@default', 'b1')).toMatchObject({
        expected: 'isolated',
        observed: 'reachable',
        verdict: 'leak',
      });
      const matrix = await netops('/isolation-check tenant:default tenant:tenant-b');
      expect(matrix.code).toBe(1);
      expect(matrix.json.counts?.leak).toBeGreaterThan(0);
      expect(matrix.json.counts?.break).toBe(0);
      expect(matrix.json.title).toMatch(/leaks/);
    } finally {
      await docker('u3', 'rm -f leaky');
    }
  }, 180_000);

  // Last: it kills u3's sshd.
  it('a host whose SSH fails mid-check: its pairs are unknown with the reason, the rest complete, nothing hangs', async () => {
    const config = loadConfig(process.env, { path: CONFIG_PATH });
    const cluster = createClusterContext(config, createSilentLogger());
    const processor = createIsolationCheckProcessor({
      cluster,
      config: { tenants: config.tenants, isolation: config.isolation },
    });
    const steps: string[] = [];
    const started = performance.now();
    try {
      const report = (await processor({
        jobId: 'e2e-host-down',
        command: {
          name: 'isolation-check',
          args: { a: 'tenant:default', b: 'tenant:tenant-b', ports: [], protos: ['icmp'] },
          text: '',
        },
        requester: { userId: 'e2e' },
        signal: new AbortController().signal,
        logger: createSilentLogger(),
        setQueuePosition: async () => {},
        progress: async (step) => {
          steps.push(step);
          // Resolution is done (u3 listed c3); now u3's SSH dies: the listener and its live sessions.
          if (step.startsWith('probing')) {
            const pid = readFileSync(getSshdPidFile('u3'), 'utf8').trim();
            await runProcess(['pkill', '-KILL', '-P', pid]);
            await runProcess(['kill', '-KILL', pid]);
          }
        },
      })) as Report & { pairs: PairResult[]; downHosts: Array<{ host: string }> };
      const elapsedMs = performance.now() - started;
      expect(steps).toEqual(['resolving tenant:default and tenant:tenant-b', 'probing 20 directed pairs']);
      expect(report.ok).toBe(false);
      expect(report.downHosts.map((d) => d.host)).toEqual(['u3']);
      const involving = report.pairs.filter((p) => p.from === 'c3' || p.to === 'c3');
      const others = report.pairs.filter((p) => p.from !== 'c3' && p.to !== 'c3');
      expect(others).toHaveLength(12);
      expect(others.every((p) => p.verdict === 'pass')).toBe(true);
      for (const p of involving.filter((x) => x.from === 'c3')) {
        expect(p.observed).toBe('unknown');
        expect(p.reason).toMatch(/u3/);
      }
      // Towards c3, same-tenant sources still get echo replies (c3 itself lives on), cross-tenant ones prove nothing.
      expect(find(report.pairs, 'a1', 'c3')?.observed, JSON.stringify(find(report.pairs, 'a1', 'c3'))).toBe(
        'reachable',
      );
      expect(find(report.pairs, 'b1', 'c3')).toMatchObject({
        observed: 'unknown',
        reason: expect.stringMatching(/target host u3 is down/),
      });
      expect(elapsedMs).toBeLessThan(20_000);
    } finally {
      await cluster.close();
    }
  }, 120_000);
});
