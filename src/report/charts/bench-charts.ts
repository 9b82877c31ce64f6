import type { TopLevelSpec } from 'vega-lite';
import { BENCH_TEST_LABELS, BENCH_TESTS, type BenchTest } from '../../net/bench/bench-types.js';
import { buildGroupedBarSpec, type GroupedBar } from './grouped-bar-spec.js';

type TestFigures = { test: BenchTest; bareMbps: number | null; overlayMbps: number | null };

const BARE = 'bare metal';

/** Bare metal vs the network per test (tests without a figure are left out). */
export function buildBenchChartSpec(network: string, results: readonly TestFigures[], subtitle?: string): TopLevelSpec {
  const bars: GroupedBar[] = results.flatMap((r) => [
    ...(r.bareMbps === null ? [] : [{ group: BENCH_TEST_LABELS[r.test], series: BARE, value: r.bareMbps }]),
    ...(r.overlayMbps === null ? [] : [{ group: BENCH_TEST_LABELS[r.test], series: network, value: r.overlayMbps }]),
  ]);
  return buildGroupedBarSpec(bars, {
    title: `${network} vs bare metal`,
    valueTitle: 'Mbit/s',
    groupOrder: BENCH_TESTS.map((t) => BENCH_TEST_LABELS[t]),
    seriesOrder: [BARE, network],
    ...(subtitle ? { subtitle } : {}),
  });
}

/**
 * Several networks side by side per test, each as its ratio to the bare metal measured in its own run: runs
 * on different days or hosts are only comparable relative to their own bare-metal leg.
 */
export function buildCompareChartSpec(
  runs: ReadonlyArray<{ network: string; results: Partial<Record<BenchTest, { ratio: number | null }>> }>,
): TopLevelSpec {
  const bars: GroupedBar[] = runs.flatMap((run) =>
    BENCH_TESTS.flatMap((t) => {
      const ratio = run.results[t]?.ratio;
      return ratio === null || ratio === undefined
        ? []
        : [{ group: BENCH_TEST_LABELS[t], series: run.network, value: Math.round(ratio * 100) }];
    }),
  );
  return buildGroupedBarSpec(bars, {
    title: `${runs.map((r) => r.network).join(' vs ')}`,
    subtitle: 'throughput in % of bare metal, latest run of each',
    valueTitle: '% of bare metal',
    groupOrder: BENCH_TESTS.map((t) => BENCH_TEST_LABELS[t]),
    seriesOrder: runs.map((r) => r.network),
  });
}
