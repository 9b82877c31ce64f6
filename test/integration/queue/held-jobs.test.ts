import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../src/logging.js';
import type { Runtime } from '../../../src/main/runtime.js';
import { createRecordingNotifier } from '../../helpers/recording-notifier.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { startTestRuntime } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait-for.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
const runtimes: Runtime[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  await Promise.allSettled(runtimes.splice(0).map((r) => r.close()));
});

async function newRuntime() {
  let runs = 0;
  const notifier = createRecordingNotifier();
  const runtime = await startTestRuntime({
    redisUrl: redis.url,
    logger: createSilentLogger(),
    prefix: `held-${randomUUID()}`,
    workers: {
      processors: {
        status: async () => {
          runs += 1;
          return { command: 'status', ok: true, title: 'status ok', blocks: [] };
        },
      },
      notifier,
    },
  });
  runtimes.push(runtime);
  return { runtime, notifier, runs: () => runs };
}

const held = (requestId: string) => ({
  text: '/netops-status',
  userId: 'U1',
  channelId: 'C1',
  requestId,
  reply: { kind: 'slack' as const, channel: 'C1' },
  // Far longer than the test: only releaseHeld can start the job.
  holdMs: 600_000,
});

describe('held jobs (Socket Mode acks): queued, then released or withdrawn (real redis-server)', () => {
  it('a held job waits, posts nothing, and runs once released', async () => {
    const { runtime, notifier, runs } = await newRuntime();
    const queued = await runtime.chat.intake(held('h.1'));
    expect(queued).toMatchObject({ kind: 'queued', jobId: 'h.1', duplicate: false });
    expect(await (await runtime.queue.queues.read.getJob('h.1'))?.getState()).toBe('delayed');
    expect(notifier.calls).toEqual([]);
    await runtime.queue.producer.releaseHeld('h.1');
    await waitFor(
      async () => ((await runtime.stores.jobs.get('h.1'))?.state === 'succeeded' ? true : undefined),
      'h.1 to run',
    );
    await waitFor(() => (notifier.calls.some((c) => c.status?.state === 'succeeded') ? true : undefined), 'the reply');
    expect(runs()).toBe(1);
    expect(notifier.calls.filter((c) => c.method === 'post')).toHaveLength(1);
    // Released once, released again (a duplicate call) changes nothing; withdrawing it now is refused.
    await runtime.queue.producer.releaseHeld('h.1');
    expect(await runtime.queue.producer.withdrawHeld('h.1')).toBe(false);
    expect(runs()).toBe(1);
  });

  it('a withdrawn job never runs and leaves no trace, so the same request delivered again is new', async () => {
    const { runtime, notifier, runs } = await newRuntime();
    await runtime.chat.intake(held('h.2'));
    expect(await runtime.queue.producer.withdrawHeld('h.2')).toBe(true);
    expect(await runtime.queue.queues.read.getJob('h.2')).toBeUndefined();
    expect(await runtime.stores.jobs.get('h.2')).toBeUndefined();
    expect(await runtime.stores.jobs.listForUser('U1', 10)).toEqual([]);
    const again = await runtime.chat.intake({ ...held('h.2'), holdMs: undefined });
    expect(again).toMatchObject({ kind: 'queued', jobId: 'h.2', duplicate: false });
    await waitFor(
      async () => ((await runtime.stores.jobs.get('h.2'))?.state === 'succeeded' ? true : undefined),
      'h.2 to run',
    );
    expect(runs()).toBe(1);
    expect(notifier.calls.filter((c) => c.method === 'post')).toHaveLength(1);
  });
});
