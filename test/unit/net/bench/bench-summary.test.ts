import { describe, expect, it } from 'vitest';
import { RATING_THRESHOLDS, rateRatio } from '../../../../src/commands/ratings.js';
import { summarize } from '../../../../src/net/bench/bench-run.js';
import { medianOf } from '../../../../src/net/bench/stats.js';

const u = { client: { cpuPermil: 100, ramMB: 500 }, server: { cpuPermil: 300, ramMB: 700 } };

describe('medianOf', () => {
  it('takes the middle value, averaging the two middle ones for even counts', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([])).toBeUndefined();
    expect(medianOf([Number.NaN, 5])).toBe(5);
  });
});

describe('summarize', () => {
  it('reports medians, overlay/bare ratio and its rating', () => {
    const r = summarize('udp', {
      bare: [
        { mbps: 1000, lostPercent: 0.1, usage: u },
        { mbps: 3000, lostPercent: 0.3, usage: u },
        { mbps: 2000, lostPercent: 0.2, usage: u },
      ],
      overlay: [
        { mbps: 400, lostPercent: 9, usage: u },
        { mbps: 500, lostPercent: 8, usage: u },
        { mbps: 300, lostPercent: 7, usage: u },
      ],
    });
    expect(r).toMatchObject({ bareMbps: 2000, overlayMbps: 400, ratio: 0.2, rating: 'poor', errors: [] });
    expect(r.lostPercent).toEqual({ bare: 0.2, overlay: 8 });
    expect(r.usage.overlay).toEqual(u);
  });

  it('keeps the reasons of failed runs and rates nothing without a side', () => {
    const r = summarize('tcp', {
      bare: [{ mbps: 1000, usage: {} }],
      overlay: [{ error: 'the client container died mid-test', containerGone: true, usage: {} }],
    });
    expect(r).toMatchObject({ bareMbps: 1000, overlayMbps: null, ratio: null, rating: null });
    expect(r.errors).toEqual(['overlay run 1: the client container died mid-test']);
  });

  it('rates at the documented thresholds', () => {
    for (const { rating, minRatio } of RATING_THRESHOLDS) {
      const r = summarize('tcp', {
        bare: [{ mbps: 1000, usage: {} }],
        overlay: [{ mbps: minRatio * 1000, usage: {} }],
      });
      expect(r.rating).toBe(rating);
      expect(rateRatio(minRatio - 0.001)).not.toBe(rating);
    }
  });
});
