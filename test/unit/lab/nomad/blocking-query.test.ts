import { describe, expect, it } from 'vitest';
import { nomadMaxWaitMs, parseBlockingQuery } from '../../../lab/nomad/http/blocking-query.js';
import { formatGoDuration, parseGoDurationNs } from '../../../lab/nomad/http/go-duration.js';
import type { HttpError } from '../../../lab/nomad/http/http-error.js';
import { StateIndex } from '../../../lab/nomad/http/state-index.js';

const noJitter = () => 0;

describe('parseBlockingQuery', () => {
  it('returns undefined without an index, and the wait in ms with one', () => {
    expect(parseBlockingQuery(new URLSearchParams('wait=5s'), noJitter)).toBeUndefined();
    expect(parseBlockingQuery(new URLSearchParams('index=12&wait=1m30s'), noJitter)).toEqual({
      index: 12,
      waitMs: 90_000,
    });
  });

  it('defaults to 5 minutes, caps at 10 minutes and adds at most wait/16 of jitter', () => {
    expect(parseBlockingQuery(new URLSearchParams('index=1'), noJitter)?.waitMs).toBe(300_000);
    expect(parseBlockingQuery(new URLSearchParams('index=1&wait=1h'), noJitter)?.waitMs).toBe(600_000);
    expect(parseBlockingQuery(new URLSearchParams('index=1&wait=16s'), () => 0.999)?.waitMs).toBe(16_999);
  });

  it('caps a Nomad wait at 300 s before adding the jitter of up to wait/16 (nomad/rpc.go:863-866)', () => {
    const capped = (random: () => number) =>
      parseBlockingQuery(new URLSearchParams('index=1&wait=10m'), random, nomadMaxWaitMs)?.waitMs;
    expect(capped(noJitter)).toBe(300_000);
    expect(capped(() => 0.999)).toBe(300_000 + Math.floor(0.999 * (300_000 / 16)));
    expect(capped(() => 0.999)).toBeLessThan(300_000 + 300_000 / 16);
  });

  it('rejects bad values with the texts Nomad uses', () => {
    const thrown = (query: string) => {
      try {
        parseBlockingQuery(new URLSearchParams(query));
      } catch (err) {
        return [(err as HttpError).status, (err as HttpError).body];
      }
      return undefined;
    };
    expect(thrown('index=1&wait=soon')).toEqual([400, 'Invalid wait time']);
    expect(thrown('index=abc')).toEqual([400, 'Invalid index']);
  });
});

describe('go durations', () => {
  it('parses and formats like Go', () => {
    expect(parseGoDurationNs('1m30s')).toBe(90e9);
    expect(parseGoDurationNs('250ms')).toBe(250e6);
    expect(parseGoDurationNs('10')).toBeUndefined();
    expect(formatGoDuration(10e9)).toBe('10s');
    expect(formatGoDuration(90e9)).toBe('1m30s');
    expect(formatGoDuration(500e6)).toBe('500ms');
  });
});

describe('StateIndex', () => {
  it('returns at once for a stale index and wakes blocked waiters on a change', async () => {
    const index = new StateIndex(5);
    const started = Date.now();
    await index.waitBeyond(4, 10_000);
    expect(Date.now() - started).toBeLessThan(50);
    const waiting = index.waitBeyond(5, 10_000).then(() => index.value);
    expect(index.waiting).toBe(1);
    setTimeout(() => index.bump(), 20);
    expect(await waiting).toBe(6);
    expect(index.waiting).toBe(0);
  });

  it('gives up after the wait when nothing changes', async () => {
    const index = new StateIndex(5);
    const started = Date.now();
    await index.waitBeyond(5, 80);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(index.value).toBe(5);
  });
});
