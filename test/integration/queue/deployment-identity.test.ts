import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploymentIdentity } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import type { Runtime } from '../../../src/main/runtime.js';
import { commandJobName } from '../../../src/queue/job-data.js';
import type { JobRecord } from '../../../src/stores/job-store.js';
import type { ProcessorRegistry } from '../../../src/workers/processor.js';
import { createRecordingNotifier } from '../../helpers/recording-notifier.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { startTestRuntime } from '../../helpers/runtime.js';

/**
 * Issue 17 item 4: processes sharing one Redis once took each other's jobs (a CLI's `/status --config B` ran on
 * the bot's cluster A, 6 of 6 runs). Each runtime here answers /status with the cluster it is configured for.
 */

let redis: Awaited<ReturnType<typeof startTestRedis>>;
const runtimes: Runtime[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());
afterEach(async () => {
  await Promise.allSettled(runtimes.splice(0).map((r) => r.close()));
});

const clusters = (address: string) => ({
  clusters: [{ name: 'lab', nomad: { address }, consul: { address: 'http://127.0.0.1:8500' } }],
});
const A = deploymentIdentity(clusters('http://10.0.0.1:4646') as never);
const B = deploymentIdentity(clusters('http://10.0.0.2:4646') as never);

/** A /status that says which cluster it ran on. */
const statusOn = (cluster: string): ProcessorRegistry => ({
  status: async () => ({ command: 'status', ok: true, title: `ran on ${cluster}`, blocks: [] }),
});

async function runtimeFor(prefix: string, deployment: string, cluster: string, privateTag?: string) {
  const runtime = await startTestRuntime({
    redisUrl: redis.url,
    logger: createSilentLogger(),
    prefix,
    deployment,
    ...(privateTag ? { privateTag } : {}),
    workers: { processors: statusOn(cluster), notifier: createRecordingNotifier(), shutdownGraceMs: 5_000 },
  });
  runtimes.push(runtime);
  return runtime;
}

async function finalRecord(runtime: Runtime, jobId: string): Promise<JobRecord> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const rec = await runtime.stores.jobs.get(jobId);
    if (rec && ['succeeded', 'failed', 'cancelled'].includes(rec.state)) return rec;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} never finished`);
}

describe('a job runs only under the config it was made for', () => {
  it('the fingerprint follows the cluster section, not the tokens', () => {
    expect(A).not.toBe(B);
    const withToken = {
      clusters: [
        {
          name: 'lab',
          nomad: { address: 'http://10.0.0.1:4646', token: 'x' },
          consul: clusters('').clusters[0]!.consul,
        },
      ],
    };
    expect(deploymentIdentity(withToken as never)).toBe(A);
  });

  it('a CLI with its own config and a running bot on one Redis: the CLI /status runs on the CLI cluster, 6 of 6', async () => {
    const prefix = `t-${randomUUID()}`;
    // The bot with cluster A, with idle workers on the shared queues, started first.
    await runtimeFor(prefix, A, 'A');
    const cli = await runtimeFor(prefix, B, 'B', `cli-${randomUUID().slice(0, 8)}`);
    const titles: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await cli.chat.intake({
        text: '/status',
        userId: 'console',
        requestId: `cli-${i}-${randomUUID()}`,
        reply: { kind: 'console' },
      });
      if (res.kind !== 'queued') throw new Error(`not queued: ${res.kind}`);
      const rec = await finalRecord(cli, res.jobId);
      expect(rec.state).toBe('succeeded');
      titles.push((await cli.stores.jobs.getReport(res.jobId))?.title ?? '');
    }
    expect(titles).toEqual(Array(6).fill('ran on B'));
  });

  it("a bot's worker fails a job of another deployment clearly and runs nothing", async () => {
    const prefix = `t-${randomUUID()}`;
    const bot = await runtimeFor(prefix, A, 'A');
    // A job stamped with identity B on the shared queue, as a second bot with another config would queue it.
    const jobId = `foreign-${randomUUID()}`;
    await bot.stores.jobs.create({
      jobId,
      queue: bot.queue.queues.read.name,
      commandName: 'status',
      commandText: '/status',
      userId: 'U1',
      reply: { kind: 'console' },
      createdAt: Date.now(),
    });
    await bot.queue.queues.read.add(
      commandJobName('status'),
      {
        jobId,
        command: { name: 'status', args: {}, text: '/status' },
        requester: { userId: 'U1' },
        reply: { kind: 'console' },
        enqueuedAt: Date.now(),
        deployment: B,
      },
      { jobId },
    );
    const rec = await finalRecord(bot, jobId);
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toContain('queued by another netops deployment');
    expect(await bot.stores.jobs.getReport(jobId)).toBeUndefined();
  });
});
