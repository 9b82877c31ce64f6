import { BENCH_TEST_LABELS, BENCH_TESTS, type BenchTest } from '../net/bench/bench-types.js';
import type { Report, ReportBlock } from './model.js';

/** A pair/direction this far below the others' median ratio is flagged (issue 14: "more than 20 % below"). */
const PAIR_FLAG_BELOW = 0.2;

/** One ordered pair of a `pairs=all` / `hosts=` run: its single-pair Report, or why it has none. */
export interface PairRun {
  from: string;
  to: string;
  /** The pair's own /cni-bench Report (its `results` are per test). */
  report?: Report;
  /** User-safe reason the pair did not run (a host down, a refused Docker, …). */
  error?: string;
}

/** A pair whose ratio for a test is more than {@link PAIR_FLAG_BELOW} below the median of the other pairs. */
export interface PairFlag {
  test: BenchTest;
  from: string;
  to: string;
  ratio: number;
  othersMedian: number;
  /** How far below, in percent of the others' median. */
  belowPercent: number;
}

type Ratios = Partial<Record<BenchTest, number | null>>;

/** The ratio of each test a pair's report carries (null where the measurement failed). */
export function ratiosOf(report: Report | undefined): Ratios {
  const results = (report?.results ?? {}) as Record<string, { ratio?: number | null } | undefined>;
  return Object.fromEntries(
    BENCH_TESTS.filter((t) => results[t] !== undefined).map((t) => [t, results[t]?.ratio ?? null]),
  ) as Ratios;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Per test, each pair's ratio against the median of the other pairs' ratios (a median, so one slow pair does not
 * pull down the baseline it is judged by). Needs at least two other pairs with a figure: with one, "the others"
 * is a single run and the flag would say nothing about which of the two is off.
 */
export function flagSlowPairs(runs: readonly PairRun[]): PairFlag[] {
  const ratios = runs.map((r) => ({ run: r, ratios: ratiosOf(r.report) }));
  const flags: PairFlag[] = [];
  for (const test of BENCH_TESTS) {
    const measured = ratios.filter((x) => typeof x.ratios[test] === 'number');
    for (const x of measured) {
      const others = measured.filter((o) => o !== x).map((o) => o.ratios[test] as number);
      if (others.length < 2) continue;
      const othersMedian = median(others);
      const ratio = x.ratios[test] as number;
      if (othersMedian > 0 && ratio < othersMedian * (1 - PAIR_FLAG_BELOW)) {
        const belowPercent = Math.round((1 - ratio / othersMedian) * 100);
        flags.push({ test, from: x.run.from, to: x.run.to, ratio, othersMedian, belowPercent });
      }
    }
  }
  return flags;
}

/** Tests any pair reported, in the report order. */
function testsOf(runs: readonly PairRun[]): BenchTest[] {
  const seen = new Set(runs.flatMap((r) => Object.keys(ratiosOf(r.report))));
  return BENCH_TESTS.filter((t) => seen.has(t));
}

/** The hosts of the run in first-seen order (rows and columns of the matrices). */
function hostsOf(runs: readonly PairRun[]): string[] {
  return [...new Set(runs.flatMap((r) => [r.from, r.to]))];
}

/** `matrix[test][from][to]` = ratio, null where the pair failed that test or did not run. */
export function ratioMatrix(runs: readonly PairRun[]): Record<string, Record<string, Record<string, number | null>>> {
  const matrix: Record<string, Record<string, Record<string, number | null>>> = {};
  for (const test of testsOf(runs)) {
    const rows: Record<string, Record<string, number | null>> = {};
    for (const r of runs) {
      const row = rows[r.from] ?? {};
      row[r.to] = ratiosOf(r.report)[test] ?? null;
      rows[r.from] = row;
    }
    matrix[test] = rows;
  }
  return matrix;
}

function matrixBlock(test: BenchTest, runs: readonly PairRun[], flags: readonly PairFlag[]): ReportBlock {
  const hosts = hostsOf(runs);
  const cell = (from: string, to: string): string => {
    if (from === to) return '·';
    const run = runs.find((r) => r.from === from && r.to === to);
    if (!run) return '';
    if (!run.report) return 'down';
    const ratio = ratiosOf(run.report)[test];
    if (ratio === null || ratio === undefined) return 'failed';
    const flagged = flags.some((f) => f.test === test && f.from === from && f.to === to);
    return `${ratio.toFixed(2)}${flagged ? ' !' : ''}`;
  };
  return {
    kind: 'table',
    columns: [`${BENCH_TEST_LABELS[test]}: from \\ to`, ...hosts],
    rows: hosts.map((from) => [from, ...hosts.map((to) => cell(from, to))]),
    caption: 'ratio of network to bare-metal throughput per ordered pair (client → server); ! = flagged',
  };
}

/**
 * The Report of `/cni-bench <network> pairs=all` (or `hosts=a,b,c`): a ratio matrix per test, a warning per pair
 * and direction more than 20 % below the others (with the figures), an alert per pair that could not run, the
 * one chart; JSON `pairs` has one entry per ordered pair with its results. `ok` is false when a pair failed or
 * a measurement did.
 */
export function buildPairsReport(input: {
  network: string;
  runs: readonly PairRun[];
  chart?: string;
  warnings?: readonly string[];
}): Report {
  const { network, runs } = input;
  const flags = flagSlowPairs(runs);
  const tests = testsOf(runs);
  const blocks: ReportBlock[] = tests.map((t) => matrixBlock(t, runs, flags));
  for (const f of flags) {
    blocks.push({
      kind: 'alert',
      level: 'warning',
      text: `${f.from} → ${f.to} ${BENCH_TEST_LABELS[f.test]}: ratio ${f.ratio.toFixed(2)}, ${f.belowPercent} % below the other pairs' median ${f.othersMedian.toFixed(2)}`,
    });
  }
  const errors = runs.flatMap((r) => (r.error ? [`${r.from} → ${r.to}: ${r.error}`] : []));
  const failedTests = runs.flatMap((r) =>
    ((r.report?.errors as string[] | undefined) ?? []).map((e) => `${r.from} → ${r.to}: ${e}`),
  );
  for (const e of [...errors, ...failedTests]) blocks.push({ kind: 'alert', level: 'danger', text: e });
  for (const w of input.warnings ?? []) blocks.push({ kind: 'alert', level: 'warning', text: w });
  if (input.chart) {
    blocks.push({
      kind: 'image',
      path: input.chart,
      title: `${network}: every host pair`,
      altText: `bar chart of ${network}'s ratio to bare metal per test and ordered host pair`,
    });
  }
  const ran = runs.filter((r) => r.report).length;
  const ok = errors.length === 0 && failedTests.length === 0 && runs.every((r) => r.report?.ok === true);
  return {
    command: 'cni-bench',
    ok,
    title: `cni-bench ${network}: ${ran} of ${runs.length} ordered pairs measured${flags.length ? `, ${flags.length} flagged` : ''}${errors.length ? `, ${errors.length} could not run` : ''}`,
    blocks,
    ...(input.chart ? { files: [{ path: input.chart, title: `${network}: every host pair` }] } : {}),
    network,
    hosts: hostsOf(runs),
    pairs: runs.map((r) => ({
      from: r.from,
      to: r.to,
      ok: r.report?.ok ?? false,
      runId: r.report?.runId ?? null,
      results: r.report?.results ?? null,
      ...(r.error ? { error: r.error } : {}),
    })),
    matrix: ratioMatrix(runs),
    flags,
    chart: input.chart ?? null,
    errors: [...errors, ...failedTests],
  };
}
