import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpBot, startHttpBot } from '../../helpers/http-bot.js';
import type { SlackApiStub } from '../../helpers/slack-api-stub.js';
import { signSlackRequest, slashCommandBody } from '../../helpers/slack-signing.js';
import type { SpawnedProcess } from '../../helpers/spawn-bot.js';
import { waitFor } from '../../helpers/wait-for.js';

const SECRET = 'e2e-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-e2e-0000-test-token';

let env: HttpBot;
let slack: SlackApiStub;
let bot: SpawnedProcess;
let port: number;
let probe: Redis;

beforeAll(async () => {
  env = await startHttpBot({ secret: SECRET, token: TOKEN, admins: ['U0ANN'] });
  ({ slack, bot, port } = env);
  probe = new Redis(env.redisUrl);
});

afterAll(async () => {
  probe?.disconnect();
  await env?.close();
});

async function post(body: string, headers: Record<string, string>) {
  const startedAt = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/slack/commands`, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - startedAt };
}

const now = () => Math.floor(Date.now() / 1000);
const jobKeys = async () => (await probe.keys('netops:job:*')).filter((k) => !k.endsWith(':report'));

/** The shared waitFor, with the Slack calls and the bot's output in the failure. */
const waitForBot = <T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000) =>
  waitFor(
    fn,
    what,
    timeoutMs,
    () => `slack calls: ${JSON.stringify(slack.calls.map((c) => c.method))}\n${bot.output().slice(-3000)}`,
  );

describe('Slack HTTP receiver: the real Bolt app in its own process, against a Slack API stand-in', () => {
  it('rejects an unsigned request with 401 and enqueues nothing', async () => {
    const body = slashCommandBody({ command: '/status', text: '', triggerId: 'unsigned.1' });
    const res = await post(body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(401);
    expect(await jobKeys()).toEqual([]);
  });

  it('rejects a request with a tampered signature or an expired timestamp', async () => {
    const body = slashCommandBody({ command: '/status', text: '', triggerId: 'bad.1' });
    const tampered = { ...signSlackRequest(SECRET, body, now()), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect((await post(body, tampered)).status).toBe(401);
    const expired = signSlackRequest(SECRET, body, now() - 10 * 60);
    expect((await post(body, expired)).status).toBe(401);
    expect(await jobKeys()).toEqual([]);
  });

  it('answers /help in the ack itself, well within 3 s', async () => {
    const body = slashCommandBody({ command: '/help', text: '', triggerId: 'help.1' });
    const res = await post(body, signSlackRequest(SECRET, body, now()));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(2_000);
    const ack = JSON.parse(res.text) as { response_type: string; blocks: unknown[] };
    expect(ack.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack.blocks)).toContain('/isolation-check');
  });

  it('acks a usage error with the correct form and enqueues nothing', async () => {
    const before = (await jobKeys()).length;
    const body = slashCommandBody({ command: '/deploy', text: 'httpbackend', triggerId: 'usage.1' });
    const res = await post(body, signSlackRequest(SECRET, body, now()));
    expect(res.status).toBe(200);
    expect(res.text).toContain('subnet');
    // The ack is Slack mrkdwn: < and > arrive escaped and Slack shows them as typed.
    expect(res.text.replaceAll('&lt;', '<').replaceAll('&gt;', '>')).toContain('/deploy <job> subnet=<tenant>');
    expect((await jobKeys()).length).toBe(before);
  });

  it('queues a command, acks in time, then posts one message and updates it in place to the result', async () => {
    const body = slashCommandBody({ command: '/netops', text: 'status', triggerId: 'status.1' });
    const res = await post(body, signSlackRequest(SECRET, body, now()));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(2_000);
    expect(res.text).toMatch(/Queued .*\/netops-status.* as job `status\.1`/);
    const final = await waitForBot(() => {
      const m = [...slack.messages.values()].find(
        (msg) => msg.channel === 'C0OPS' && /Succeeded|Failed/.test(JSON.stringify(msg.blocks)),
      );
      return m;
    }, 'final message');
    expect(JSON.stringify(final.blocks)).toContain('/netops-status');
    const ts = [...slack.messages.entries()].find(([, m]) => m === final)?.[0];
    // Later notify jobs re-render the same message in place (chat.update on its ts), never a second post.
    await waitForBot(
      () => slack.calls.find((c) => c.method === 'chat.update' && c.body.ts === ts),
      'an in-place update',
    );
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('the same signed request delivered twice produces exactly one job and one reply message', async () => {
    const postsBefore = slack.calls.filter((c) => c.method === 'chat.postMessage').length;
    const body = slashCommandBody({ command: '/status', text: '', triggerId: 'dup.42' });
    const first = await post(body, signSlackRequest(SECRET, body, now()));
    const second = await post(body, {
      ...signSlackRequest(SECRET, body, now()),
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toContain('Already received');
    await waitForBot(
      async () =>
        (await probe.hget('netops:job:dup.42', 'state')) === 'failed' ||
        (await probe.hget('netops:job:dup.42', 'state')) === 'succeeded'
          ? true
          : undefined,
      'job end',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await jobKeys()).toContain('netops:job:dup.42');
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').length - postsBefore).toBe(1);
  });
});
