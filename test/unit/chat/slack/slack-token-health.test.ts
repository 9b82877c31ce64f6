import type { FetchFunction } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackWebClient } from '../../../../src/chat/slack/slack-notifier.js';
import { createSlackTokenHealth, describeTokenProblem } from '../../../../src/chat/slack/slack-token-health.js';
import { createTokenGatedIntake } from '../../../../src/chat/slack/token-gated-intake.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { type SlackApiStub, startSlackApiStub } from '../../../helpers/slack-api-stub.js';

const TOKEN = 'xoxb-health-1';
// Node's fetch is what WebClient uses by default; @types/node 20's Headers type lacks entries() it declares.
const nodeFetch = globalThis.fetch as unknown as FetchFunction;

describe('Slack token health against the Web API stand-in', () => {
  let stub: SlackApiStub;
  beforeEach(async () => {
    stub = await startSlackApiStub({ token: TOKEN });
  });
  afterEach(async () => {
    await stub.close();
  });
  const healthFor = (token: string) =>
    createSlackTokenHealth({
      client: createSlackWebClient({ token, slackApiUrl: stub.url }),
      logger: createSilentLogger(),
    });

  it('auth.test: the identity of a good token, the error of a refused one', async () => {
    const good = healthFor(TOKEN);
    expect(await good.check()).toEqual({ botId: 'B0BOT', botUserId: 'U0BOT', teamId: 'T0001' });
    expect(good.problem()).toBeUndefined();
    const typo = healthFor('xoxb-typo');
    expect(await typo.check()).toBeUndefined();
    expect(typo.problem()?.error).toBe('invalid_auth');
    stub.setTokenState(TOKEN, 'token_revoked');
    await good.check();
    expect(good.problem()?.error).toBe('token_revoked');
  });

  it('an unreachable Slack leaves the health as it was', async () => {
    const health = healthFor(TOKEN);
    await stub.close();
    expect(await health.check()).toBeUndefined();
    expect(health.problem()).toBeUndefined();
    stub = await startSlackApiStub({ token: TOKEN });
  });

  it('any call made through the watched fetch reports a token error, other errors do not count', async () => {
    const health = healthFor(TOKEN);
    const client = createSlackWebClient({ token: TOKEN, slackApiUrl: stub.url, fetch: health.watch(nodeFetch) });
    stub.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toThrow();
    expect(health.problem()).toBeUndefined();
    stub.setTokenState(TOKEN, 'account_inactive');
    await expect(client.chat.postMessage({ channel: 'C1', text: 'b' })).rejects.toThrow();
    expect(health.problem()?.error).toBe('account_inactive');
  });

  it('an app-level token (Socket Mode) refused is not the bot token', async () => {
    const health = healthFor(TOKEN);
    const appClient = createSlackWebClient({
      token: 'xapp-1-A1-x',
      slackApiUrl: stub.url,
      fetch: health.watch(nodeFetch),
    });
    await expect(appClient.auth.test()).rejects.toThrow();
    expect(health.problem()).toBeUndefined();
  });

  it('the gated intake answers with the reason and the fix instead of taking the command', async () => {
    let taken = 0;
    const problem = { current: undefined as { error: string; atMs: number } | undefined };
    const intake = createTokenGatedIntake(
      async () => {
        taken += 1;
        return { kind: 'usage', message: 'x' };
      },
      { problem: () => problem.current },
    );
    const cmd = { text: '/jobs', userId: 'U1', requestId: 'r1', reply: { kind: 'console' as const } };
    expect((await intake(cmd)).kind).toBe('usage');
    problem.current = { error: 'token_revoked', atMs: 0 };
    const refused = await intake(cmd);
    expect(refused).toEqual({
      kind: 'error',
      message: `netops-bot cannot post to Slack right now, so nothing was queued: ${describeTokenProblem('token_revoked')}. Tell a netops-bot admin.`,
    });
    expect(taken).toBe(1);
    expect(describeTokenProblem('token_revoked')).toMatch(/revoked \(token_revoked\) — copy the Bot User OAuth Token/);
  });
});
