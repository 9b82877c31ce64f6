import { describeRatings } from '../commands/ratings.js';
import type { Iperf3Versions, WeaveLink } from '../net/bench/bench-facts.js';
import type { UnderlayFacts } from '../net/bench/bench-setup.js';
import { BENCH_TEST_LABELS, type HostUsage, type PairUsage, type TestResult } from '../net/bench/bench-types.js';
import type { MtuAnalysis } from '../net/bench/mtu-advice.js';
import { roundTo } from '../net/bench/stats.js';
import type { Report, ReportBlock } from './model.js';

/** Everything a finished /cni-bench run hands to the report. */
export interface CniBenchOutcome {
  runId: string;
  network: string;
  from: string;
  to: string;
  durationMs: number;
  streams: number;
  repeat: number;
  mtu: MtuAnalysis;
  underlay: UnderlayFacts[];
  /** The interface the overlay address lives on inside the containers (found, not configured). */
  overlayIface?: string;
  /** Weave only: each host's view of the pair's connection. */
  weaveLinks?: WeaveLink[];
  /** iperf3 versions of both ends and whether UDP loss is reliable. */
  iperf3?: Iperf3Versions;
  /** UDP ran without -O: the client's iperf3 (< 3.11) prints no receiver sum, the rate is derived from the loss. */
  udpWithoutOmit?: boolean;
  /** Size of the HTTP payload, MiB. */
  httpPayloadMB?: number;
  idle: PairUsage;
  tests: TestResult[];
  chart?: string;
  /** Cleanup trouble (containers that could not be removed). */
  warnings: string[];
}

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
  blocks.push({
    kind: 'fields',
    fields: [
      {
        label: 'MTU',
        value: `underlay ${o.mtu.underlay ?? '?'}, overlay ${o.mtu.overlay ?? '?'}${o.overlayIface ? ` (${o.overlayIface})` : ''}${o.mtu.recommended !== undefined ? ` → recommend ${o.mtu.recommended}` : ''}`,
      },
      ...(o.weaveLinks?.length ? [{ label: 'Datapath', value: o.weaveLinks.map(describeLink).join('; ') }] : []),
      ...(o.iperf3 ? [{ label: 'iperf3', value: describeVersions(o.iperf3) }] : []),
    ],
  });
  if (o.mtu.flagged || o.mtu.tooLarge) blocks.push({ kind: 'alert', level: 'warning', text: o.mtu.advice });
  else blocks.push({ kind: 'text', text: o.mtu.advice });
  if (o.mtu.gainOmitted && o.mtu.flagged)
    blocks.push({ kind: 'text', text: `Published gain not shown: ${o.mtu.gainOmitted}.` });
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
    mtu: {
      underlay: o.mtu.underlay ?? null,
      overlay: o.mtu.overlay ?? null,
      recommended: o.mtu.recommended ?? null,
      flagged: o.mtu.flagged,
      tooLarge: o.mtu.tooLarge,
      advice: o.mtu.advice,
      ...(o.mtu.expectedGain ? { expectedGain: o.mtu.expectedGain } : {}),
      ...(o.mtu.gainOmitted ? { gainOmitted: o.mtu.gainOmitted } : {}),
      ...(o.overlayIface ? { overlayIface: o.overlayIface } : {}),
      perHost: o.underlay,
    },
    ...(o.mtu.datapath || o.weaveLinks ? { datapath: { ...(o.mtu.datapath ?? {}), links: o.weaveLinks ?? [] } } : {}),
    iperf3: {
      client: o.iperf3?.client?.text ?? null,
      server: o.iperf3?.server?.text ?? null,
      lossReliable: o.iperf3?.loss.reliable ?? false,
      ...(o.iperf3 && !o.iperf3.loss.reliable ? { lossOmitted: o.iperf3.loss.reason } : {}),
    },
    http: { method: HTTP_METHOD, payloadMB: o.httpPayloadMB ?? null },
    results: Object.fromEntries(
      o.tests.map((t) => [
        t.test,
        {
          bareMbps: t.bareMbps === null ? null : roundTo(t.bareMbps, 1),
          overlayMbps: t.overlayMbps === null ? null : roundTo(t.overlayMbps, 1),
          ratio: t.ratio === null ? null : roundTo(t.ratio, 3),
          rating: t.rating,
          samples: t.samples,
          ...(t.lostPercent && o.iperf3?.loss.reliable ? { lostPercent: t.lostPercent } : {}),
          ...(t.datagramBytes ? { datagramBytes: t.datagramBytes } : {}),
          ...(t.fetchMs ? { fetchMs: t.fetchMs } : {}),
          ...(t.errors.length ? { errors: t.errors } : {}),
        },
      ]),
    ),
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

