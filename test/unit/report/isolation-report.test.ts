import { describe, expect, it } from 'vitest';
import { judgePair } from '../../../src/net/isolation/matrix.js';
import type { Endpoint, PairResult, Reachability } from '../../../src/net/isolation/types.js';
import { buildIsolationReport, type IsolationOutcome } from '../../../src/report/isolation-report.js';

const ep = (label: string, host: string, ip: string, tenant: string, container = label): Endpoint => ({
  label,
  workload: label,
  host,
  container,
  ip,
  tenant,
  via: 'container',
});

function pair(from: Endpoint, to: Endpoint, observed: Reachability, detail = 'x'): PairResult {
  const expected: Reachability = from.tenant === to.tenant ? 'reachable' : 'isolated';
  return {
    from: from.label,
    to: to.label,
    fromTenant: from.tenant,
    toTenant: to.tenant,
    toIp: to.ip,
    expected,
    observed,
    verdict: judgePair(expected, observed),
    probes: [
      {
        proto: 'icmp',
        port: null,
        ok: observed === 'reachable',
        outcome: observed,
        rttMs: observed === 'reachable' ? 0.1 : null,
        attempts: 1,
        detail,
      },
    ],
  };
}

const base = (endpoints: Endpoint[], pairs: PairResult[]): IsolationOutcome => ({
  a: 'a1',
  b: 'b1',
  endpoints,
  pairs,
  icmpOnlyNote: null,
  warnings: [],
  downHosts: [],
  incomplete: false,
  timing: { deadlineS: 1, probeTimeoutMs: 3000, durationMs: 1234 },
});

const a1 = ep('a1', 'u1', '10.32.0.1', 'default');
const a2 = ep('a2', 'u1', '10.32.0.2', 'default');
const b1 = ep('b1', 'u2', '10.32.1.1', 'tenant-b');

