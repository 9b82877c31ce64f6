import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/net/bench/bench-run.js';
import { analyzeMtu } from '../../../src/net/bench/mtu-advice.js';
import { buildCniBenchReport, type CniBenchOutcome } from '../../../src/report/cni-bench-report.js';

const usage = (cpu: number) => ({
  client: { cpuPermil: cpu, ramMB: 1000 },
  server: { cpuPermil: cpu + 20, ramMB: 1200 },
});
const pair = (bare: number, overlay: number, extra: Record<string, number> = {}) => ({
  bare: [{ mbps: bare, usage: usage(100), ...extra }],
  overlay: [{ mbps: overlay, usage: usage(300), ...extra }],
});

function outcome(overrides: Partial<CniBenchOutcome> = {}): CniBenchOutcome {
  return {
    runId: 'r1',
    network: 'weave',
    from: 'u1',
    to: 'u2',
    durationMs: 2000,
    streams: 2,
    repeat: 1,
    mtu: analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [9000, 9000], overlayMtu: 1376 }),
    underlay: [
      { host: 'u1', iface: 'eth0', mtu: 9000 },
      { host: 'u2', iface: 'eth0', mtu: 9000 },
    ],
    idle: usage(20),
    tests: [
      summarize('tcp', pair(10_000, 5_000)),
      summarize('tcpMulti', pair(12_000, 11_000)),
      summarize('udp', pair(5_000, 1_000, { lostPercent: 1 })),
      summarize('http', pair(4_000, 3_400)),
    ],
    chart: '/tmp/charts/bench-weave-r1.png',
    warnings: [],
    ...overrides,
  };
}

describe('buildCniBenchReport', () => {
  it('carries the contract fields and a readable title', () => {
    const r = buildCniBenchReport(outcome());
    expect(r).toMatchObject({
      command: 'cni-bench',
      ok: true,
      network: 'weave',
      title: 'cni-bench weave: TCP fair (0.50), UDP poor (0.20)',
      mtu: { underlay: 9000, overlay: 1376, recommended: 8916, flagged: true },
      results: {
        tcp: { bareMbps: 10_000, overlayMbps: 5_000, ratio: 0.5, rating: 'fair' },
        tcpMulti: { rating: 'very good' },
        udp: { ratio: 0.2, rating: 'poor', lostPercent: { bare: 1, overlay: 1 } },
        http: { ratio: 0.85, rating: 'good' },
      },
      resources: { cpuPermil: 310, ramMB: 1100, overheadCpuPermil: 280 },
      chart: '/tmp/charts/bench-weave-r1.png',
      files: [{ path: '/tmp/charts/bench-weave-r1.png', title: 'weave vs bare metal' }],
    });
    const table = r.blocks.find((b) => b.kind === 'table');
    expect(table).toMatchObject({ columns: ['test', 'bare Mbit/s', 'weave Mbit/s', 'ratio', 'rating'] });
    expect(r.blocks).toContainEqual(
      expect.objectContaining({ kind: 'alert', level: 'warning', text: expect.stringContaining('WEAVE_MTU=8916') }),
    );
    expect(r.blocks).toContainEqual(
      expect.objectContaining({ kind: 'text', text: expect.stringContaining('≥ 0.90: very good') }),
    );
  });

  it('is not ok when a measurement failed, and says which', () => {
    const failed = summarize('tcp', {
      bare: [{ mbps: 1000, usage: {} }],
      overlay: [{ error: 'the client container nb-x on u1 died mid-test (Error: No such container: nb-x)', usage: {} }],
    });
    const r = buildCniBenchReport(outcome({ tests: [failed] }));
    expect(r.ok).toBe(false);
    expect(r.title).toBe('cni-bench weave: TCP failed, 1 failed measurement(s)');
    expect(r.blocks).toContainEqual({
      kind: 'alert',
      level: 'danger',
      text: 'TCP 1 stream: overlay run 1: the client container nb-x on u1 died mid-test (Error: No such container: nb-x)',
    });
  });
});
