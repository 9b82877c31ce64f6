import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notifier } from '../../../src/chat/notifier.js';
import {
  createSlackNotifier,
  createSlackWebClient,
  isRateLimited,
  SlackRateLimitedError,
} from '../../../src/chat/slack-notifier.js';
import { ErrorCode, UpstreamHttpError } from '../../../src/errors.js';
import { createSilentLogger } from '../../../src/logging.js';
import type { Report, StatusView } from '../../../src/report/model.js';
import { type SlackApiStub, startSlackApiStub } from '../../helpers/slack-api-stub.js';

const running: StatusView = {
  jobId: 'job-1',
  state: 'running',
  commandText: '/deploy httpbackend subnet=tenant-b',
  userId: 'U123',
  step: 'placing 1/2',
  history: ['planned', 'registered'],
  startedAt: 1_000,
};

const report: Report = {
  command: 'deploy',
  ok: true,
  title: 'deploy httpbackend-tenant-b: healthy 2/2',
  blocks: [
    { kind: 'heading', text: 'httpbackend-tenant-b' },
    { kind: 'table', columns: ['alloc', 'ip'], rows: [['a1', '10.32.1.2']] },
  ],
  thread: [{ kind: 'code', text: 'task events\nstarted\nhealthy' }],
};

// A 1x1 PNG: real bytes, so the upload path carries binary data through multipart encoding.
const pngBytes = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('createSlackNotifier against the Slack API stub', () => {
  let stub: SlackApiStub;
  let notifier: Notifier;
  let nowMs = 13_000;

  beforeEach(async () => {
    stub = await startSlackApiStub({ channels: ['C1'] });
    const client = createSlackWebClient({ token: 'xoxb-test-token', slackApiUrl: stub.url });
    notifier = createSlackNotifier({ client, logger: createSilentLogger(), nowMs: () => nowMs });
  });

  afterEach(async () => {
    await stub.close();
  });

  it('posts one message, then updates it in place', async () => {
    const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
    expect(ref.channel).toBe('C1');
    const posted = stub.messages.get(ref.ts);
    expect(posted?.text).toBe('Running: placing 1/2: /deploy httpbackend subnet=tenant-b');
    expect(JSON.stringify(posted?.blocks)).toContain('*Running: placing 1/2* · 12s');
    expect(stub.calls[0]?.headers.authorization).toBe('Bearer xoxb-test-token');

    nowMs = 75_000;
    await notifier.update(ref, { ...running, state: 'succeeded', finishedAt: 61_000 }, report);
    const updated = stub.messages.get(ref.ts);
    expect(updated?.updates).toBe(1);
    expect(updated?.text).toBe(report.title);
    expect(JSON.stringify(updated?.blocks)).toContain('*Succeeded* · 1m 00s');
    expect(stub.messages.size).toBe(1);
  });

  it('posts into a thread when the target has one', async () => {
    const ref = await notifier.post({ channel: 'C1', threadTs: '1699999999.000001', userId: 'U123' }, running);
    expect(stub.messages.get(ref.ts)?.threadTs).toBe('1699999999.000001');
  });

  it('posts thread detail under the message', async () => {
    const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
    await notifier.postThread(ref, report);
    const replies = [...stub.messages.values()].filter((m) => m.threadTs === ref.ts);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]?.blocks)).toContain('task events');
  });

  it('uploads a PNG into the thread via the external upload flow', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netops-upload-'));
    try {
      const path = join(dir, 'bench.png');
      await writeFile(path, pngBytes);
      const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
      await notifier.uploadFiles(ref, [{ path, title: 'weave vs bare metal' }]);
      expect(stub.uploads).toEqual([
        { filename: 'bench.png', bytes: pngBytes.length, channel: 'C1', threadTs: ref.ts },
      ]);
      expect(stub.calls.map((c) => c.method)).toEqual([
        'chat.postMessage',
        'files.getUploadURLExternal',
        'upload',
        'files.completeUploadExternal',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns a 429 into a rate-limit error carrying the wait, without retrying in the client', async () => {
    const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
    stub.failNext('chat.update', { status: 429, retryAfterS: 7 });
    const err = await notifier.update(ref, running).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackRateLimitedError);
    expect(err).toBeInstanceOf(UpstreamHttpError);
    expect((err as UpstreamHttpError).requestName).toBe('slack.chat.update');
    expect((err as UpstreamHttpError).status).toBe(429);
    expect((err as UpstreamHttpError).retryable).toBe(true);
    expect(isRateLimited(err)).toBe(7_000);
    expect(stub.calls.filter((c) => c.method === 'chat.update')).toHaveLength(1);
    await notifier.update(ref, running);
    expect(stub.messages.get(ref.ts)?.updates).toBe(1);
  });

  it('turns a 500 into a retryable upstream error', async () => {
    stub.failNext('chat.postMessage', { status: 500 });
    const err = await notifier.post({ channel: 'C1', userId: 'U123' }, running).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamHttpError);
    expect((err as UpstreamHttpError).status).toBe(500);
    expect((err as UpstreamHttpError).retryable).toBe(true);
    expect(isRateLimited(err)).toBeUndefined();
    expect(stub.calls).toHaveLength(1);
  });

  it('turns ok:false errors into non-retryable upstream errors', async () => {
    const err = await notifier.post({ channel: 'C404', userId: 'U123' }, running).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamHttpError);
    expect((err as UpstreamHttpError).code).toBe(ErrorCode.UpstreamHttp);
    expect((err as UpstreamHttpError).body).toBe('channel_not_found');
    expect((err as UpstreamHttpError).retryable).toBe(false);
    expect(isRateLimited(err)).toBeUndefined();
  });

  it('reports an unknown message ts as message_not_found', async () => {
    const err = await notifier.update({ channel: 'C1', ts: '1.000001' }, running).catch((e: unknown) => e);
    expect((err as UpstreamHttpError).body).toBe('message_not_found');
  });

  it('rejects calls without a bot token', async () => {
    const client = createSlackWebClient({ token: 'not-a-bot-token', slackApiUrl: stub.url });
    const bad = createSlackNotifier({ client, logger: createSilentLogger() });
    const err = await bad.post({ channel: 'C1', userId: 'U123' }, running).catch((e: unknown) => e);
    expect((err as UpstreamHttpError).body).toBe('invalid_auth');
  });
});

