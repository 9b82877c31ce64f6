import { describe, expect, it } from 'vitest';
import { BlockingCursor } from '../../../../src/clients/nomad/blocking-cursor.js';

/** A fake clock: sleeping advances it, so pacing is checked without real time. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    pacing: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('BlockingCursor', () => {
  it('sends the answered index back while it moves forward, and keeps at least the minimum interval', async () => {
    const clock = fakeClock();
    const cursor = new BlockingCursor({ ...clock.pacing, minIntervalMs: 250 });
    expect(await cursor.next()).toBe(0);
    expect(cursor.update(17)).toBe('advanced');
    // The answer came at once: the next query still waits out the minimum interval.
    expect(await cursor.next()).toBe(17);
    expect(clock.sleeps).toEqual([250]);
    clock.advance(10_000);
    expect(cursor.update(17)).toBe('unchanged');
    expect(await cursor.next()).toBe(17);
    expect(clock.sleeps).toEqual([250]);
  });

  it('resets an index that goes backwards or is 0 or absent, and backs off while it misbehaves', async () => {
    const clock = fakeClock();
    const cursor = new BlockingCursor({ ...clock.pacing, minIntervalMs: 250, firstBackoffMs: 500, maxBackoffMs: 2000 });
    await cursor.next();
    expect(cursor.update(100)).toBe('advanced');
    await cursor.next();
    expect(cursor.update(40)).toBe('backwards');
    expect(await cursor.next()).toBe(0);
    expect(cursor.update(0)).toBe('zero');
    expect(await cursor.next()).toBe(0);
    expect(cursor.update(undefined)).toBe('zero');
    expect(await cursor.next()).toBe(0);
    expect(cursor.update(Number.NaN)).toBe('zero');
    expect(await cursor.next()).toBe(0);
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000, 2000]);
    // A good index again ends the back-off.
    expect(cursor.update(120)).toBe('advanced');
    expect(await cursor.next()).toBe(120);
    expect(clock.sleeps.at(-1)).toBe(250);
  });

  it('does not wait once the signal is aborted', async () => {
    const clock = fakeClock();
    const cursor = new BlockingCursor({ ...clock.pacing, minIntervalMs: 10_000 });
    await cursor.next();
    const controller = new AbortController();
    controller.abort();
    await cursor.next(controller.signal);
    expect(clock.sleeps).toEqual([]);
  });
});
