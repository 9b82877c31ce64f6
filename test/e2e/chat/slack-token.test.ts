import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/queue/embedded-redis.js';
import { BOT_TOKEN, botEnv, stopAll, writeBotConfig } from '../../faults/bot-processes.js';
import { postSlashCommand } from '../../faults/slack-client.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../../helpers/slack-api-stub.js';
import { type SpawnedProcess, spawnEntry, waitForOutput } from '../../helpers/spawn-bot.js';
import { waitFor } from '../../helpers/wait-for.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let slack: SlackApiStub;
let probe: Redis;
const procs: SpawnedProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  slack = await startSlackApiStub({ token: BOT_TOKEN });
  probe = new Redis(redis.url);
});
afterAll(async () => {
  await stopAll(procs);
  probe?.disconnect();
  await slack?.close();
  await redis?.stop();
});

async function readyz(port: number): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, text: await res.text() };
}

describe('Slack token health of a real bot process (HTTP receiver) against the Web API stand-in', () => {
  it('a token Slack refuses stops the start with the fix, before anything is taken', async () => {
    const port = await findFreePort();
    const config = writeBotConfig({ slackApiUrl: slack.url }).fileFor(port);
    const bot = spawnEntry('start.ts', botEnv(config, redis.url, { SLACK_BOT_TOKEN: 'xoxb-mistyped-0000' }));
    procs.push(bot);
    const code = await new Promise<number | null>((r) => bot.child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(bot.output()).toContain(
      'SLACK_BOT_TOKEN: Slack does not accept the bot token (invalid_auth) — copy the Bot User OAuth Token (xoxb-…)',
    );
    expect(bot.output()).not.toContain('slack front end started');
  });

  it('a token revoked while running: /readyz turns 503 and the next command is answered, not run', async () => {
    const port = await findFreePort();
    const config = writeBotConfig({ slackApiUrl: slack.url }).fileFor(port);
    // The periodic auth.test is far away: only the failing reply itself can reveal the revocation.
    const bot = spawnEntry('start.ts', botEnv(config, redis.url, { NETOPS_SLACK_AUTH_CHECK_MS: '3600000' }));
    procs.push(bot);
    await waitForOutput(bot, /slack front end started/, 30_000);
    expect(await readyz(port)).toEqual({ status: 200, text: 'ready\n' });
    expect(slack.calls.filter((c) => c.method === 'auth.test').length).toBeGreaterThan(0);

    slack.setTokenState(BOT_TOKEN, 'token_revoked');
    const first = await postSlashCommand(port, { command: '/cni-bench', text: 'history weave', triggerId: 'tok.1' });
    expect(first.text).toContain('as job `tok.1`');
    await waitFor(
      async () => ((await readyz(port)).status === 503 ? true : undefined),
      '/readyz 503 after the reply was refused',
      20_000,
      () => bot.output().slice(-3000),
    );
    expect(await readyz(port)).toEqual({
      status: 503,
      text: 'not ready: Slack refuses the bot token (token_revoked)\n',
    });

    const second = await postSlashCommand(port, {
      command: '/deploy',
      text: 'httpbackend subnet=tenant-b',
      triggerId: 'tok.2',
    });
    expect(second.status).toBe(200);
    const ack = JSON.parse(second.text) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('netops-bot cannot post to Slack right now, so nothing was queued');
    expect(ack.text).toContain('revoked (token_revoked)');
    expect(await probe.exists('netops:job:tok.2')).toBe(0);
    expect(await probe.exists('netops:job:tok.1')).toBe(1);
  });
});
