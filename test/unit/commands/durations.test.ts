import { describe, expect, it } from 'vitest';
import { durationSchema, formatDurationMs, parseDurationMs } from '../../../src/commands/durations.js';
import { catchUsageError } from './expect-usage-error.js';

describe('parseDurationMs', () => {
  it.each([
    ['10s', 10_000],
    ['2m', 120_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    ['0s', 0],
    ['90s', 90_000],
  ])('%s → %i ms', (text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });

  it.each(['', '10', 's', '1.5s', '-1s', '10S', '1s1m', '1m1m', '10 s', '1000000s', 'ms', '1d'])(
    '%j is not a duration',
    (text) => {
      expect(catchUsageError(() => parseDurationMs(text)).message).toContain('not a duration');
    },
  );
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [120_000, '2m'],
    [3_723_004, '1h2m3s4ms'],
  ])('%i → %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
    expect(parseDurationMs(text)).toBe(ms);
  });
});

describe('durationSchema', () => {
  const schema = durationSchema({ minMs: 2_000, maxMs: 120_000 });

  it('accepts the bounds', () => {
    expect(schema.parse('2s')).toBe(2_000);
    expect(schema.parse('2000ms')).toBe(2_000);
    expect(schema.parse('2m')).toBe(120_000);
  });

  it.each(['1999ms', '2m1ms', '1h', 'soon', ''])('rejects %j naming the range', (text) => {
    const result = schema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^must be a duration from 2s to 2m \(e\.g\. 10s, 1m30s\), got /);
  });
});
