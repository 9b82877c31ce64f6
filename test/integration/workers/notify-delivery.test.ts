import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNotifier, createSlackWebClient } from '../../../src/chat/slack-notifier.js';
import { createSilentLogger } from '../../../src/logging.js';
import { type Runtime, startRuntime } from '../../../src/main/runtime.js';
import type { RespondTarget } from '../../../src/queue/job-data.js';
import type { Report } from '../../../src/report/model.js';
import type { ProcessorContext, ProcessorRegistry } from '../../../src/workers/processor.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type SlackApiStub, type SlackApiStubOptions, startSlackApiStub } from '../../helpers/slack-api-stub.js';

// The real notify worker (BullMQ on a real redis-server) and the real Slack notifier (WebClient) against the strict
// Slack stand-in: membership, chat:write.public, rate tiers, response URLs and Block Kit limits as Slack documents.
type Behaviour = (ctx: ProcessorContext) => Promise<Report>;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let dir: string;
let slack: SlackApiStub | undefined;
let runtime: Runtime | undefined;
const behaviours = new Map<string, Behaviour>();

const conversations: SlackApiStubOptions['conversations'] = {
  C0OPS: { type: 'public', botMember: true },
  C0B: { type: 'public', botMember: true },
  C0PUBLIC: { type: 'public', botMember: false },
  G0PRIVATE: { type: 'private', botMember: false },
};
const PUBLIC_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:write'];
// A 1x1 PNG: real bytes for the upload flow.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

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

const processors: ProcessorRegistry = {
  status: async (ctx) => {
    const behave = behaviours.get(ctx.jobId);
    if (!behave) throw new Error(`no behaviour for ${ctx.jobId}`);
    return behave(ctx);
  },
};

