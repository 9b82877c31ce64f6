import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchHistoryEntry, HISTORY_CAP, listBenchRuns, saveBenchRun } from '../../../src/stores/bench-history.js';
import { isRunAlive, keepRunAlive } from '../../../src/stores/run-liveness.js';
import { startTestRedis } from '../../helpers/redis-server.js';

let server: Awaited<ReturnType<typeof startTestRedis>>;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const entry = (network: string, i: number): BenchHistoryEntry => ({
  runId: `run${i}`,
  jobId: `job${i}`,
  network,
  at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  from: 'u1',
  to: 'u2',
  durationMs: 2000,
  streams: 8,
  repeat: 1,
  ok: true,
  mtu: { underlay: 9000, overlay: 1376, recommended: 8916 },
  results: { tcp: { bareMbps: 1000, overlayMbps: 500 + i, ratio: (500 + i) / 1000, rating: 'fair' } },
  resources: {},
});

describe('bench history', () => {
  it('lists a network’s runs newest first, capped, and keeps networks apart', async () => {
    for (let i = 0; i < HISTORY_CAP + 5; i++) await saveBenchRun(redis, entry('weave', i), 'h1');
    await saveBenchRun(redis, entry('flannel', 1), 'h1');
    const runs = await listBenchRuns(redis, 'weave', 3, 'h1');
    expect(runs.map((r) => r.runId)).toEqual([
      `run${HISTORY_CAP + 4}`,
      `run${HISTORY_CAP + 3}`,
      `run${HISTORY_CAP + 2}`,
    ]);
    expect(await redis.llen('h1:bench:history:weave')).toBe(HISTORY_CAP);
    expect((await listBenchRuns(redis, 'flannel', 10, 'h1')).map((r) => r.network)).toEqual(['flannel']);
    expect(await listBenchRuns(redis, 'calico', 10, 'h1')).toEqual([]);
  });

  it('skips damaged entries', async () => {
    await redis.lpush('h2:bench:history:weave', JSON.stringify(entry('weave', 1)), '{not json', '"x"');
    expect((await listBenchRuns(redis, 'weave', 10, 'h2')).map((r) => r.runId)).toEqual(['run1']);
  });
});

describe('run liveness', () => {
  it('is alive while kept, and expires without refresh', async () => {
    const stop = await keepRunAlive(redis, 'r1', 300, 'h3');
    await new Promise((r) => setTimeout(r, 500));
    expect(await isRunAlive(redis, 'r1', 'h3')).toBe(true);
    await stop();
    expect(await isRunAlive(redis, 'r1', 'h3')).toBe(false);
    await redis.set('h3:bench:run:r2', '1', 'PX', 100);
    await new Promise((r) => setTimeout(r, 200));
    expect(await isRunAlive(redis, 'r2', 'h3')).toBe(false);
  });
});
