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

/** One series of a compare chart: a network's latest run, or a published figure set. */
export interface CompareSeries {
  label: string;
  ratios: Partial<Record<BenchTest, number | null>>;
}

/**
 * Several networks side by side per test, each as its ratio to the bare metal measured in its own run: runs
 * on different days or hosts are only comparable relative to their own bare-metal leg. Published figures come as
 * further series, labelled as such.
 */
export function buildCompareChartSpec(
  series: readonly CompareSeries[],
  tests: readonly BenchTest[] = BENCH_TESTS,
): TopLevelSpec {
  const bars: GroupedBar[] = series.flatMap((s) =>
    tests.flatMap((t) => {
      const ratio = s.ratios[t];
      return ratio === null || ratio === undefined
        ? []
        : [{ group: BENCH_TEST_LABELS[t], series: s.label, value: Math.round(ratio * 100) }];
    }),
  );
  return buildGroupedBarSpec(bars, {
    title: `${series.map((r) => r.label).join(' vs ')}`,
    subtitle: 'throughput in % of bare metal, latest run of each',
    valueTitle: '% of bare metal',
    groupOrder: tests.map((t) => BENCH_TEST_LABELS[t]),
    seriesOrder: series.map((r) => r.label),
  });
}

/**
 * Every ordered host pair of one network side by side per test, each as its ratio to its own bare-metal leg
 * (pairs on different hosts have different bare metal), so a slow pair or direction stands out as a short bar.
 */
export function buildPairsChartSpec(
  network: string,
  pairs: readonly CompareSeries[],
  tests: readonly BenchTest[] = BENCH_TESTS,
): TopLevelSpec {
  return {
    ...buildCompareChartSpec(pairs, tests),
    title: {
      text: `${network}: every host pair`,
      subtitle: 'throughput in % of bare metal per ordered pair (client → server)',
      font: 'DejaVu Sans',
      subtitleFont: 'DejaVu Sans',
    },
  } as TopLevelSpec;
}