async function start(opts: SlackApiStubOptions = {}) {
  slack = await startSlackApiStub({ conversations, ...opts });
  const client = createSlackWebClient({ token: 'xoxb-delivery-test', slackApiUrl: slack.url });
  runtime = await startRuntime({
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
  const rt = runtime!;
  behaviours.set(requestId, behave);
  const target =
    respond === 'stand-in'
      ? {
          url: slack!.issueResponseUrl({ kind: 'command', channel, user: 'U0ANN' }),
          kind: 'command' as const,
          expiresAt: Date.now() + 30 * 60_000,
        }
      : respond;
  const res = await rt.intake({
    text: '/status',
    userId: 'U0ANN',
    channelId: channel,
    requestId,
    reply: { kind: 'slack', channel, ...(target ? { respond: target } : {}) },
  });
  if (res.kind !== 'queued') throw new Error(`not queued: ${JSON.stringify(res)}`);
  return res.jobId;
}

const report = (extra: Partial<Report> = {}): Report => ({
  command: 'status',
  ok: true,
  title: 'status: all good',
  blocks: [{ kind: 'text', text: 'all good' }],
  ...extra,
});

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; calls: ${slack?.calls.map((c) => c.method).join(' ')}`);
}

/**
 * Waits until the job is final and no notify job is waiting, running or due soon (a response URL's "window
 * closing" check is scheduled minutes ahead and does nothing once the job is final).
 */
async function settled(jobId: string) {
  await waitFor(async () => {
    const rec = await runtime!.store.get(jobId);
    if (!rec || !['succeeded', 'failed', 'cancelled'].includes(rec.state)) return undefined;
    const queue = runtime!.queues.notify;
    const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
    if (Object.values(counts).some((n) => n > 0)) return undefined;
    const soon = (await queue.getDelayed()).filter((j) => j.timestamp + (j.opts.delay ?? 0) < Date.now() + 60_000);
    return soon.length === 0 ? rec : undefined;
  }, `job ${jobId} and its notify jobs to settle`);
  return runtime!.store.get(jobId);
}

const method = (name: string) => slack!.calls.filter((c) => c.method === name);
const messageOf = async (jobId: string) => slack!.messages.get((await runtime!.store.get(jobId))?.messageTs ?? '');

describe('notify worker against the strict Slack stand-in', () => {
  it('a command from a private channel the bot is not in gets its result through response_url', async () => {
    await start();
    const jobId = await run(
      'G0PRIVATE',
      async (ctx) => {
        for (let i = 1; i <= 5; i++) await ctx.progress(`step ${i}/5`);
        return report();
      },
      'stand-in',
    );
    await settled(jobId);
    // One refused attempt in the channel, nothing posted there, then answers through the response URL only.
    expect(method('chat.postMessage')).toHaveLength(1);
    expect(slack!.messages.size).toBe(0);
    const answers = slack!.ephemerals.filter((e) => e.user === 'U0ANN' && !e.deleted);
    expect(answers).toHaveLength(1);
    const shown = JSON.stringify(answers[0]?.blocks);
    expect(shown).toContain('*Succeeded*');
    expect(shown).toContain('all good');
    expect(shown).toContain('invite it with `/invite @netops`');
    const url = slack!.responseUrls[0]!;
    expect(url.uses).toBeLessThanOrEqual(5);
    expect(url.requests.every((r) => r.status === 200 && r.body.replace_original === true)).toBe(true);
    // The whole result is also there for the asking, answered to the user alone (an ack needs no membership).
    const ask = (userId: string) =>
      runtime!.intake({
        text: `/jobs ${jobId}`,
        userId,
        channelId: 'G0PRIVATE',
        requestId: randomUUID(),
        reply: { kind: 'slack', channel: 'G0PRIVATE' },
      });
    const mine = await ask('U0ANN');
    expect(mine.kind === 'answer' && JSON.stringify(mine.report.blocks)).toContain('all good');
    const theirs = await ask('U0BOB');
    expect(theirs.kind === 'answer' && theirs.report.title).toMatch(/started by someone else/);
  });

  it('a chart refused for membership is posted zero times and reported once; no orphan file is left', async () => {
    await start({ scopes: PUBLIC_SCOPES });
    const chart = join(dir, 'weave-vs-bare.png');
    await writeFile(chart, png);
    const jobId = await run('C0PUBLIC', async () =>
      report({ thread: [{ kind: 'text', text: 'probe detail' }], files: [{ path: chart, title: 'weave' }] }),
    );
    await settled(jobId);
    expect(slack!.uploads).toEqual([]);
    expect(method('files.getUploadURLExternal')).toHaveLength(1);
    expect(method('files.completeUploadExternal')).toHaveLength(1);
    expect(slack!.orphanFiles()).toEqual([]);
    // The thread detail was posted once (chat:write.public covers messages in a public channel).
    const thread = [...slack!.messages.values()].filter((m) => m.threadTs !== undefined);
    expect(thread).toHaveLength(1);
    const final = JSON.stringify((await messageOf(jobId))?.blocks);
    expect(final.match(/chart `weave-vs-bare.png` could not be posted/g)).toHaveLength(1);
    expect(final).toContain('/invite @netops');
  });

  it('a 30-step job stays under Slack update tier: updates coalesce, the final state is delivered', async () => {
    await start();
    const jobId = await run('C0OPS', async (ctx) => {
      for (let i = 1; i <= 30; i++) {
        await ctx.progress(`placing ${i}/30`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return report();
    });
    await settled(jobId);
    const updates = method('chat.update');
    expect(slack!.rateLimited).toEqual([]);
    // 30 steps in ~1.5 s: about one render per second, never one per step.
    expect(updates.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(900);
    expect(JSON.stringify((await messageOf(jobId))?.blocks)).toContain('*Succeeded*');
    expect(method('chat.postMessage')).toHaveLength(1);
  });

  it('replies to many commands in one channel are posted about one a second, each once, without a 429', async () => {
    await start();
    const jobs = await Promise.all(Array.from({ length: 6 }, () => run('C0OPS', async () => report())));
    for (const jobId of jobs) await settled(jobId);
    const posts = method('chat.postMessage');
    expect(posts).toHaveLength(6);
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(900);
    expect(slack!.rateLimited).toEqual([]);
    for (const jobId of jobs) expect(JSON.stringify((await messageOf(jobId))?.blocks)).toContain('*Succeeded*');
  });

  it('a 429 delays that channel only', async () => {
    await start();
    let refused = false;
    slack!.intercept((call) => {
      if (call.method !== 'chat.update' || call.body.channel !== 'C0OPS' || refused) return undefined;
      refused = true;
      return { status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } };
    });
    const slow = await run('C0OPS', async (ctx) => {
      await ctx.progress('one');
      return report();
    });
    await waitFor(() => refused, 'the 429 in C0OPS');
    const other = await run('C0B', async (ctx) => {
      await ctx.progress('two');
      return report();
    });
    await settled(other);
    const otherDone = method('chat.update')
      .filter((c) => c.body.channel === 'C0B')
      .at(-1)!.at;
    await settled(slow);
    const retried = method('chat.update').filter((c) => c.body.channel === 'C0OPS');
    // C0B finished while C0OPS waited out its Retry-After; C0OPS then got its final state.
    expect(retried.at(-1)!.at).toBeGreaterThan(otherDone);
    expect(retried.at(-1)!.at - retried[0]!.at).toBeGreaterThanOrEqual(2_900);
    expect(JSON.stringify((await messageOf(slow))?.blocks)).toContain('*Succeeded*');
  });

  it('a final message Slack refuses is replaced by a plain one with the result, not left at Running', async () => {
    await start();
    // An empty text block renders an empty section: Slack answers invalid_blocks.
    const jobId = await run('C0OPS', async () => report({ blocks: [{ kind: 'text', text: '' }] }));
    await settled(jobId);
    const shown = JSON.stringify((await messageOf(jobId))?.blocks);
    expect(shown).toContain('*Succeeded*');
    expect(shown).toContain('status: all good');
    expect(shown).toContain(`see it with \`/jobs ${jobId}\``);
  });

  it('a 429 on a later thread message never posts an earlier one twice', async () => {
    await start();
    const thread = Array.from({ length: 60 }, (_, i) => ({ kind: 'text' as const, text: `detail ${i}` }));
    let refusals = 0;
    slack!.intercept((call) => {
      if (call.method !== 'chat.postMessage' || !call.body.thread_ts) return undefined;
      if (!JSON.stringify(call.body.blocks).includes('detail 50') || refusals > 0) return undefined;
      refusals += 1;
      return { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
    });
    const jobId = await run('C0OPS', async () => report({ thread }));
    await settled(jobId);
    expect(refusals).toBe(1);
    const posted = [...slack!.messages.values()].filter((m) => m.threadTs !== undefined).map((m) => m.text);
    expect(posted).toEqual(['Details (1/2)', 'Details (2/2)']);
  });

  it("an approval decision replaces the plan's buttons through the press's response_url", async () => {
    await start({ scopes: PUBLIC_SCOPES });
    const rt = runtime!;
    const planJobId = `plan-${randomUUID().slice(0, 8)}`;
    const approval = await rt.approvals.save({
      jobId: planJobId,
      commandName: 'deploy',
      commandText: '/deploy httpbackend subnet=tenant-b',
      args: { job: 'httpbackend', tenant: 'tenant-b' },
      requester: { userId: 'U0ANN', channelId: 'C0PUBLIC' },
      reply: { kind: 'slack', channel: 'C0PUBLIC' },
      tenant: 'tenant-b',
      nomadJobId: 'httpbackend-tenant-b',
      jobJson: '{}',
      templateJson: '{}',
      jobModifyIndex: 1,
      planHash: 'feedface',
      planLines: [],
      createdAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    const planJob = await run(
      'C0PUBLIC',
      async () =>
        report({ title: 'deploy: awaiting approval', blocks: [{ kind: 'actions', approvalId: approval.id }] }),
      undefined,
      planJobId,
    );
    await settled(planJob);
    const plan = (await rt.store.get(planJob))!.messageTs!;
    expect(JSON.stringify(slack!.messages.get(plan)?.blocks)).toContain('netops_reject');
    const updatesBefore = method('chat.update').length;
    const press = slack!.issueResponseUrl({ kind: 'action', channel: 'C0PUBLIC', user: 'U0ANN', messageTs: plan });
    const decided = await rt.decideApproval({
      approvalId: approval.id,
      decision: 'reject',
      userId: 'U0ANN',
      channelId: 'C0PUBLIC',
      reply: { kind: 'slack', channel: 'C0PUBLIC' },
      respond: { url: press, kind: 'action', expiresAt: Date.now() + 30 * 60_000 },
    });
    expect(decided).toMatchObject({ ok: true, planUpdated: true });
    await waitFor(() => slack!.responseUrls.find((u) => u.url === press)?.uses === 1 || undefined, 'the replace');
    await settled(planJob);
    const shown = JSON.stringify(slack!.messages.get(plan)?.blocks);
    expect(shown).toContain('Rejected by');
    expect(shown).not.toContain('netops_reject');
    expect(method('chat.update')).toHaveLength(updatesBefore);
    expect(method('chat.postEphemeral')).toEqual([]);
  });

  it('tells the user where the result will be when the response URL closes on a job that sits still', async () => {
    await start();
    const url = slack!.issueResponseUrl({ kind: 'command', channel: 'G0PRIVATE', user: 'U0ANN' });
    const requests = () => slack!.responseUrls[0]!.requests.map((r) => JSON.stringify(r.body.blocks));
    const jobId = await run(
      'G0PRIVATE',
      async (ctx) => {
        await ctx.progress('waiting for a slow host');
        // No progress at all until the notice has gone out: it comes from time alone.
        await waitFor(() => requests().some((t) => t.includes('for 30 minutes only')), 'the notice');
        return report();
      },
      // The window closes 5 minutes after now + 1.5 s: the notice is due 1.5 s into the job.
      { url, kind: 'command', expiresAt: Date.now() + 5 * 60_000 + 1_500 },
    );
    await settled(jobId);
    const sent = requests();
    expect(sent[0]).not.toContain('for 30 minutes only');
    expect(sent.filter((t) => t.includes(`see its result with \`/jobs ${jobId}\``)).length).toBeGreaterThan(0);
    expect(sent.at(-1)).toContain('*Succeeded*');
    expect(sent.length).toBeLessThanOrEqual(5);
  });

  it('warns where the result will be when the response URL closes before the job ends; an expired one posts nothing', async () => {
    await start();
    const url = slack!.issueResponseUrl({ kind: 'command', channel: 'G0PRIVATE', user: 'U0ANN' });
    const closing = await run(
      'G0PRIVATE',
      async (ctx) => {
        await ctx.progress('working');
        // Still running when the first answer goes out.
        await waitFor(() => slack!.responseUrls[0]!.requests.length > 0, 'the first answer');
        return report();
      },
      { url, kind: 'command', expiresAt: Date.now() + 4 * 60_000 },
    );
    await settled(closing);
    const texts = slack!.responseUrls[0]!.requests.map((r) => JSON.stringify(r.body.blocks));
    expect(texts.some((t) => t.includes(`see its result with \`/jobs ${closing}\``))).toBe(true);
    expect(texts.at(-1)).toContain('*Succeeded*');

    const expired = await run('G0PRIVATE', async () => report(), {
      url: slack!.issueResponseUrl({ kind: 'command', channel: 'G0PRIVATE', user: 'U0ANN' }),
      kind: 'command',
      expiresAt: Date.now() - 1,
    });
    await settled(expired);
    expect(slack!.responseUrls[1]!.requests).toEqual([]);
  });
});
