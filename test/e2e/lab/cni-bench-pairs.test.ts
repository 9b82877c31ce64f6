import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/grammar/parse.js';
import type { CniBenchArgs } from '../../../src/commands/specs/cni-bench.js';
import { loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchProcessor } from '../../../src/workers/processors/cni-bench.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { bringUpLabForTests, checkLabSupport, LAB_LOCK_WAIT_MS } from '../../lab/lab-support.js';
import { CONFIG_PATH } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/cni-bench pairs=all on the lab');

describe.skipIf(skipLab)('/cni-bench pairs=all on the lab', () => {
  let teardown: () => Promise<void> = async () => {};
  beforeAll(async () => {
    teardown = await bringUpLabForTests({ withoutEmulators: true });
  }, LAB_LOCK_WAIT_MS);
  afterAll(async () => {
    await teardown();
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
});
