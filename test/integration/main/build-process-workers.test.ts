import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProcess } from '../../../src/main/build-process.js';
import { loadSettings } from '../../../src/main/settings.js';
import { botEnv, writeBotConfig } from '../../faults/bot-processes.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { startSlackApiStub } from '../../helpers/slack-api-stub.js';

// buildProcess's serve profile with `workers: false` (bench/_ack-profile.ts): the role's intake, and nothing that
// takes a job, not even the notify queue's.

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let slack: Awaited<ReturnType<typeof startSlackApiStub>>;
let configs: ReturnType<typeof writeBotConfig>;
beforeAll(async () => {
  redis = await startTestRedis();
  slack = await startSlackApiStub({ rateLimits: false });
  configs = writeBotConfig({ slackApiUrl: slack.url, users: ['U1'] });
});
afterAll(async () => {
  await slack.close();
  await redis.stop();
  rmSync(configs.dir, { recursive: true, force: true });
});

async function build(workers: boolean | undefined) {
  const env = { ...botEnv(configs.fileFor(3000), redis.url), LOG_LEVEL: 'silent' };
  return buildProcess(await loadSettings(env), {
    kind: 'serve',
    role: 'bot',
    ...(workers === undefined ? {} : { workers }),
  });
}

describe('buildProcess, serve profile', () => {
  it('workers: false queues through the real intake and starts no worker', async () => {
    const netops = await build(false);
    try {
      await netops.start();
      const result = await netops.runtime.chat.intake({
        text: '/status',
        userId: 'U1',
        channelId: 'C0OPS',
        requestId: 'bp-1',
        reply: { kind: 'slack', channel: 'C0OPS' },
      });
      expect(result).toMatchObject({ kind: 'queued', duplicate: false });
      const { notify, read } = netops.runtime.queue.queues;
      expect(await notify.getWorkers()).toEqual([]);
      expect(await read.getWorkers()).toEqual([]);
      expect(await notify.getJobCounts('wait')).toEqual({ wait: 1 });
    } finally {
      await netops.close();
    }
  });

  it('by default the bot role keeps its notify worker', async () => {
    const netops = await build(undefined);
    try {
      await netops.start();
      expect((await netops.runtime.queue.queues.notify.getWorkers()).length).toBeGreaterThan(0);
    } finally {
      await netops.close();
    }
  });
});
