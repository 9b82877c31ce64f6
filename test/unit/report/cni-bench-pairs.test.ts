import { describe, expect, it } from 'vitest';
import { buildPairsReport, flagSlowPairs, type PairRun, ratioMatrix } from '../../../src/report/cni-bench-pairs.js';
import type { Report } from '../../../src/report/model.js';

/** A single-pair report as buildCniBenchReport shapes it (only what the pairs report reads). */
const pairReport = (tcp: number | null, udp: number, ok = true): Report => ({
  command: 'cni-bench',
  ok,
  title: 't',
  blocks: [],
  runId: `r${tcp}`,
  results: {
    tcp: { bareMbps: 9000, overlayMbps: tcp === null ? null : tcp * 9000, ratio: tcp, rating: 'good' },
    udp: { bareMbps: 5000, overlayMbps: udp * 5000, ratio: udp, rating: 'good' },
  },
  errors: tcp === null ? ['TCP: iperf3 failed'] : [],
});

const six = (tcpU3toU1: number | null): PairRun[] => [
  { from: 'u1', to: 'u2', report: pairReport(0.95, 0.6) },
  { from: 'u1', to: 'u3', report: pairReport(0.93, 0.62) },
  { from: 'u2', to: 'u1', report: pairReport(0.94, 0.61) },
  { from: 'u2', to: 'u3', report: pairReport(0.96, 0.59) },
  { from: 'u3', to: 'u1', report: pairReport(tcpU3toU1, 0.6) },
  { from: 'u3', to: 'u2', report: pairReport(0.92, 0.6) },
];

describe('flagSlowPairs', () => {
  it('flags a direction more than 20 % below the median of the others, with the figures', () => {
    expect(flagSlowPairs(six(0.7))).toEqual([
      { test: 'tcp', from: 'u3', to: 'u1', ratio: 0.7, othersMedian: 0.94, belowPercent: 26 },
    ]);
  });

  it('does not flag 19 % below, nor anything with fewer than two other pairs to compare with', () => {
    expect(flagSlowPairs(six(0.77))).toEqual([]);
    expect(flagSlowPairs(six(0.5).slice(3, 5))).toEqual([]);
  });
});

describe('buildPairsReport', () => {
  it('one pairs entry per ordered pair with its results, a matrix per test, the flag as a warning', () => {
    const report = buildPairsReport({ network: 'weave', runs: six(0.7), chart: '/tmp/c.png' });
    expect(report.pairs).toHaveLength(6);
    expect((report.pairs as Array<{ from: string; to: string }>).map((p) => `${p.from}>${p.to}`)).toEqual([
      'u1>u2',
      'u1>u3',
      'u2>u1',
      'u2>u3',
      'u3>u1',
      'u3>u2',
    ]);
    expect(report.matrix).toMatchObject({ tcp: { u3: { u1: 0.7, u2: 0.92 } }, udp: { u1: { u2: 0.6 } } });
    const tables = report.blocks.filter((b) => b.kind === 'table');
    expect(tables).toHaveLength(2);
    expect(tables[0]).toMatchObject({
      columns: ['TCP 1 stream: from \\ to', 'u1', 'u2', 'u3'],
      rows: [
        ['u1', '·', '0.95', '0.93'],
        ['u2', '0.94', '·', '0.96'],
        ['u3', '0.70 !', '0.92', '·'],
      ],
    });
    expect(report.blocks).toContainEqual({
      kind: 'alert',
      level: 'warning',
      text: "u3 → u1 TCP 1 stream: ratio 0.70, 26 % below the other pairs' median 0.94",
    });
    expect(report.ok).toBe(true);
    expect(report.title).toBe('cni-bench weave: 6 of 6 ordered pairs measured, 1 flagged');
    expect(report.files).toEqual([{ path: '/tmp/c.png', title: 'weave: every host pair' }]);
  });

  it('a pair that could not run (a host down) is named; the others still report; ok is false', () => {
    const runs = six(0.9);
    runs[4] = { from: 'u3', to: 'u1', error: 'host u3 is unreachable' };
    const report = buildPairsReport({ network: 'weave', runs });
    expect(report.ok).toBe(false);
    expect(report.title).toBe('cni-bench weave: 5 of 6 ordered pairs measured, 1 could not run');
    expect(report.errors).toEqual(['u3 → u1: host u3 is unreachable']);
    expect(report.pairs).toContainEqual({
      from: 'u3',
      to: 'u1',
      ok: false,
      runId: null,
      results: null,
      error: 'host u3 is unreachable',
    });
    expect(ratioMatrix(runs).tcp?.u3).toEqual({ u1: null, u2: 0.92 });
    const tcp = report.blocks.find((b) => b.kind === 'table');
    expect(tcp).toMatchObject({ rows: expect.arrayContaining([['u3', 'down', '0.92', '·']]) });
  });

  it('a failed measurement shows as failed in its cell and keeps ok false', () => {
    const report = buildPairsReport({ network: 'weave', runs: six(null) });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(['u3 → u1: TCP: iperf3 failed']);
    const tcp = report.blocks.find((b) => b.kind === 'table');
    expect(tcp).toMatchObject({ rows: expect.arrayContaining([['u3', 'failed', '0.92', '·']]) });
  });
});
