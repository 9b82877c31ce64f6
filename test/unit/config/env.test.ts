import { describe, expect, it } from 'vitest';
import { readNetopsEnv } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/errors.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readNetopsEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('readNetopsEnv: every process variable checked in one place', () => {
  it('reads good values, trimmed and typed', () => {
    expect(
      readNetopsEnv({
        NETOPS_ROLE: ' worker ',
        NETOPS_FRONTEND: 'socket',
        NETOPS_CONFIG: 'config/lab.yaml',
        NETOPS_RATE_LIMIT: '120,,8000',
        NETOPS_LOCK_DURATION_MS: '3000',
        NETOPS_METRICS_PORT: '9464',
        NETOPS_SOCKET_CONNECTIONS: '4',
        NETOPS_SLACK_AUTH_CHECK_MS: '60000',
        NETOPS_USER: 'ann',
        NETOPS_CHARTS_DIR: '/tmp/charts',
        NETOPS_REDIS_DIR: '/tmp/redis',
        LOG_LEVEL: 'debug',
      }),
    ).toEqual({
      NETOPS_ROLE: 'worker',
      NETOPS_FRONTEND: 'socket',
      NETOPS_CONFIG: 'config/lab.yaml',
      NETOPS_RATE_LIMIT: { perUserPerMinute: 120, burst: undefined, maxTextBytes: 8000 },
      NETOPS_LOCK_DURATION_MS: 3000,
      NETOPS_METRICS_PORT: 9464,
      NETOPS_SOCKET_CONNECTIONS: 4,
      NETOPS_SLACK_AUTH_CHECK_MS: 60000,
      NETOPS_USER: 'ann',
      NETOPS_CHARTS_DIR: '/tmp/charts',
      NETOPS_REDIS_DIR: '/tmp/redis',
      LOG_LEVEL: 'debug',
    });
  });

  it('treats unset and empty variables alike and ignores variables it does not own', () => {
    expect(readNetopsEnv({ NETOPS_ROLE: '', NETOPS_RATE_LIMIT: '  ', HOME: '/root' })).toEqual({});
    expect(readNetopsEnv({ NETOPS_RATE_LIMIT: 'off' }).NETOPS_RATE_LIMIT).toBe('off');
  });

  it.each([
    ['NETOPS_ROLE', 'wrker', 'NETOPS_ROLE: must be all, bot or worker, got "wrker"'],
    ['NETOPS_FRONTEND', 'rtm', 'NETOPS_FRONTEND: must be http, socket or console, got "rtm"'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL: must be fatal, error, warn, info, debug, trace or silent, got "verbose"'],
    ['NETOPS_RATE_LIMIT', 'x,-1', 'NETOPS_RATE_LIMIT: must be off or'],
    ['NETOPS_RATE_LIMIT', '1,2,3,4', 'NETOPS_RATE_LIMIT: must be off or'],
    ['NETOPS_RATE_LIMIT', '0,5', 'NETOPS_RATE_LIMIT: must be off or'],
    ['NETOPS_RATE_LIMIT', '0x10', 'NETOPS_RATE_LIMIT: must be off or'],
    ['NETOPS_LOCK_DURATION_MS', '3s', 'NETOPS_LOCK_DURATION_MS: must be a whole number from 1 to 3600000 ms, got "3s"'],
    ['NETOPS_METRICS_PORT', '70000', 'NETOPS_METRICS_PORT: must be a whole number from 1 to 65535, got "70000"'],
    ['NETOPS_SOCKET_CONNECTIONS', '11', 'NETOPS_SOCKET_CONNECTIONS: must be a whole number from 1 to 10, got "11"'],
    ['NETOPS_SOCKET_CONNECTIONS', '0', 'NETOPS_SOCKET_CONNECTIONS: must be a whole number from 1 to 10, got "0"'],
    ['NETOPS_SLACK_AUTH_CHECK_MS', '-5', 'NETOPS_SLACK_AUTH_CHECK_MS: must be a whole number from 1 to'],
  ])('%s=%s is a start-up error naming the variable', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('names every bad variable at once', () => {
    expect(problemsOf({ NETOPS_ROLE: 'wrker', NETOPS_METRICS_PORT: 'http' }).map((p) => p.split(':')[0])).toEqual([
      'NETOPS_ROLE',
      'NETOPS_METRICS_PORT',
    ]);
  });

  it("a misspelt NETOPS_ name is an error naming the variable it was meant to be; the tooling's names are not", () => {
    expect(problemsOf({ NETOPS_ROEL: 'worker' })).toEqual([
      'NETOPS_ROEL: not a variable netops reads; did you mean NETOPS_ROLE?',
    ]);
    expect(problemsOf({ NETOPS_RATELIMIT: 'off', NETOPS_ROLE: 'wrker' })).toEqual([
      'NETOPS_RATELIMIT: not a variable netops reads; did you mean NETOPS_RATE_LIMIT?',
      expect.stringContaining('NETOPS_ROLE'),
    ]);
    expect(
      problemsOf({ NETOPS_REQUIRE_LAB: '1', NETOPS_TEST_WORKERS: '2', NETOPS_SSH_KEY: './k', NETOPS_LAB_STATE: '/x' }),
    ).toEqual([]);
  });
});
