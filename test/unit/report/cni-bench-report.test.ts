import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/net/bench/bench-run.js';
import { judgeLossFigures, parseIperf3Version } from '../../../src/net/bench/iperf3-version.js';
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

function versions(client: string, server: string): NonNullable<CniBenchOutcome['iperf3']> {
  const c = parseIperf3Version(`iperf ${client}`);
  const s = parseIperf3Version(`iperf ${server}`);
  return { ...(c ? { client: c } : {}), ...(s ? { server: s } : {}), loss: judgeLossFigures(c, s) };
}

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
      summarize('udp', pair(5_000, 1_000, { lostPercent: 1, datagramBytes: 8948 })),
      summarize('http', pair(4_000, 3_400, { fetchMs: 250 })),
    ],
    iperf3: versions('3.16', '3.16'),
    httpPayloadMB: 100,
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
        udp: { ratio: 0.2, rating: 'poor', lostPercent: { bare: 1, overlay: 1 }, datagramBytes: { bare: 8948 } },
        http: { ratio: 0.85, rating: 'good' },
      },
      resources: { cpuPermil: 310, ramMB: 1100, overheadCpuPermil: 280 },
      iperf3: { client: '3.16', server: '3.16', lossReliable: true },
      http: { payloadMB: 100, method: expect.stringContaining('curl inside the client container') },
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

  it('leaves UDP loss out, saying why, unless both ends run the same iperf3 of 3.14 or later', () => {
    const mixed = buildCniBenchReport(outcome({ iperf3: versions('3.12', '3.9') }));
    expect((mixed.results as Record<string, { lostPercent?: unknown }>).udp?.lostPercent).toBeUndefined();
    expect(mixed.iperf3).toMatchObject({ client: '3.12', server: '3.9', lossReliable: false });
    const text = mixed.blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : [])).join('\n');
    expect(text).toContain('UDP datagrams: bare metal 8948 B, weave 8948 B');
    expect(text).toContain('loss not shown: client iperf3 3.12 and server 3.9 differ');
    expect(text).not.toMatch(/loss: bare metal/);
  });

  it('shows the datapath of each end and warns when HTTP fetches are too short to measure the link', () => {
    const r = buildCniBenchReport(
      outcome({
        weaveLinks: [
          { host: 'u1', peer: 'u2', state: 'established', datapath: 'sleeve', mtu: 8938 },
          { host: 'u2', peer: 'u1', state: 'established', datapath: 'fastdp', encrypted: true, mtu: 1376 },
        ],
        tests: [summarize('http', pair(40_000, 30_000, { fetchMs: 20 }))],
      }),
    );
    const fields = r.blocks.find((b) => b.kind === 'fields');
    expect(JSON.stringify(fields)).toContain(
      'u1 → u2 sleeve, unencrypted (no password), mtu 8938; u2 → u1 fastdp, encrypted, mtu 1376',
    );
    expect(r.blocks).toContainEqual(
      expect.objectContaining({ kind: 'alert', text: expect.stringMatching(/^HTTP fetches took only 20 ms/) }),
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