describe('the Slack API stub itself', () => {
  let stub: SlackApiStub;

  beforeEach(async () => {
    stub = await startSlackApiStub();
  });

  afterEach(async () => {
    await stub.close();
  });

  it('answers the read methods and ephemeral posts with Slack-shaped bodies', async () => {
    const client = createSlackWebClient({ token: 'xoxb-1', slackApiUrl: stub.url });
    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'U0BOT' });
    expect(await client.users.info({ user: 'U9' })).toMatchObject({ ok: true, user: { id: 'U9' } });
    expect(await client.conversations.info({ channel: 'C7' })).toMatchObject({ ok: true, channel: { id: 'C7' } });
    expect(await client.chat.postEphemeral({ channel: 'C7', user: 'U9', text: 'hi' })).toMatchObject({ ok: true });
    expect(stub.calls.map((c) => c.method)).toEqual([
      'auth.test',
      'users.info',
      'conversations.info',
      'chat.postEphemeral',
    ]);
  });

  it('parses JSON bodies as well as form bodies, and hands out increasing ts values', async () => {
    const post = (body: unknown, auth = 'Bearer xoxb-2') =>
      fetch(`${stub.url}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ ok: boolean; ts?: string; error?: string }>);
    const first = await post({ channel: 'C1', text: 'a', blocks: [{ type: 'divider' }] });
    const second = await post({ channel: 'C1', text: 'b' });
    expect(first.ts).toBe('1700000000.000100');
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(stub.messages.get(first.ts!)?.blocks).toEqual([{ type: 'divider' }]);
    expect(await post({ channel: 'C1', text: 'c' }, 'Bearer xoxp-user')).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('fails the next calls of a method as many times as asked, then recovers', async () => {
    stub.failNext('auth.test', { error: 'invalid_auth' }, 2);
    const client = createSlackWebClient({ token: 'xoxb-1', slackApiUrl: stub.url });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });
});