function fmtPercent(v: number | null): string {
  return v === null ? '?' : `${v.toFixed(2)} %`;
}

/** How the HTTP figure is measured (shown in the report and its JSON). */
const HTTP_METHOD =
  'curl inside the client container, bytes over request-to-last-byte time (no SSH, docker exec or TCP handshake)';

/** Below this a fetch measures start-up more than the link: the payload is too small for the rate. */
const MIN_FETCH_MS = 100;

function detailBlocks(o: CniBenchOutcome, byTest: Record<string, TestResult>): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const udp = byTest.udp;
  if (udp) {
    const size = (v: number | null | undefined) => (v ? `${v} B` : '?');
    const parts = [
      `UDP datagrams: bare metal ${size(udp.datagramBytes?.bare)}, ${o.network} ${size(udp.datagramBytes?.overlay)} (iperf3 -b 0 sends the control connection's MSS)`,
    ];
    if (o.udpWithoutOmit) {
      parts.push(
        `the client's iperf3 ${o.iperf3?.client?.text ?? ''} prints no UDP receiver sum (3.11+), so UDP ran without -O 1 and its receiver rate is the sender's less the lost share`,
      );
    }
    if (o.iperf3?.loss.reliable && udp.lostPercent) {
      parts.push(
        `loss: bare metal ${fmtPercent(udp.lostPercent.bare)}, ${o.network} ${fmtPercent(udp.lostPercent.overlay)}`,
      );
    } else if (o.iperf3 && !o.iperf3.loss.reliable) {
      parts.push(`loss not shown: ${o.iperf3.loss.reason}`);
    }
    blocks.push({ kind: 'text', text: `${parts.join('; ')}.` });
  }
  const http = byTest.http;
  if (http) {
    const ms = (v: number | null | undefined) => (v === null || v === undefined ? '?' : `${Math.round(v)} ms`);
    blocks.push({
      kind: 'text',
      text: `HTTP: ${o.httpPayloadMB ?? '?'} MiB created in the server container, fetched with ${HTTP_METHOD}; median fetch bare metal ${ms(http.fetchMs?.bare)}, ${o.network} ${ms(http.fetchMs?.overlay)}.`,
    });
    const short = Math.min(http.fetchMs?.bare ?? Infinity, http.fetchMs?.overlay ?? Infinity);
    if (short < MIN_FETCH_MS) {
      blocks.push({
        kind: 'alert',
        level: 'warning',
        text: `HTTP fetches took only ${Math.round(short)} ms: the payload is small for this link, so start-up weighs on the figure; raise bench.http.payloadMB (about ${suggestPayloadMB(http, o.httpPayloadMB)} MiB takes a second)`,
      });
    }
  }
  return blocks;
}

function suggestPayloadMB(http: TestResult, payloadMB: number | undefined): number {
  const fastest = Math.max(http.bareMbps ?? 0, http.overlayMbps ?? 0);
  return Math.max(payloadMB ?? 1, Math.ceil(fastest / 8 / 1.048576));
}

function describeLink(l: WeaveLink): string {
  const mode = l.datapath ?? l.state;
  const enc = l.encrypted === undefined ? 'unencrypted (no password)' : l.encrypted ? 'encrypted' : 'unencrypted';
  return `${l.host} → ${l.peer} ${mode}, ${enc}${l.mtu ? `, mtu ${l.mtu}` : ''}`;
}

function describeVersions(v: Iperf3Versions): string {
  return `client ${v.client?.text ?? '?'}, server ${v.server?.text ?? '?'}`;
}