describe('buildIsolationReport', () => {
  it('reports one pair as a short table with the contract fields, ok when isolated as expected', () => {
    const r = buildIsolationReport(base([a1, b1], [pair(a1, b1, 'isolated'), pair(b1, a1, 'isolated')]));
    expect(r.ok).toBe(true);
    expect(r.title).toBe('isolation a1 ↔ b1: isolated as expected');
    expect(r.blocks[0]).toMatchObject({
      kind: 'table',
      columns: ['from', 'to', 'expected', 'observed', 'verdict', 'probes'],
    });
    expect(r.pairs).toEqual([
      expect.objectContaining({
        from: 'a1',
        to: 'b1',
        expected: 'isolated',
        observed: 'isolated',
        probes: [expect.objectContaining({ proto: 'icmp', port: null, ok: false, rttMs: null })],
      }),
      expect.objectContaining({ from: 'b1', to: 'a1' }),
    ]);
    expect(r.counts).toEqual({ pairs: 2, pass: 2, leak: 0, break: 0, unknown: 0 });
  });

  it('puts leaks first as a danger alert, then breaks, fails the report and details every failing pair in the thread', () => {
    const pairs = [
      pair(a1, a2, 'isolated', 'no reply within 1 s'),
      pair(a2, a1, 'reachable'),
      pair(a1, b1, 'reachable'),
      pair(b1, a1, 'isolated'),
      pair(a2, b1, 'isolated'),
      pair(b1, a2, 'isolated'),
    ];
    const r = buildIsolationReport(base([a1, a2, b1], pairs));
    expect(r.ok).toBe(false);
    expect(r.blocks[0]).toEqual({
      kind: 'alert',
      level: 'danger',
      text: '*LEAK*: 1 pair(s) expected isolated are reachable: a1 → b1 (icmp)',
    });
    expect(r.blocks[1]).toMatchObject({
      kind: 'alert',
      level: 'warning',
      text: expect.stringMatching(/^\*BREAK\*: 1 pair\(s\).*a1 → a2/),
    });
    expect(r.blocks.find((b) => b.kind === 'code')).toMatchObject({ text: expect.stringContaining('comparison:') });
    expect(r.title).toBe('isolation a1 × b1: 6 pairs, 1 leaks, 1 breaks');
    const failing = r.thread?.[0];
    expect(failing).toMatchObject({ kind: 'table', caption: 'failing pairs: every probe' });
    const rows = (failing as { rows: string[][] }).rows;
    expect(rows.map((row) => row[0])).toEqual(['a1 → a2 (10.32.0.2)', 'a1 → b1 (10.32.1.1)']);
    expect(rows[0]).toContain('no reply within 1 s');
  });

  it('flags a container with addresses in two tenants as a bridge, and unknowns with their reason', () => {
    const leakyA = ep('leaky@default', 'u2', '10.32.0.6', 'default', 'leaky');
    const leakyB = ep('leaky@tenant-b', 'u2', '10.32.1.6', 'tenant-b', 'leaky');
    const unknownPair: PairResult = { ...pair(a1, b1, 'unknown'), reason: 'host u1 is down: ECONNREFUSED' };
    const r = buildIsolationReport(base([a1, b1, leakyA, leakyB], [unknownPair]));
    const texts = r.blocks.filter((b) => b.kind === 'alert').map((b) => (b as { text: string }).text);
    expect(texts[0]).toBe(
      '*LEAK*: container leaky on u2 has overlay addresses in default and tenant-b: it bridges those tenants',
    );
    expect(texts[1]).toBe('*UNKNOWN*: 1 pair(s) could not be judged: host u1 is down: ECONNREFUSED');
    expect(r.ok).toBe(false);
  });

  it('is not ok when a tenant set may be incomplete', () => {
    const r = buildIsolationReport({
      ...base([a1, b1], [pair(a1, b1, 'isolated'), pair(b1, a1, 'isolated')]),
      incomplete: true,
    });
    expect(r.ok).toBe(false);
  });

  it("names a leak through docker0 per host with the --icc=false fix and Weave's isolation guide", () => {
    const b1u1: Endpoint = { ...ep('b1', 'u1', '10.32.1.1', 'tenant-b'), bridgeIp: '172.17.0.3' };
    const a1b: Endpoint = { ...a1, bridgeIp: '172.17.0.2' };
    const leak = (from: Endpoint, to: Endpoint): PairResult => ({
      ...pair(from, to, 'isolated'),
      observed: 'reachable',
      verdict: 'leak',
      leakVia: ['docker0'],
      bridge: {
        ip: to.bridgeIp!,
        observed: 'reachable',
        probes: [
          { proto: 'icmp', port: null, ok: true, outcome: 'reachable', rttMs: 0.05, attempts: 1, detail: 'echo reply' },
        ],
      },
    });
    const r = buildIsolationReport(base([a1b, b1u1], [leak(a1b, b1u1), leak(b1u1, a1b)]));
    expect(r.ok).toBe(false);
    const texts = r.blocks.filter((b) => b.kind === 'alert').map((b) => (b as { text: string }).text);
    expect(texts[0]).toMatch(/LEAK.*a1 → b1 \(icmp via docker0 172\.17\.0\.3\)/);
    const fix = texts.find((t) => /through docker0/.test(t));
    expect(fix).toMatch(/on u1: a1 → b1, b1 → a1/);
    expect(fix).toMatch(/--icc=false/);
    expect(fix).toMatch(/application-isolation/);
    const table = r.blocks.find((b) => b.kind === 'table') as { rows: string[][] };
    expect(table.rows[0]![5]).toMatch(/icmp isolated, docker0 172\.17\.0\.3: icmp ok 0\.05 ms/);
    const workloads = r.thread?.find((b) => b.kind === 'table' && b.caption === 'workloads') as { rows: string[][] };
    expect(workloads.rows[0]).toContain('172.17.0.2');
  });
});
