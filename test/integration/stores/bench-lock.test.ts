import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { acquireHostPairLock, hostPairLockKey } from '../../../src/stores/bench-lock.js';
import { startTestRedis } from '../../helpers/redis-server.js';

let server: Awaited<ReturnType<typeof startTestRedis>>;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const opts = (holder: string, positions: Array<number | null>, signal = new AbortController().signal) => ({
  redis,
  hosts: ['u2', 'u1'] as const,
  holder,
  signal,
  onPosition: (p: number | null) => {
    positions.push(p);
  },
  ttlMs: 1_500,
  pollMs: 50,
  prefix: `t${Math.random().toString(36).slice(2, 8)}`,
});

describe('host-pair bench lock', () => {
  it('lets one benchmark per pair run; the next waits, sees its position, then runs', async () => {
    const base = opts('job-a', []);
    const first = await acquireHostPairLock(base);
    const secondPositions: Array<number | null> = [];
    const thirdPositions: Array<number | null> = [];
    const order: string[] = [];
    const second = acquireHostPairLock({
      ...base,
      holder: 'job-b',
      onPosition: (p) => void secondPositions.push(p),
    }).then((l) => {
      order.push('b');
      return l;
    });
    await new Promise((r) => setTimeout(r, 200));
    const third = acquireHostPairLock({
      ...base,
      holder: 'job-c',
      onPosition: (p) => void thirdPositions.push(p),
    }).then((l) => {
      order.push('c');
      return l;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(secondPositions).toEqual([1]);
    expect(thirdPositions).toEqual([2]);
    // Held past its TTL: the refresh keeps it.
    await new Promise((r) => setTimeout(r, 1_800));
    expect(order).toEqual([]);
    expect(first.held).toBe(true);
    await first.release();
    const b = await second;
    expect(secondPositions.at(-1)).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(thirdPositions).toEqual([2, 1]);
    await b.release();
    const c = await third;
    expect(order).toEqual(['b', 'c']);
    await c.release();
    expect(await redis.exists(hostPairLockKey(['u1', 'u2'], base.prefix))).toBe(0);
  });

  it('frees the pair after the TTL when the holder crashed (no refresh, no release)', async () => {
    const base = opts('job-live', []);
    // What a worker that died mid-run leaves behind: the lock key, no one refreshing it.
    await redis.set(hostPairLockKey(['u1', 'u2'], base.prefix), 'job-dead:token', 'PX', 800);
    const started = Date.now();
    const lock = await acquireHostPairLock(base);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    await lock.release();
  });

  it('drops a crashed waiter from the line', async () => {
    const base = opts('job-x', []);
    const holder = await acquireHostPairLock(base);
    const line = `${hostPairLockKey(['u1', 'u2'], base.prefix)}:line`;
    // A waiter whose worker died: in the line, but its liveness key is gone.
    await redis.zadd(line, 1, 'job-dead');
    const positions: Array<number | null> = [];
    const waiting = acquireHostPairLock({ ...base, holder: 'job-y', onPosition: (p) => void positions.push(p) });
    await new Promise((r) => setTimeout(r, 200));
    expect(positions).toEqual([1]);
    await holder.release();
    await (await waiting).release();
  });

  it('leaves the line when cancelled while waiting', async () => {
    const base = opts('job-1', []);
    const holder = await acquireHostPairLock(base);
    const abort = new AbortController();
    const waiting = acquireHostPairLock({ ...base, holder: 'job-2', signal: abort.signal });
    await new Promise((r) => setTimeout(r, 150));
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(await redis.zcard(`${hostPairLockKey(['u1', 'u2'], base.prefix)}:line`)).toBe(0);
    await holder.release();
  });

  it('does not block other host pairs', async () => {
    const base = opts('job-p', []);
    const a = await acquireHostPairLock(base);
    const b = await acquireHostPairLock({ ...base, holder: 'job-q', hosts: ['u1', 'u3'] });
    await a.release();
    await b.release();
  });
});
