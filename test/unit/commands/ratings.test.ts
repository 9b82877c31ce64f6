import { describe, expect, it } from 'vitest';
import { describeRatings, RATING_THRESHOLDS, rateRatio } from '../../../src/commands/ratings.js';
import { cniBenchSpec } from '../../../src/commands/specs/cni-bench.js';

describe('ratings', () => {
  it('has the documented thresholds', () => {
    expect(RATING_THRESHOLDS.map((t) => [t.rating, t.minRatio])).toEqual([
      ['very good', 0.9],
      ['good', 0.75],
      ['fair', 0.5],
    ]);
    expect(Object.isFrozen(RATING_THRESHOLDS)).toBe(true);
  });

  it.each([
    [1.05, 'very good'],
    [0.9, 'very good'],
    [0.8999, 'good'],
    [0.75, 'good'],
    [0.7499, 'fair'],
    [0.5, 'fair'],
    [0.4999, 'poor'],
    [0, 'poor'],
    [Number.NaN, 'poor'],
    [Number.POSITIVE_INFINITY, 'poor'],
  ])('%f → %s', (ratio, rating) => {
    expect(rateRatio(ratio)).toBe(rating);
  });

  it('the /cni-bench help states every threshold', () => {
    const details = cniBenchSpec.details?.join('\n') ?? '';
    for (const line of describeRatings()) expect(details).toContain(line);
    expect(details).toContain('≥ 0.90: very good');
    expect(details).toContain('≥ 0.75: good');
    expect(details).toContain('≥ 0.50: fair');
    expect(details).toContain('< 0.50: poor');
  });
});
