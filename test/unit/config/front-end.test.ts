import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, chooseFrontEnd, loadConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';
import { baseEnv, type ConfigFixture, createConfigFixture } from './config-fixture.js';

const BOT = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };
const SIGNING = { SLACK_SIGNING_SECRET: 'f00dfeed' };
const APP = { SLACK_APP_TOKEN: 'xapp-1-A1-xyz' };

describe('chooseFrontEnd: the one chooser start-up uses', () => {
  let fx: ConfigFixture;
  const load = (env: Record<string, string>, slack?: Record<string, unknown>): Config =>
    loadConfig({ ...baseEnv(), ...env }, { path: fx.writeConfig({ ...fx.baseDoc(), ...(slack ? { slack } : {}) }) });
  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    throw new Error('expected a ConfigError');
  };
  beforeAll(() => {
    fx = createConfigFixture();
  });
  afterAll(() => fx.remove());

  it('derives the default from the secrets: app token → socket, signing secret → http, none → console', () => {
    expect(chooseFrontEnd(load({ ...BOT, ...SIGNING }), { env: {} })).toBe('http');
    expect(chooseFrontEnd(load({ ...BOT, ...APP }), { env: {} })).toBe('socket');
    // All three (the signing secret is on every app's Basic Information page): the app token says Socket Mode.
    expect(chooseFrontEnd(load({ ...BOT, ...SIGNING, ...APP }), { env: {} })).toBe('socket');
    expect(chooseFrontEnd(load({}), { env: {} })).toBe('console');
  });

  it('NETOPS_FRONTEND, then slack.frontend, overrides the default', () => {
    const all = load({ ...BOT, ...SIGNING, ...APP });
    expect(chooseFrontEnd(all, { env: { NETOPS_FRONTEND: 'http' } })).toBe('http');
    expect(chooseFrontEnd(all, { env: { NETOPS_FRONTEND: ' console ' } })).toBe('console');
    const fileSaysHttp = load({ ...BOT, ...SIGNING, ...APP }, { frontend: 'http' });
    expect(chooseFrontEnd(fileSaysHttp, { env: {} })).toBe('http');
    expect(chooseFrontEnd(fileSaysHttp, { env: { NETOPS_FRONTEND: 'socket' } })).toBe('socket');
    expect(chooseFrontEnd(fileSaysHttp, { env: { NETOPS_FRONTEND: '' } })).toBe('http');
  });

  it('an explicit front end names every secret it still needs', () => {
    expect(problemsOf(() => chooseFrontEnd(load(BOT), { env: { NETOPS_FRONTEND: 'socket' } }))).toEqual([
      'NETOPS_FRONTEND=socket needs an app-level token (xapp-…) — export SLACK_APP_TOKEN or set slack.appToken',
    ]);
    expect(problemsOf(() => chooseFrontEnd(load({}, { frontend: 'http' }), { env: {} }))).toEqual([
      'slack.frontend=http needs the bot token — export SLACK_BOT_TOKEN or set slack.botToken',
      'slack.frontend=http needs the signing secret — export SLACK_SIGNING_SECRET or set slack.signingSecret',
    ]);
    expect(problemsOf(() => chooseFrontEnd(load({}), { env: { NETOPS_FRONTEND: 'rtm' } }))).toEqual([
      'NETOPS_FRONTEND: must be http, socket or console, got "rtm"',
    ]);
  });

  it('a worker needs no front end: a bot token alone (to post replies) or nothing at all', () => {
    expect(chooseFrontEnd(load(BOT), { role: 'worker', env: {} })).toBe('none');
    expect(chooseFrontEnd(load({}), { role: 'worker', env: {} })).toBe('none');
    expect(chooseFrontEnd(load(BOT), { role: 'worker', env: { NETOPS_FRONTEND: 'http' } })).toBe('none');
  });

  it('a bot with only a bot token is told how to give it a front end', () => {
    for (const role of ['all', 'bot'] as const) {
      expect(problemsOf(() => chooseFrontEnd(load(BOT), { role, env: {} }))[0]).toMatch(
        /^slack: a bot token alone gives the bot no way to receive commands — set SLACK_SIGNING_SECRET .* worker processes \(NETOPS_ROLE=worker/,
      );
    }
  });

  it('an optional secret variable that is set but empty (what docker compose passes for an unset one) counts as unset', () => {
    expect(chooseFrontEnd(load({ ...BOT, ...SIGNING, SLACK_APP_TOKEN: '' }), { env: {} })).toBe('http');
  });
});
