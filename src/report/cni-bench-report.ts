import { describeRatings } from '../commands/ratings.js';
import { BENCH_TEST_LABELS, type HostUsage, type PairUsage, type TestResult } from '../net/bench/bench-types.js';
import { detailBlocks, factsJson, mtuBlocks, resultsJson } from './cni-bench-details.js';
import type { CniBenchOutcome } from './cni-bench-outcome.js';
import type { Report, ReportBlock } from './model.js';

export type { CniBenchOutcome } from './cni-bench-outcome.js';

const fmtMbps = (v: number | null) => (v === null ? 'failed' : String(Math.round(v)));
const fmtRatio = (v: number | null) => (v === null ? '–' : v.toFixed(2));
const mean = (u: PairUsage): HostUsage | undefined => {
  const list = [u.client, u.server].filter((x): x is HostUsage => x !== undefined);
  if (list.length === 0) return undefined;
  return {
    cpuPermil: Math.round(list.reduce((a, x) => a + x.cpuPermil, 0) / list.length),
    ramMB: Math.round(list.reduce((a, x) => a + x.ramMB, 0) / list.length),
  };
};

/**
 * The /cni-bench Report: a results table, MTU advice, resource cost and the chart, plus the contract fields
 * (DESIGN.md): `network, mtu{underlay, overlay, recommended}, results{tcp, tcpMulti, udp, http}, resources,
 * chart`. `ok` is false when any measurement failed: a partial benchmark must not read as a clean one.
 */
export function buildCniBenchReport(o: CniBenchOutcome): Report {
  const byTest = Object.fromEntries(o.tests.map((t) => [t.test, t])) as Record<string, TestResult>;
  const failures = o.tests.flatMap((t) => t.errors.map((e) => `${BENCH_TEST_LABELS[t.test]}: ${e}`));
  const ok = failures.length === 0 && o.tests.every((t) => t.ratio !== null);
  const blocks: ReportBlock[] = [];
  blocks.push({
    kind: 'table',
    columns: ['test', 'bare Mbit/s', `${o.network} Mbit/s`, 'ratio', 'rating'],
    rows: o.tests.map((t) => [
      BENCH_TEST_LABELS[t.test],
      fmtMbps(t.bareMbps),
      fmtMbps(t.overlayMbps),
      fmtRatio(t.ratio),
      t.rating ?? '–',
    ]),
    caption: `${o.from} → ${o.to}, ${o.durationMs / 1000}s per run, median of ${o.repeat}, ${o.streams} streams for multi-stream`,
  });
  blocks.push({ kind: 'text', text: `Ratings: ${describeRatings().join('; ')}.` });
  blocks.push(...detailBlocks(o, byTest));
  blocks.push(...mtuBlocks(o));
  blocks.push(resourcesTable(o));
  for (const f of failures) blocks.push({ kind: 'alert', level: 'danger', text: f });
  for (const w of o.warnings) blocks.push({ kind: 'alert', level: 'warning', text: w });
  if (o.chart) {
    blocks.push({
      kind: 'image',
      path: o.chart,
      title: `${o.network} vs bare metal`,
      altText: `bar chart of bare metal vs ${o.network} throughput per test`,
    });
  }
  const headline = ['tcp', 'udp']
    .map((k) => byTest[k])
    .filter((t): t is TestResult => t !== undefined)
    .map((t) => `${t.test.toUpperCase()} ${t.rating ?? 'failed'}${t.ratio !== null ? ` (${t.ratio.toFixed(2)})` : ''}`)
    .join(', ');
  const { overlay: overlayCost, bare: bareCost, idle } = summarizeResources(o);
  return {
    command: 'cni-bench',
    ok,
    title: `cni-bench ${o.network}: ${headline}${failures.length ? `, ${failures.length} failed measurement(s)` : ''}`,
    blocks,
    ...(o.chart ? { files: [{ path: o.chart, title: `${o.network} vs bare metal` }] } : {}),
    network: o.network,
    runId: o.runId,
    hosts: { from: o.from, to: o.to },
    settings: { durationMs: o.durationMs, streams: o.streams, repeat: o.repeat },
    ...factsJson(o),
    results: resultsJson(o),
    resources: {
      cpuPermil: overlayCost?.cpuPermil ?? null,
      ramMB: overlayCost?.ramMB ?? null,
      idle: o.idle,
      overlay: overlayCost ?? null,
      bare: bareCost ?? null,
      overheadCpuPermil: overlayCost && idle ? overlayCost.cpuPermil - idle.cpuPermil : null,
      perTest: Object.fromEntries(o.tests.map((t) => [t.test, t.usage])),
    },
    chart: o.chart ?? null,
    errors: failures,
  };
}

/** Mean usage of both hosts per window: idle, bare-metal tests, overlay tests. */
export function summarizeResources(o: Pick<CniBenchOutcome, 'tests' | 'idle'>): {
  idle?: HostUsage;
  bare?: HostUsage;
  overlay?: HostUsage;
} {
  const idle = mean(o.idle);
  const bare = mean(meanLeg(o.tests, 'bare'));
  const overlay = mean(meanLeg(o.tests, 'overlay'));
  return { ...(idle ? { idle } : {}), ...(bare ? { bare } : {}), ...(overlay ? { overlay } : {}) };
}

/** Per-leg usage averaged over the tests. */
function meanLeg(tests: readonly TestResult[], leg: 'overlay' | 'bare'): PairUsage {
  const pick = (side: 'client' | 'server') => {
    const list = tests.map((t) => t.usage[leg][side]).filter((x): x is HostUsage => x !== undefined);
    if (list.length === 0) return undefined;
    return {
      cpuPermil: Math.round(list.reduce((a, x) => a + x.cpuPermil, 0) / list.length),
      ramMB: Math.round(list.reduce((a, x) => a + x.ramMB, 0) / list.length),
    };
  };
  const client = pick('client');
  const server = pick('server');
  return { ...(client ? { client } : {}), ...(server ? { server } : {}) };
}

function resourcesTable(o: CniBenchOutcome): ReportBlock {
  const cell = (u: HostUsage | undefined, what: 'cpu' | 'ram') =>
    u === undefined ? '?' : what === 'cpu' ? `${u.cpuPermil}‰` : `${u.ramMB}`;
  const row = (label: string, u: PairUsage) => [
    label,
    cell(u.client, 'cpu'),
    cell(u.server, 'cpu'),
    cell(u.client, 'ram'),
    cell(u.server, 'ram'),
  ];
  return {
    kind: 'table',
    columns: ['window', `CPU ${o.from}`, `CPU ${o.to}`, `RAM MB ${o.from}`, `RAM MB ${o.to}`],
    rows: [
      row('idle', o.idle),
      row('bare metal', meanLeg(o.tests, 'bare')),
      row(o.network, meanLeg(o.tests, 'overlay')),
    ],
    caption: 'whole-host averages, sampled every second from /proc during the first run of each test (CPU in permil)',
  };
}
