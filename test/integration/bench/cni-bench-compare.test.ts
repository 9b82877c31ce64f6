import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CniBenchCompareArgs } from '../../../src/commands/specs/cni-bench-compare.js';
import { createSilentLogger } from '../../../src/logging.js';
import { type BenchHistoryEntry, saveBenchRun } from '../../../src/stores/bench-history.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchCompareProcessor } from '../../../src/workers/processors/cni-bench-compare.js';
import { startTestRedis } from '../../helpers/redis-server.js';

let server: Awaited<ReturnType<typeof startTestRedis>>;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const run = (network: string, ratios: Record<string, number>): BenchHistoryEntry => ({
    runId: `run-${network}`,
    jobId: `job-${network}`,
    network,
    at: '2026-12-01T21:00:00.000Z',
    from: 'u1',
    to: 'u2',
    durationMs: 2000,
    streams: 8,
    repeat: 1,
    ok: true,
    mtu: { underlay: 9000, overlay: 1376, recommended: 8916 },
    results: Object.fromEntries(
      Object.entries(ratios).map(([t, r]) => [t, { bareMbps: 1000, overlayMbps: r * 1000, ratio: r, rating: 'good' }]),
    ),
    resources: {},
  });
  await saveBenchRun(redis, run('weave', { tcp: 0.5, udp: 0.2, http: 0.6, ftp: 0.55, scp: 0.8 }));
  await saveBenchRun(redis, run('flannel', { tcp: 0.9, udp: 0.9, http: 0.9 }));
  await saveBenchRun(redis, run('routed', { tcp: 0.99, udp: 1 }));
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const config = {
  networks: [
    { name: 'weave', kind: 'weave', attach: 'proxy' },
    { name: 'flannel', kind: 'flannel', attach: 'docker-network' },
    { name: 'routed', kind: 'routed', attach: 'docker-network' },
  ],
  tenants: [],
};

const ctxOf = (args: CniBenchCompareArgs): ProcessorContext<CniBenchCompareArgs> => ({
  jobId: 'job-compare',
  command: { name: 'cni-bench-compare', args, text: '/cni-bench compare' },
  requester: { userId: 'U1' } as ProcessorContext['requester'],
  signal: new AbortController().signal,
  logger: createSilentLogger(),
  progress: async () => {},
  setQueuePosition: async () => {},
});

describe('/cni-bench compare', () => {
  const processor = createCniBenchCompareProcessor({
    config,
    redis: () => redis,
    chartsDir: '/tmp/netops-compare-test',
  });

  it('three networks in one chart, with only the tests some run measured', async () => {
    const report = (await processor(
      ctxOf({ network: 'weave', other: 'flannel', third: 'routed', published: false }),
    )) as Record<string, unknown>;
    expect(report.networks).toEqual(['weave', 'flannel', 'routed']);
    expect(existsSync(report.chart as string)).toBe(true);
    const table = (report.blocks as Array<{ kind: string; rows?: string[][] }>)[0];
    expect(table?.rows?.map((r) => r[0])).toEqual(['TCP 1 stream', 'UDP', 'HTTP', 'FTP', 'SCP']);
    expect(report.published).toBeUndefined();
  });

  it('published=yes adds the study figures, labelled as published, with their conditions and year', async () => {
    const report = (await processor(
      ctxOf({ network: 'weave', other: 'flannel', third: 'routed', published: true }),
    )) as Record<string, unknown>;
    expect(report.published).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ network: 'weave', year: 2019, test: 'ftp', ratio: 0.83, published: true }),
        expect.objectContaining({ network: 'weave', year: 2020, test: 'tcp', mbps: 9759, mtu: 8916 }),
      ]),
    );
    for (const p of report.published as Array<{ conditions: string }>) expect(p.conditions).toContain('10 Gbit/s');
    expect(JSON.stringify(report.blocks)).toContain('WeaveNet 2.5.1 (2019, published)');
    expect(JSON.stringify(report.blocks)).toContain('MTU 9000');
  });
});
