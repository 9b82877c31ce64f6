import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderConsoleReport } from '../../../src/chat/render/render-console.js';
import { parseCommand } from '../../../src/commands/grammar/parse.js';
import type { CniBenchArgs } from '../../../src/commands/specs/cni-bench.js';
import { loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchProcessor } from '../../../src/workers/processors/cni-bench.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { cutHostFromUnderlay } from '../../lab/lab-host-outage.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS } from '../../lab/lab-support.js';
import { CONFIG_PATH } from '../../lab/topology.js';
import { reportOf, runCli } from './netops-cli.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/cni-bench pairs=all on the lab');

describe.skipIf(skipLab)('/cni-bench pairs=all on the lab', () => {
  let redisServer: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  let env: Record<string, string>;
  let chartsDir: string | undefined;
  useLabForTests({ withoutEmulators: true });
  beforeAll(async () => {
    redisServer = await startTestRedis();
    chartsDir = mkdtempSync(join(tmpdir(), 'netops-bench-pairs-'));
    env = { REDIS_URL: redisServer.url, NETOPS_CHARTS_DIR: chartsDir, LOG_LEVEL: 'warn' };
  }, LAB_LOCK_WAIT_MS);
  afterAll(async () => {
    await redisServer?.stop();
    if (chartsDir) rmSync(chartsDir, { recursive: true, force: true });
  }, LAB_LOCK_WAIT_MS);

  it('/cni-bench weave pairs=all reports 6 ordered pairs, a ratio matrix and one chart', async () => {
    // The command as typed (short: 2 s runs, one repeat, TCP only), through the real parser and processor.
    const command = parseCommand('/cni-bench weave pairs=all duration=2s repeat=1 tests=tcp');
    const config = loadConfig({}, { path: CONFIG_PATH });
    const cluster = createClusterContext(config, createSilentLogger());
    try {
      const ctx: ProcessorContext<CniBenchArgs> = {
        jobId: `job-${Math.random().toString(36).slice(2)}`,
        command: {
          name: 'cni-bench',
          args: command.args as unknown as CniBenchArgs,
          text: '/cni-bench weave pairs=all',
        },
        requester: { userId: 'U1' } as ProcessorContext['requester'],
        signal: new AbortController().signal,
        logger: createSilentLogger(),
        progress: async () => {},
        setQueuePosition: async () => {},
      };
      const processor = createCniBenchProcessor({ cluster, config, chartsDir: '/tmp/netops-bench-pairs-charts' });
      const report = await processor(ctx);
      const pairs = report.pairs as Array<{ from: string; to: string; results: { tcp: { ratio: number } } | null }>;
      expect(pairs.map((p) => `${p.from}>${p.to}`)).toEqual(['u1>u2', 'u1>u3', 'u2>u1', 'u2>u3', 'u3>u1', 'u3>u2']);
      for (const p of pairs) expect(p.results?.tcp.ratio).toBeGreaterThan(0);
      expect(report.matrix).toMatchObject({ tcp: { u1: { u2: expect.any(Number), u3: expect.any(Number) } } });
      expect(report.chart).toMatch(/bench-pairs-weave-.*\.png$/);
      expect(report.files).toHaveLength(1);
      expect(report.errors).toEqual([]);
      // No bench container outlives the run on any host.
      for (const h of ['u1', 'u2', 'u3'] as const) {
        const ps = await runOnHost(h, ['docker', 'ps', '-a', '--filter', 'label=netops.bench', '-q']);
        expect(ps.stdout.trim()).toBe('');
      }
    } finally {
      await cluster.close();
    }
  }, 600_000);

  it('a host really down (u3 off the underlay): its 4 pairs fail with the reason, u1 ⇄ u2 measured, exit 1', async () => {
    // Through the CLI, as a user runs it; the test's timeout is the "nothing hangs" bound (six pairs, four of
    // them failing at SSH connect: EHOSTUNREACH after ARP gives up, or the bot's 10 s connect deadline).
    const restore = await cutHostFromUnderlay('u3');
    let r: Awaited<ReturnType<typeof runCli>>;
    try {
      r = await runCli('/cni-bench weave pairs=all duration=2s repeat=1 tests=tcp', env);
    } finally {
      await restore();
    }
    // README: exit 0 success, 1 failed job; a pairs run with a pair that could not run is not a success.
    expect(r.code, r.stderr).toBe(1);
    const report = reportOf(r);
    expect(report.ok).toBe(false);
    const pairs = report.pairs as Array<{
      from: string;
      to: string;
      ok: boolean;
      results: { tcp?: { ratio: number | null } } | null;
      error?: string;
    }>;
    expect(pairs.map((p) => `${p.from}>${p.to}`)).toEqual(['u1>u2', 'u1>u3', 'u2>u1', 'u2>u3', 'u3>u1', 'u3>u2']);
    for (const p of pairs) {
      if (p.from === 'u3' || p.to === 'u3') {
        expect(p.ok, `${p.from}>${p.to}`).toBe(false);
        expect(p.results, `${p.from}>${p.to}`).toBeNull();
        // The reason names the host that is down and what failed, not a reference to the logs.
        expect(p.error, `${p.from}>${p.to}`).toMatch(/u3 \(192\.168\.56\.13:22\).*(EHOSTUNREACH|timeout)/);
      } else {
        expect(p.ok, `${p.from}>${p.to}`).toBe(true);
        expect(p.error).toBeUndefined();
        expect(p.results?.tcp?.ratio, `${p.from}>${p.to}`).toBeGreaterThan(0);
      }
    }
    expect(report.matrix).toEqual({
      tcp: {
        u1: { u2: expect.any(Number), u3: null },
        u2: { u1: expect.any(Number), u3: null },
        u3: { u1: null, u2: null },
      },
    });
    expect(report.errors).toEqual([
      expect.stringMatching(/^u1 → u3: Could not connect over SSH to u3 /),
      expect.stringMatching(/^u2 → u3: Could not connect over SSH to u3 /),
      expect.stringMatching(/^u3 → u1: Could not connect over SSH to u3 /),
      expect.stringMatching(/^u3 → u2: Could not connect over SSH to u3 /),
    ]);
    expect(report.title).toBe('cni-bench weave: 2 of 6 ordered pairs measured, 4 could not run');
    // The matrix as rendered: u3's pairs read "down", the measured ones their ratio.
    const rendered = renderConsoleReport(report);
    expect(rendered).toMatch(/^u3\s+down\s+down\s+·$/m);
    expect(rendered).toMatch(/^u1\s+·\s+\d\.\d\d\s+down$/m);
    // One chart over the pairs that ran.
    expect(report.chart).toMatch(/bench-pairs-weave-.*\.png$/);
    // Nothing left behind, on u3 either (back on the underlay now).
    for (const h of ['u1', 'u2', 'u3'] as const) {
      const ps = await runOnHost(h, ['docker', 'ps', '-a', '--filter', 'label=netops.bench', '-q']);
      expect(ps.stdout.trim()).toBe('');
    }
  }, 600_000);
});
