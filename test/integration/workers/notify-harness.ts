import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createSlackNotifier, createSlackWebClient } from '../../../src/chat/slack/slack-notifier.js';
import { createSilentLogger } from '../../../src/logging.js';
import type { Runtime } from '../../../src/main/runtime.js';
import type { RespondTarget } from '../../../src/queue/job-data.js';
import type { Report } from '../../../src/report/model.js';
import type { ProcessorContext, ProcessorRegistry } from '../../../src/workers/processor.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { startTestRuntime } from '../../helpers/runtime.js';
import { type SlackApiStub, type SlackApiStubOptions, startSlackApiStub } from '../../helpers/slack-api-stub.js';
import { waitFor } from '../../helpers/wait-for.js';

/** What a test job does: `/status` runs it (keyed by job id). */
export type Behaviour = (ctx: ProcessorContext) => Promise<Report>;

/** The stand-in workspace: two channels the bot is in, a public and a private one it is not in. */
const conversations: SlackApiStubOptions['conversations'] = {
  C0OPS: { type: 'public', botMember: true },
  C0B: { type: 'public', botMember: true },
  C0PUBLIC: { type: 'public', botMember: false },
  G0PRIVATE: { type: 'private', botMember: false },
};
/** The manifest's scopes plus chat:write.public, as an app that kept it has. */
export const PUBLIC_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:write'];
/** A 1x1 PNG: real bytes for the upload flow. */
export const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export const report = (extra: Partial<Report> = {}): Report => ({
  command: 'status',
  ok: true,
  title: 'status: all good',
  blocks: [{ kind: 'text', text: 'all good' }],
  ...extra,
});

/**
 * The real notify worker (BullMQ on a real redis-server, one per test file) and the real Slack notifier (WebClient)
 * against the strict Slack stand-in, started per test. Registers its own vitest hooks.
 */
export function useNotifyHarness() {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let dir = '';
  let slack: SlackApiStub | undefined;
  let runtime: Runtime | undefined;
  const behaviours = new Map<string, Behaviour>();
  const processors: ProcessorRegistry = {
    status: async (ctx) => {
      const behave = behaviours.get(ctx.jobId);
      if (!behave) throw new Error(`no behaviour for ${ctx.jobId}`);
      return behave(ctx);
    },
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    dir = await mkdtemp(join(tmpdir(), 'netops-delivery-'));
  });
  afterAll(async () => {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await runtime?.close();
    await slack?.close();
    runtime = undefined;
    slack = undefined;
    behaviours.clear();
  });

  async function start(opts: SlackApiStubOptions = {}) {
    slack = await startSlackApiStub({ conversations, ...opts });
    const client = createSlackWebClient({ token: 'xoxb-delivery-test', slackApiUrl: slack.url });
    runtime = await startTestRuntime({
      redisUrl: redis.url,
      logger: createSilentLogger(),
      prefix: `d-${randomUUID()}`,
      workers: { processors, notifier: createSlackNotifier({ client, logger: createSilentLogger() }) },
    });
    return { slack, runtime };
  }

  /** Runs `/status` in `channel` as if typed in Slack, with `behave` as what the job does. */
  async function run(
    channel: string,
    behave: Behaviour,
    respond?: RespondTarget | 'stand-in',
    requestId = `job-${randomUUID().slice(0, 8)}`,
  ) {
    behaviours.set(requestId, behave);
    const target =
      respond === 'stand-in'
        ? {
            url: slack!.issueResponseUrl({ kind: 'command', channel, user: 'U0ANN' }),
            kind: 'command' as const,
            expiresAt: Date.now() + 30 * 60_000,
          }
        : respond;
    const res = await runtime!.chat.intake({
      text: '/status',
      userId: 'U0ANN',
      channelId: channel,
      requestId,
      reply: { kind: 'slack', channel, ...(target ? { respond: target } : {}) },
    });
    if (res.kind !== 'queued') throw new Error(`not queued: ${JSON.stringify(res)}`);
    return res.jobId;
  }

  /** The shared waitFor, with the Slack calls seen so far in the failure. */
  const waitForSlack = <T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000) =>
    waitFor(fn, what, timeoutMs, () => `calls: ${slack?.calls.map((c) => c.method).join(' ')}`);

  /**
   * Waits until the job is final and no notify job is waiting, running or due soon (a response URL's "window
   * closing" check is scheduled minutes ahead and does nothing once the job is final).
   */
  async function settled(jobId: string) {
    await waitForSlack(async () => {
      const rec = await runtime!.stores.jobs.get(jobId);
      if (!rec || !['succeeded', 'failed', 'cancelled'].includes(rec.state)) return undefined;
      const queue = runtime!.queue.queues.notify;
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
      if (Object.values(counts).some((n) => n > 0)) return undefined;
      const soon = (await queue.getDelayed()).filter((j) => j.timestamp + (j.opts.delay ?? 0) < Date.now() + 60_000);
      return soon.length === 0 ? rec : undefined;
    }, `job ${jobId} and its notify jobs to settle`);
    return runtime!.stores.jobs.get(jobId);
  }

  return {
    start,
    run,
    waitFor: waitForSlack,
    settled,
    slack: () => slack!,
    runtime: () => runtime!,
    dir: () => dir,
    method: (name: string) => slack!.calls.filter((c) => c.method === name),
    messageOf: async (jobId: string) => slack!.messages.get((await runtime!.stores.jobs.get(jobId))?.messageTs ?? ''),
  };
}
