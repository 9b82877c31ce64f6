import { buildGrids, renderTruthTables } from '../net/isolation/truth-table.js';
import type { Endpoint, PairResult, ProbeResult, Verdict } from '../net/isolation/types.js';
import type { Report, ReportBlock } from './model.js';

/** Everything an /isolation-check run found out; the Report is built from it. */
export interface IsolationOutcome {
  a: string;
  b: string;
  endpoints: Endpoint[];
  pairs: PairResult[];
  /** Set when some targets were probed with ICMP only because no port was given or known. */
  icmpOnlyNote: string | null;
  warnings: string[];
  /** Hosts that failed while listing containers or probing. */
  downHosts: Array<{ host: string; reason: string }>;
  /** True when a tenant set may miss containers (a host could not be listed). */
  incomplete: boolean;
  timing: { deadlineS: number; probeTimeoutMs: number; durationMs: number };
}

const MAX_LISTED = 10;

const arrow = (p: PairResult) => `${p.from} → ${p.to}`;

const probeName = (x: ProbeResult) => (x.port === null ? x.proto : `${x.proto}/${x.port}`);

function describeProbe(p: ProbeResult): string {
  const what = probeName(p);
  const result = p.outcome === 'reachable' ? `ok${p.rttMs !== null ? ` ${p.rttMs} ms` : ''}` : p.outcome;
  return `${what} ${result}${p.attempts > 1 ? ' (2 tries)' : ''}`;
}

/** What got through a leaking pair: the overlay's probes as today, docker0's named with its address. */
function describeLeakPaths(p: PairResult): string[] {
  const overlay = p.probes.filter((x) => x.ok).map(probeName);
  const bridge = p.bridge?.probes.filter((x) => x.ok).map(probeName) ?? [];
  return [...overlay, ...(bridge.length ? [`${bridge.join(', ')} via docker0 ${p.bridge?.ip}`] : [])];
}

function listPairs(pairs: PairResult[], withProto: boolean): string {
  const shown = pairs.slice(0, MAX_LISTED).map((p) => {
    const through = withProto ? describeLeakPaths(p) : [];
    return `${arrow(p)}${through.length ? ` (${through.join(', ')})` : ''}`;
  });
  const more = pairs.length > MAX_LISTED ? `, and ${pairs.length - MAX_LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** Counts per verdict. */
function countVerdicts(pairs: readonly PairResult[]): Record<Verdict, number> & { pairs: number } {
  const count = (v: Verdict) => pairs.filter((p) => p.verdict === v).length;
  return {
    pairs: pairs.length,
    pass: count('pass'),
    leak: count('leak'),
    break: count('break'),
    unknown: count('unknown'),
  };
}

/** Weave's isolation guide, which asks for `--icc=false` (weaveworks/weave site/tasks/manage/application-isolation.md). */
const WEAVE_ISOLATION_GUIDE = 'https://www.weave.works/docs/net/latest/tasks/manage/application-isolation/';

/**
 * One alert per host whose default bridge leaks: containers of different tenants on one host reach each other
 * over docker0 whatever their Weave subnets, because dockerd runs with `--icc=true` (its default). The fix is the
 * daemon's, so it is named per host.
 */
function buildDockerBridgeAlerts(o: IsolationOutcome, leaks: readonly PairResult[]): ReportBlock[] {
  const hostOf = new Map(o.endpoints.map((e) => [e.label, e.host]));
  const byHost = new Map<string, PairResult[]>();
  for (const p of leaks.filter((l) => l.leakVia?.includes('docker0'))) {
    const host = hostOf.get(p.from) ?? '?';
    byHost.set(host, [...(byHost.get(host) ?? []), p]);
  }
  return [...byHost].map(([host, pairs]) => ({
    kind: 'alert',
    level: 'danger',
    text: `*LEAK through docker0* on ${host}: ${listPairs(pairs, false)} reach each other over Docker's default bridge, which joins every container on a host whatever its tenant (dockerd \`--icc=true\`, Docker's default). Fix: run dockerd on ${host} with \`--icc=false\` (\`"icc": false\` in /etc/docker/daemon.json, then restart Docker), as Weave's isolation guide says: ${WEAVE_ISOLATION_GUIDE}`,
  }));
}

function buildAlerts(o: IsolationOutcome): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const leaks = o.pairs.filter((p) => p.verdict === 'leak');
  const breaks = o.pairs.filter((p) => p.verdict === 'break');
  const unknown = o.pairs.filter((p) => p.verdict === 'unknown');
  if (leaks.length) {
    blocks.push({
      kind: 'alert',
      level: 'danger',
      text: `*LEAK*: ${leaks.length} pair(s) expected isolated are reachable: ${listPairs(leaks, true)}`,
    });
  }
  blocks.push(...buildDockerBridgeAlerts(o, leaks));
  const bridges = new Map<string, Set<string>>();
  for (const e of o.endpoints) {
    const key = `${e.container} on ${e.host}`;
    bridges.set(key, new Set([...(bridges.get(key) ?? []), e.tenant ?? e.ip]));
  }
  for (const [who, tenants] of bridges) {
    if (tenants.size > 1) {
      blocks.push({
        kind: 'alert',
        level: 'danger',
        text: `*LEAK*: container ${who} has overlay addresses in ${[...tenants].join(' and ')}: it bridges those tenants`,
      });
    }
  }
  if (breaks.length) {
    blocks.push({
      kind: 'alert',
      level: 'warning',
      text: `*BREAK*: ${breaks.length} pair(s) expected reachable are isolated: ${listPairs(breaks, false)}`,
    });
  }
  if (unknown.length) {
    const reasons = [...new Set(unknown.map((p) => p.reason ?? 'no observation'))].slice(0, 3).join('; ');
    blocks.push({
      kind: 'alert',
      level: 'warning',
      text: `*UNKNOWN*: ${unknown.length} pair(s) could not be judged: ${reasons}`,
    });
  }
  return blocks;
}

