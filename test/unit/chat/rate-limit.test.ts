import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloodGate, IncomingCommand, IntakeResult } from '../../../src/chat/intake.js';
import { createRateLimitedIntake, DEFAULT_RATE_LIMIT, resolveRateLimit } from '../../../src/chat/rate-limit.js';
import { readNetopsEnv } from '../../../src/config/env.js';
import { startTestRedis } from '../../helpers/redis-server.js';

/** An intake that takes the flood token as the real one does for a local answer, and records what got past it. */
function recordingIntake() {
  const seen: IncomingCommand[] = [];
  const intake = async (cmd: IncomingCommand, gate?: FloodGate): Promise<IntakeResult> => {
    const decision = await gate?.take();
    if (gate && decision && !decision.allowed) return gate.refusal(decision.waitMs);
    seen.push(cmd);
    return { kind: 'answer', report: { command: 'help', ok: true, title: 'ok', blocks: [] } };
  };
  return { seen, intake };
}

const cmd = (userId: string, text = '/status', n = 0): IncomingCommand => ({
  text,
  userId,
  requestId: `${userId}.${n}`,
  reply: { kind: 'slack', channel: 'C1' },
});

describe('rate-limited intake (in-process bucket)', () => {
  it('lets a burst through, then refuses with the wait time, then refills at the sustained rate', async () => {
    let now = 1_000_000;
    const { seen, intake } = recordingIntake();
    const limited = createRateLimitedIntake(
      intake,
      { perUserPerMinute: 6, burst: 3, maxTextBytes: 100 },
      { nowMs: () => now },
    );
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limited(cmd('U1', '/status', i)));
    expect(results.map((r) => r.kind)).toEqual(['answer', 'answer', 'answer', 'refused', 'refused']);
    const refused = results[3] as { message: string };
    // 6 a minute: one token every 10 s.
    expect(refused.message).toMatch(/limit is 6 a minute \(bursts of 3\).*try again in 10 s/);
    expect(seen).toHaveLength(3);
    // Another user has its own bucket.
    expect((await limited(cmd('U2'))).kind).toBe('answer');
    now += 10_000;
    expect((await limited(cmd('U1', '/status', 9))).kind).toBe('answer');
    expect((await limited(cmd('U1', '/status', 10))).kind).toBe('refused');
  });

  it('refuses oversized text before parsing or counting it', async () => {
    const { seen, intake } = recordingIntake();
    const limited = createRateLimitedIntake(intake, { perUserPerMinute: 60, burst: 1, maxTextBytes: 16 });
    const big = await limited(cmd('U1', `/deploy ${'é'.repeat(10)}`));
    expect(big).toEqual({
      kind: 'usage',
      message: 'That command is too long (28 bytes; the limit is 16). Nothing was run.',
    });
    expect(seen).toHaveLength(0);
    // The oversized one did not use the user's only token.
    expect((await limited(cmd('U1'))).kind).toBe('answer');
  });

  it('reads NETOPS_RATE_LIMIT over the defaults, and off disables it', () => {
    const fromEnv = (NETOPS_RATE_LIMIT?: string) =>
      resolveRateLimit(readNetopsEnv({ NETOPS_RATE_LIMIT }).NETOPS_RATE_LIMIT);
    expect(fromEnv()).toEqual(DEFAULT_RATE_LIMIT);
    expect(fromEnv('off')).toBeUndefined();
    expect(fromEnv('120,,8000')).toEqual({
      perUserPerMinute: 120,
      burst: DEFAULT_RATE_LIMIT.burst,
      maxTextBytes: 8000,
    });
    // A malformed value is a start-up error naming the variable, not the defaults (config/env.ts).
    expect(() => fromEnv('x,-1')).toThrow(/NETOPS_RATE_LIMIT: must be off or/);
  });
});

describe('rate-limited intake (Redis bucket shared by two bot processes)', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    redis = await startTestRedis();
    a = new Redis(redis.url);
    b = new Redis(redis.url);
  });
  afterAll(async () => {
    a.disconnect();
    b.disconnect();
    await redis.stop();
  });

  it('counts one budget per user across both limiters', async () => {
    const opts = { perUserPerMinute: 60, burst: 4, maxTextBytes: 4000 };
    const { seen, intake } = recordingIntake();
    const botA = createRateLimitedIntake(intake, opts, { redis: a, prefix: 'rl1' });
    const botB = createRateLimitedIntake(intake, opts, { redis: b, prefix: 'rl1' });
    const kinds = [];
    for (let i = 0; i < 6; i++) kinds.push((await (i % 2 ? botB : botA)(cmd('U9', '/status', i))).kind);
    expect(kinds.filter((k) => k === 'answer')).toHaveLength(4);
    expect(kinds.slice(4)).toEqual(['refused', 'refused']);
    expect(seen).toHaveLength(4);
    // Keys hold a hash of the user id, never the raw (untrusted) id, and expire.
    const keys = await a.keys('rl1:ratelimit:*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('U9');
    expect(await a.pttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('lets commands through when Redis is unreachable, so the intake can say so itself', async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => {});
    const { seen, intake } = recordingIntake();
    const limited = createRateLimitedIntake(intake, DEFAULT_RATE_LIMIT, dead);
    expect((await limited(cmd('U1'))).kind).toBe('answer');
    expect(seen).toHaveLength(1);
    dead.disconnect();
  });
});
