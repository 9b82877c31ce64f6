import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaceSlots } from '../../../src/queue/pace-slots.js';
import { createRenderLock } from '../../../src/queue/render-lock.js';
import { createRespondBudget } from '../../../src/queue/respond-budget.js';
import { createDeliveryStore } from '../../../src/stores/delivery-store.js';
import { startTestRedis } from '../../helpers/redis-server.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let client: Redis;
const prefix = () => `t-${randomUUID()}`;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe('pace slots (GCRA in Redis)', () => {
  it('lets a burst go, then spaces reservations by the interval, and queues concurrent callers', async () => {
    const slots = createPaceSlots(client, prefix());
    const rule = { intervalMs: 1_000, burst: 2, maxWaitMs: 10_000 };
    const waits = await Promise.all(Array.from({ length: 5 }, () => slots.reserve('post:C1', rule)));
    const ms = waits.map((w) => (w.reserved ? w.waitMs : -1)).sort((a, b) => a - b);
    // Two at once, then one a second: every caller got its own slot, none the same.
    expect(ms[0]).toBe(0);
    expect(ms[1]).toBe(0);
    expect(ms[2]).toBeGreaterThan(900);
    expect(ms[3]).toBeGreaterThan(1_900);
    expect(ms[4]).toBeGreaterThan(2_900);
  });

  it('refuses without reserving when the wait exceeds what the caller accepts', async () => {
    const slots = createPaceSlots(client, prefix());
    const rule = { intervalMs: 1_000, maxWaitMs: 500 };
    expect(await slots.reserve('updates', rule)).toEqual({ reserved: true, waitMs: 0 });
    const refused = await slots.reserve('updates', rule);
    expect(refused.reserved).toBe(false);
    // Nothing was taken by the refusal: the next slot is still one interval after the first.
    const again = await slots.reserve('updates', { ...rule, maxWaitMs: 5_000 });
    expect(again.reserved && again.waitMs).toBeLessThanOrEqual(1_000);
  });

  it('pauses only grow, and run out', async () => {
    const slots = createPaceSlots(client, prefix());
    await slots.pause('channel:C1', 2_000);
    await slots.pause('channel:C1', 100);
    expect(await slots.pausedFor('channel:C1')).toBeGreaterThan(1_500);
    expect(await slots.pausedFor('channel:C2')).toBe(0);
  });
});

describe('response URL budget', () => {
  it('never hands out more uses than allowed, even to concurrent callers, and honours the gap', async () => {
    const budget = createRespondBudget(client, prefix());
    const url = 'https://hooks.slack.com/commands/T1/2/secret';
    const takes = await Promise.all(
      Array.from({ length: 8 }, () => budget.take(url, { maxUses: 5, minGapMs: 0, ttlMs: 60_000 })),
    );
    expect(takes.filter((t) => t.taken)).toHaveLength(5);
    const gap = createRespondBudget(client, prefix());
    expect((await gap.take(url, { maxUses: 5, minGapMs: 0, ttlMs: 60_000 })).taken).toBe(true);
    const tooSoon = await gap.take(url, { maxUses: 5, minGapMs: 10_000, ttlMs: 60_000 });
    expect(tooSoon.taken).toBe(false);
    expect(tooSoon.sinceLastMs).toBeLessThan(10_000);
    // The URL itself never becomes a key.
    expect((await client.keys('*')).some((k) => k.includes('secret'))).toBe(false);
  });
});

describe('delivery state and render lock', () => {
  it('claims a part once, settles it, and keeps each note once', async () => {
    const p = prefix();
    const store = createDeliveryStore(client, p);
    expect(await store.claimPart('j1', 'file-0', 60_000)).toBe(true);
    expect(await store.claimPart('j1', 'file-0', 60_000)).toBe(false);
    await store.savePart('j1', 'file-0', 'F123');
    expect((await store.get('j1')).saved).toEqual({ 'file-0': 'F123' });
    await store.settlePart('j1', 'file-0', 'failed');
    expect(await store.claimPart('j1', 'file-0', 0)).toBe(false);
    expect(await store.addNote('j1', 'chart could not be posted')).toBe(true);
    expect(await store.addNote('j1', 'chart could not be posted')).toBe(false);
    expect(await store.get('j1')).toMatchObject({
      mode: 'channel',
      notes: ['chart could not be posted'],
      parts: { 'file-0': 'failed' },
      saved: {},
    });
  });

  it('one holder per message; a released lock is free again, a foreign release does nothing', async () => {
    const lock = createRenderLock(client, prefix());
    const held = await lock.acquire('j1', 10_000);
    expect(held).toBeDefined();
    expect(await lock.acquire('j1', 10_000)).toBeUndefined();
    expect(await held!.extend()).toBe(true);
    await held!.release();
    const next = await lock.acquire('j1', 10_000);
    expect(next).toBeDefined();
    await held!.release();
    expect(await lock.acquire('j1', 10_000)).toBeUndefined();
  });

  it('a notify job picked up again after its process died takes back its own lock; another job does not', async () => {
    const lock = createRenderLock(client, prefix());
    const dead = await lock.acquire('j2', 60_000, 'notify-7');
    expect(dead).toBeDefined();
    expect(await lock.acquire('j2', 60_000, 'notify-8')).toBeUndefined();
    const again = await lock.acquire('j2', 60_000, 'notify-7');
    expect(again).toBeDefined();
    // The dead attempt's token no longer extends or releases the lock.
    expect(await dead!.extend()).toBe(false);
    await dead!.release();
    expect(await lock.acquire('j2', 60_000, 'notify-8')).toBeUndefined();
    await again!.release();
    expect(await lock.acquire('j2', 60_000, 'notify-8')).toBeDefined();
  });
});
