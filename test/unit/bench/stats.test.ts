import { describe, expect, it } from 'vitest';
import { figure, median, quantile } from '../../../bench/_stats.js';

describe('bench figures', () => {
  it('keeps every sample with median and min–max, and no deciles below 10 samples', () => {
    const f = figure([3, 1, 2], { unit: 'ms', better: 'lower' });
    expect(f).toEqual({ unit: 'ms', better: 'lower', n: 3, median: 2, min: 1, max: 3, samples: [3, 1, 2] });
  });

  it('adds nearest-rank p10 and p90 from 10 samples on', () => {
    const f = figure([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], { unit: 'ms', better: 'lower' });
    expect(f.p10).toBe(1);
    expect(f.p90).toBe(9);
    expect(f.median).toBe(5.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0.9)).toBe(18);
  });

  it('judges the target on the median in the figure’s own direction', () => {
    expect(figure([1.1, 1.4, 1.2], { unit: '×', better: 'lower', target: 1.3 }).pass).toBe(true);
    expect(figure([1.1, 1.4, 1.35], { unit: '×', better: 'lower', target: 1.3 }).pass).toBe(false);
    expect(figure([25, 19, 30], { unit: '×', better: 'higher', target: 20 }).pass).toBe(true);
    expect(figure([25, 19, 18], { unit: '×', better: 'higher', target: 20 }).pass).toBe(false);
  });

  it('names where samples are kept when they are too many to repeat, and refuses an empty figure', () => {
    const f = figure([1, 2], { unit: 'ms', better: 'lower', keepSamples: false, samplesIn: 'samples.bot' });
    expect(f.samples).toBeUndefined();
    expect(f.samplesIn).toBe('samples.bot');
    expect(() => figure([], { unit: 'ms', better: 'lower' })).toThrow(/without samples/);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
