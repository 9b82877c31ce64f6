import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notifier, PartContext } from '../../../../src/chat/notifier.js';
import {
  createSlackNotifier,
  createSlackWebClient,
  isRateLimited,
  SlackRateLimitedError,
} from '../../../../src/chat/slack/slack-notifier.js';
import { ErrorCode, UpstreamHttpError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import type { Report, StatusView } from '../../../../src/report/model.js';
import { deliveryProblemOf } from '../../../../src/report/notifier.js';
import { type SlackApiStub, startSlackApiStub } from '../../../helpers/slack-api-stub.js';

const running: StatusView = {
  jobId: 'job-1',
  state: 'running',
  commandText: '/deploy httpbackend subnet=tenant-b',
  userId: 'U123',
  step: 'placing 1/2',
  history: ['planned', 'registered'],
  startedAt: 1_000,
};

const noState = (): PartContext & { saved?: string } => {
  const state: PartContext & { saved?: string } = {
    save: async (value) => {
      state.saved = value;
    },
  };
  return state;
};

// Renders a section with empty text, which Slack refuses (invalid_blocks): the fallback must not need the blocks.
const hugeReport: Report = {
  command: 'status',
  ok: true,
  title: 'huge',
  blocks: [
    { kind: 'code', text: 'xxxx' },
    { kind: 'text', text: '' },
  ],
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

  it('posts thread detail under the message as one part per thread message', async () => {
    const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
    const parts = notifier.detailParts(ref, report);
    expect(parts.map((p) => [p.key, p.label, p.posts])).toEqual([['thread-0', 'detail message', true]]);
    await parts[0]?.send(noState());
    const replies = [...stub.messages.values()].filter((m) => m.threadTs === ref.ts);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]?.blocks)).toContain('task events');
  });

  it('uploads a PNG into the thread step by step, keeping the file id for a retry of the last step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netops-upload-'));
    try {
      const path = join(dir, 'bench.png');
      await writeFile(path, pngBytes);
      const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
      const [part] = notifier.detailParts(ref, {
        ...report,
        thread: [],
        files: [{ path, title: 'weave vs bare metal' }],
      });
      expect(part?.label).toBe('chart `bench.png`');
      stub.failNext('files.completeUploadExternal', { status: 500 });
      const state = noState();
      const err = await part?.send(state).catch((e: unknown) => e);
      expect((err as UpstreamHttpError).retryable).toBe(true);
      expect(state.saved).toMatch(/^F/);
      await part?.send(state);
      expect(stub.uploads).toEqual([
        { filename: 'bench.png', bytes: pngBytes.length, channel: 'C1', threadTs: ref.ts },
      ]);
      // One upload, two completions: the retry did not upload the bytes again.
      expect(stub.calls.map((c) => c.method)).toEqual([
        'chat.postMessage',
        'files.getUploadURLExternal',
        'upload',
        'files.completeUploadExternal',
        'files.completeUploadExternal',
      ]);
      expect(stub.orphanFiles()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers through a response URL, replacing its own last answer, and maps Slack refusals', async () => {
    const url = stub.issueResponseUrl({ kind: 'command', channel: 'C1', user: 'U123' });
    // Slack posts at most about one message per second per channel: the stand-in's clock moves on between answers.
    const respond: NonNullable<Notifier['respond']> = (...args) => {
      stub.advanceClock(2_000);
      return notifier.respond!(...args);
    };
    await respond({ url, kind: 'command' }, running, undefined, { replaceOriginal: true });
    await respond({ url, kind: 'command' }, { ...running, step: 'placing 2/2' }, undefined, { replaceOriginal: true });
    const mine = stub.ephemerals.filter((e) => e.user === 'U123');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text).toContain('placing 2/2');
    expect(stub.messages.size).toBe(0);
    const bad = await respond({ url, kind: 'command' }, running, hugeReport, { replaceOriginal: true }).catch(
      (e: unknown) => e,
    );
    expect(deliveryProblemOf(bad)).toBe('content_rejected');
    await respond({ url, kind: 'command' }, running, hugeReport, { replaceOriginal: true, plain: true });
    await respond({ url, kind: 'command' }, running, undefined, { replaceOriginal: true });
    const spent = await respond({ url, kind: 'command' }, running, undefined, { replaceOriginal: true }).catch(
      (e: unknown) => e,
    );
    expect(deliveryProblemOf(spent)).toBe('url_spent');
    expect(JSON.stringify(spent)).not.toContain(url);
  });

  it('renders a plain message (status and title only) when asked', async () => {
    const ref = await notifier.post({ channel: 'C1', userId: 'U123' }, running);
    await notifier.update(ref, { ...running, state: 'succeeded', notes: ['too big'] }, hugeReport, { plain: true });
    const shown = JSON.stringify(stub.messages.get(ref.ts)?.blocks);
    expect(shown).toContain(':warning: too big');
    expect(shown).toContain('*huge*');
    expect(shown).not.toContain('xxxx');
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