function buildThread(o: IsolationOutcome): ReportBlock[] {
  const failing = o.pairs.filter((p) => p.verdict !== 'pass');
  const thread: ReportBlock[] = [];
  if (failing.length) {
    thread.push({
      kind: 'table',
      caption: 'failing pairs: every probe',
      columns: ['pair', 'verdict', 'expected', 'observed', 'probe', 'result', 'tries', 'detail'],
      rows: failing.flatMap((p) => [...failingRows(p, p.toIp, p.probes), ...bridgeRows(p)]),
    });
  }
  thread.push({
    kind: 'table',
    caption: 'workloads',
    columns: ['label', 'host', 'container', 'overlay IP', 'docker0 IP', 'tenant', 'found as'],
    rows: o.endpoints.map((e) => [
      e.label,
      e.host,
      e.container,
      e.ip,
      e.bridgeIp ?? (e.bridgeLookupError ? 'unknown' : '-'),
      e.tenant ?? '(none)',
      e.via,
    ]),
  });
  return thread;
}

function bridgeRows(p: PairResult): string[][] {
  if (!p.bridge) return [];
  const target = p.bridge.ip ? `${p.bridge.ip} docker0` : 'docker0';
  return failingRows({ ...p, reason: p.bridge.reason ?? p.reason }, target, p.bridge.probes);
}

/** Rows of the failing-pairs table: one per probe of one path. */
function failingRows(p: PairResult, target: string, probes: readonly ProbeResult[]): string[][] {
  return (probes.length ? probes : [undefined]).map((x) => [
    `${arrow(p)} (${target})`,
    p.verdict,
    p.expected,
    p.observed,
    x ? probeName(x) : '-',
    x ? x.outcome : '-',
    x ? String(x.attempts) : '-',
    x ? x.detail : (p.reason ?? ''),
  ]);
}

/**
 * The /isolation-check Report: leaks first and loudly, then breaks and unknowns; one pair as a short table,
 * larger sets as expected/observed/comparison truth tables; every failing probe in the thread.
 */
export function buildIsolationReport(o: IsolationOutcome): Report {
  const counts = countVerdicts(o.pairs);
  const ok = counts.leak === 0 && counts.break === 0 && counts.unknown === 0 && !o.incomplete;
  const labels = o.endpoints.map((e) => e.label);
  const blocks = buildAlerts(o);
  if (o.endpoints.length === 2) {
    blocks.push({
      kind: 'table',
      columns: ['from', 'to', 'expected', 'observed', 'verdict', 'probes'],
      rows: o.pairs.map((p) => [
        p.from,
        p.to,
        p.expected,
        p.observed,
        p.verdict,
        [
          ...p.probes.map(describeProbe),
          ...(p.bridge
            ? [`docker0 ${p.bridge.ip || '?'}: ${p.bridge.probes.map(describeProbe).join(', ') || p.bridge.observed}`]
            : []),
        ].join(', '),
      ]),
    });
  } else {
    blocks.push({
      kind: 'text',
      text: `*${counts.pairs} directed pairs*: ${counts.pass} pass, ${counts.leak} leak, ${counts.break} break, ${counts.unknown} unknown`,
    });
    blocks.push({ kind: 'code', text: renderTruthTables(labels, o.pairs) });
  }
  if (o.icmpOnlyNote) blocks.push({ kind: 'alert', level: 'info', text: o.icmpOnlyNote });
  for (const w of o.warnings) blocks.push({ kind: 'alert', level: 'warning', text: w });
  for (const d of o.downHosts)
    blocks.push({ kind: 'alert', level: 'warning', text: `host ${d.host} failed: ${d.reason}` });
  const verdictText =
    counts.leak > 0
      ? `LEAK (${counts.leak})`
      : counts.break > 0
        ? `BREAK (${counts.break})`
        : counts.unknown > 0
          ? `${counts.unknown} unknown`
          : 'as expected';
  const title =
    o.endpoints.length === 2 && o.pairs.length > 0
      ? `isolation ${o.a} ↔ ${o.b}: ${[...new Set(o.pairs.map((p) => p.observed))].join(' / ')}${verdictText === 'as expected' ? ' as expected' : `, ${verdictText}`}`
      : `isolation ${o.a} × ${o.b}: ${counts.pairs} pairs, ${counts.leak} leaks, ${counts.break} breaks${counts.unknown ? `, ${counts.unknown} unknown` : ''}`;
  const grids = buildGrids(labels, o.pairs);
  return {
    command: 'isolation-check',
    ok,
    title,
    blocks,
    thread: buildThread(o),
    a: o.a,
    b: o.b,
    pairs: o.pairs,
    counts,
    matrix: { labels, ...grids },
    endpoints: o.endpoints,
    warnings: o.warnings,
    downHosts: o.downHosts,
    incomplete: o.incomplete,
    icmpOnly: o.icmpOnlyNote !== null,
    timing: o.timing,
  };
}
