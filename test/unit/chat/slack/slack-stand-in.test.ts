import { afterEach, describe, expect, it } from 'vitest';
import { createSlackWebClient } from '../../../../src/chat/slack/slack-notifier.js';
import { type SlackApiStub, type SlackApiStubOptions, startSlackApiStub } from '../../../helpers/slack-api-stub.js';

// The stand-in is what every Slack test trusts: these pin that it answers as Slack documents (sources are cited
// next to each rule in test/helpers/slack-stand-in/*).
let stub: SlackApiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const conversations: SlackApiStubOptions['conversations'] = {
  C0IN: { type: 'public', botMember: true },
  C0OUT: { type: 'public', botMember: false },
  G0PRIV: { type: 'private', botMember: false },
  D0IM: { type: 'im', botMember: false },
  G0MPIM: { type: 'mpim', botMember: false },
  C0OLD: { type: 'public', botMember: true, archived: true },
};

async function start(opts: SlackApiStubOptions = {}) {
  stub = await startSlackApiStub({ conversations, ...opts });
  return stub;
}

/** Calls a method with a JSON body and returns Slack's answer (never throws on ok:false or 429). */
async function call(s: SlackApiStub, method: string, body: Record<string, unknown>, token = 'xoxb-test') {
  const res = await fetch(`${s.url}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...((await res.json()) as object) } as {
    status: number;
    retryAfter: string | null;
    ok: boolean;
    error?: string;
    ts?: string;
    upload_url?: string;
    file_id?: string;
  };
}

async function respond(url: string, body: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as { ok: boolean; error?: string }) };
}

async function uploadTo(s: SlackApiStub, channel: string) {
  const ticket = await call(s, 'files.getUploadURLExternal', { filename: 'chart.png', length: 4 });
  await fetch(ticket.upload_url!, { method: 'POST', body: Buffer.from('png!') });
  return {
    id: ticket.file_id!,
    done: await call(s, 'files.completeUploadExternal', {
      files: [{ id: ticket.file_id, title: 'c' }],
      channel_id: channel,
    }),
  };
}

describe('Slack stand-in: membership and chat:write.public', () => {
  it('posts only where the bot is a member with the manifest scopes', async () => {
    const s = await start();
    expect((await call(s, 'chat.postMessage', { channel: 'C0IN', text: 'hi' })).ok).toBe(true);
    expect((await call(s, 'chat.postMessage', { channel: 'C0OUT', text: 'hi' })).error).toBe('not_in_channel');
    expect((await call(s, 'chat.postMessage', { channel: 'G0PRIV', text: 'hi' })).error).toBe('channel_not_found');
    expect((await call(s, 'chat.postMessage', { channel: 'D0IM', text: 'hi' })).error).toBe('channel_not_found');
    expect((await call(s, 'chat.postMessage', { channel: 'G0MPIM', text: 'hi' })).error).toBe('channel_not_found');
    expect((await call(s, 'chat.postMessage', { channel: 'C0OLD', text: 'hi' })).error).toBe('is_archived');
    expect((await call(s, 'chat.postMessage', { channel: 'C0NONE', text: 'hi' })).error).toBe('channel_not_found');
  });

  it('chat:write.public covers public channels for messages only: not private ones, files or ephemerals', async () => {
    const s = await start({ scopes: ['commands', 'chat:write', 'chat:write.public', 'files:write'] });
    const posted = await call(s, 'chat.postMessage', { channel: 'C0OUT', text: 'hi' });
    expect(posted.ok).toBe(true);
    expect((await call(s, 'chat.update', { channel: 'C0OUT', ts: posted.ts, text: 'edited' })).ok).toBe(true);
    expect((await call(s, 'chat.postMessage', { channel: 'G0PRIV', text: 'hi' })).error).toBe('channel_not_found');
    expect((await call(s, 'chat.postEphemeral', { channel: 'C0OUT', user: 'U1', text: 'x' })).error).toBe(
      'not_in_channel',
    );
    const { id, done } = await uploadTo(s, 'C0OUT');
    expect(done.error).toBe('not_in_channel');
    // The failed completion leaves the uploaded file behind, private: an orphan until deleted.
    expect(s.orphanFiles().map((f) => f.id)).toEqual([id]);
    expect((await call(s, 'files.delete', { file: id })).ok).toBe(true);
    expect(s.orphanFiles()).toEqual([]);
  });

  it('shares an upload completed in a member channel, and refuses a completion without the bytes', async () => {
    const s = await start();
    const { done } = await uploadTo(s, 'C0IN');
    expect(done.ok).toBe(true);
    expect(s.uploads).toEqual([{ filename: 'chart.png', bytes: 4, channel: 'C0IN', threadTs: undefined }]);
    const ticket = await call(s, 'files.getUploadURLExternal', { filename: 'x.png', length: 4 });
    const early = await call(s, 'files.completeUploadExternal', {
      files: [{ id: ticket.file_id }],
      channel_id: 'C0IN',
    });
    expect(early.error).toBe('file_not_found');
  });

  it('lets a test invite the bot mid-way', async () => {
    const s = await start();
    expect((await call(s, 'chat.postMessage', { channel: 'G0PRIV', text: 'hi' })).error).toBe('channel_not_found');
    s.setConversation('G0PRIV', { type: 'private', botMember: true });
    expect((await call(s, 'chat.postMessage', { channel: 'G0PRIV', text: 'hi' })).ok).toBe(true);
  });
});

describe('Slack stand-in: Block Kit limits', () => {
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  it('refuses invalid blocks and oversize messages with the documented errors', async () => {
    const s = await start({ rateLimits: false });
    const post = (blocks: unknown) => call(s, 'chat.postMessage', { channel: 'C0IN', text: 'x', blocks });
    expect((await post(Array.from({ length: 51 }, () => ({ type: 'divider' })))).error).toBe('invalid_blocks');
    expect((await post([section('a'.repeat(3001))])).error).toBe('invalid_blocks');
    expect((await post([section('')])).error).toBe('invalid_blocks');
    expect((await post([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).error).toBe(
      'invalid_blocks',
    );
    expect((await post(Array.from({ length: 5 }, () => section('b'.repeat(2900))))).error).toBe('msg_blocks_too_long');
    expect((await post([section('fine')])).ok).toBe(true);
    expect((await call(s, 'chat.postMessage', { channel: 'C0IN' })).error).toBe('no_text');
  });

  it('applies the same checks to chat.update and keeps the old message when it refuses', async () => {
    const s = await start();
    const posted = await call(s, 'chat.postMessage', { channel: 'C0IN', text: 'x', blocks: [section('old')] });
    const refused = await call(s, 'chat.update', {
      channel: 'C0IN',
      ts: posted.ts,
      text: 'x',
      blocks: Array.from({ length: 5 }, () => section('b'.repeat(2900))),
    });
    expect(refused.error).toBe('msg_blocks_too_long');
    expect(JSON.stringify(s.messages.get(posted.ts!)?.blocks)).toContain('old');
  });
});

describe('Slack stand-in: rate tiers', () => {
  it('answers 429 with Retry-After past the Tier 3 burst of chat.update, workspace-wide', async () => {
    const s = await start();
    const posted = await call(s, 'chat.postMessage', { channel: 'C0IN', text: 'x' });
    const answers = [];
    for (let i = 0; i < 12; i++)
      answers.push(await call(s, 'chat.update', { channel: 'C0IN', ts: posted.ts, text: `${i}` }));
    expect(answers.slice(0, 10).every((a) => a.ok)).toBe(true);
    expect(answers[10]).toMatchObject({ status: 429, ok: false, error: 'ratelimited' });
    expect(Number(answers[10]?.retryAfter)).toBeGreaterThanOrEqual(1);
    s.advanceClock(60_000);
    expect((await call(s, 'chat.update', { channel: 'C0IN', ts: posted.ts, text: 'later' })).ok).toBe(true);
  });

  it('limits chat.postMessage per channel: a burst in one channel does not stop another', async () => {
    const s = await start({ conversations: { ...conversations, C0TWO: { type: 'public', botMember: true } } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(s, 'chat.postMessage', { channel: 'C0IN', text: `${i}` }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect((await call(s, 'chat.postMessage', { channel: 'C0TWO', text: 'other' })).ok).toBe(true);
    expect(s.rateLimited.map((c) => c.method)).toEqual(['chat.postMessage']);
  });
});

describe('Slack stand-in: response URLs and ephemerals', () => {
  it('answers in a channel the bot is not in, replaces one ephemeral in place, and stops after 5 uses', async () => {
    const s = await start();
    const url = s.issueResponseUrl({ kind: 'command', channel: 'G0PRIV', user: 'U1' });
    for (let i = 0; i < 5; i++) {
      s.advanceClock(1_000);
      expect((await respond(url, { text: `step ${i}`, replace_original: i > 0 })).status).toBe(200);
    }
    const visible = s.ephemerals.filter((e) => e.user === 'U1' && !e.deleted);
    expect(visible).toHaveLength(1);
    expect(visible[0]).toMatchObject({ channel: 'G0PRIV', text: 'step 4', via: 'response_url', replaced: 4 });
    expect(await respond(url, { text: 'sixth', replace_original: true })).toMatchObject({
      status: 404,
      error: 'used_url',
    });
  });

  it('expires after 30 minutes and refuses invalid blocks like chat.postMessage', async () => {
    const s = await start();
    const url = s.issueResponseUrl({ kind: 'command', channel: 'C0IN', user: 'U1' });
    expect(
      await respond(url, { text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] }),
    ).toMatchObject({
      status: 400,
      error: 'invalid_blocks',
    });
    s.advanceClock(30 * 60_000 + 1);
    expect(await respond(url, { text: 'late' })).toMatchObject({ status: 404, error: 'expired_url' });
  });

  it("a button's URL replaces the message holding the button, even where the bot is not a member", async () => {
    const s = await start({ scopes: ['commands', 'chat:write', 'chat:write.public', 'files:write'] });
    const posted = await call(s, 'chat.postMessage', { channel: 'C0OUT', text: 'plan' });
    const url = s.issueResponseUrl({ kind: 'action', channel: 'C0OUT', user: 'U2', messageTs: posted.ts });
    expect((await respond(url, { replace_original: true, text: 'approved' })).ok).toBe(true);
    expect(s.messages.get(posted.ts!)).toMatchObject({ text: 'approved', updates: 1 });
    expect((await respond(url, { text: 'only you see this' })).ok).toBe(true);
    expect(s.ephemerals.at(-1)).toMatchObject({ user: 'U2', text: 'only you see this', replaced: 0 });
  });
});

describe('Slack stand-in: tokens and scopes', () => {
  it('answers not_authed, invalid_auth and a revoked token as Slack does', async () => {
    const s = await start();
    expect((await call(s, 'auth.test', {}, '')).error).toBe('not_authed');
    expect((await call(s, 'auth.test', {}, 'xoxp-user')).error).toBe('invalid_auth');
    s.setTokenState('xoxb-test', 'token_revoked');
    expect((await call(s, 'auth.test', {})).error).toBe('token_revoked');
  });

  it('needs the method scope, and lets interceptors answer first', async () => {
    const s = await start({ scopes: ['commands', 'chat:write'] });
    expect((await call(s, 'files.getUploadURLExternal', { filename: 'a', length: 1 })).error).toBe('missing_scope');
    s.failNext('auth.test', { error: 'invalid_auth' }, 2);
    const client = createSlackWebClient({ token: 'xoxb-1', slackApiUrl: s.url });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, user_id: 'U0BOT' });
  });
});
