import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { CniBenchCompareArgs } from '../../commands/specs/cni-bench-compare.js';
import { cniBenchCompareSpec } from '../../commands/specs/cni-bench-compare.js';
import { UsageError } from '../../errors.js';
import { BENCH_TEST_LABELS, BENCH_TESTS, type BenchTest, type NetworkKind } from '../../net/bench/bench-types.js';
import { PUBLISHED_CONDITIONS, publishedFiguresFor } from '../../net/bench/published-figures.js';
import { buildCompareChartSpec, type CompareSeries } from '../../report/charts/bench-charts.js';
import { renderPngFile } from '../../report/charts/render-png.js';
import type { Report, ReportBlock } from '../../report/model.js';
import { listBenchRuns } from '../../stores/bench-history.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor } from '../processor.js';
import { tenantViewOf } from '../processor-kit.js';
import { checkNetworkKnown, requireRedis } from './cni-bench-history.js';
import type { BenchConfigView } from './cni-bench-plan.js';

/**
 * `/cni-bench compare <a> <b> [c] [published=yes]`: the latest run of each network side by side, one chart of
 * ratios across them, and on request the study's published figures for the same tests and datapaths beside ours.
 */
export function createCniBenchCompareProcessor(deps: {
  config: BenchConfigView;
  redis?: () => Redis;
  chartsDir: string;
  now?: () => number;
}): Processor<CniBenchCompareArgs> {
  return async (ctx) => {
    const { network, other, third, published } = ctx.command.args;
    const names = [network, other, ...(third ? [third] : [])];
    for (const n of names) checkNetworkKnown(deps.config, n);
    const redis = requireRedis(deps.redis);
    const latest = await Promise.all(names.map(async (n) => (await listBenchRuns(redis, n, 1))[0]));
    const missing = names.filter((_, i) => !latest[i]);
    if (missing.length) {
      throw new UsageError(
        `no stored /cni-bench run of ${missing.join(' and ')}: run \`/cni-bench ${missing[0]}\` first`,
      );
    }
    const runs = latest.filter((r) => r !== undefined);
    // Only the tests some run measured: a compare of default runs shows no empty FTP/SCP groups.
    const tests = BENCH_TESTS.filter((t) => runs.some((r) => r.results[t]));
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(Math.round(v)));
    const blocks: ReportBlock[] = [
      {
        kind: 'table',
        columns: ['test', ...runs.flatMap((r) => [`${r.network} Mbit/s`, `${r.network} ratio`])],
        rows: tests.map((t) => [
          BENCH_TEST_LABELS[t],
          ...runs.flatMap((r) => {
            const x = r.results[t];
            return [
              fmt(x?.overlayMbps),
              x?.ratio === null || x?.ratio === undefined ? '–' : `${x.ratio.toFixed(2)} ${x.rating}`,
            ];
          }),
        ]),
        caption: runs
          .map((r) => `${r.network}: ${r.at.slice(0, 16)} UTC, ${r.from}→${r.to}, MTU ${r.mtu.overlay ?? '?'}`)
          .join('; '),
      },
    ];
    const series: CompareSeries[] = runs.map((r) => ({
      label: r.network,
      ratios: Object.fromEntries(tests.map((t) => [t, r.results[t]?.ratio ?? null])),
    }));
    const publishedJson: unknown[] = [];
    if (published) {
      const p = publishedBlock(deps.config, names, tests);
      series.push(...p.series);
      publishedJson.push(...p.json);
      blocks.push(p.block);
    }
    const at = (deps.now ?? Date.now)();
    const path = join(deps.chartsDir, `bench-compare-${names.join('-')}-${at.toString(36)}.png`);
    const chart = await renderPngFile(buildCompareChartSpec(series, tests), path);
    blocks.push({
      kind: 'image',
      path: chart,
      title: `${names.join(' vs ')}`,
      altText: `throughput of ${names.join(', ')} in % of bare metal${published ? ', with published figures' : ''}`,
    });
    const report: Report = {
      command: 'cni-bench-compare',
      ok: true,
      title: `cni-bench compare ${names.join(' vs ')}: ${tests.map((t) => `${t} ${runs.map((r) => r.results[t]?.rating ?? '–').join('/')}`).join(', ')}`,
      blocks,
      files: [{ path: chart, title: `${names.join(' vs ')}` }],
      networks: names,
      runs,
      ...(published ? { published: publishedJson } : {}),
      chart,
    };
    return report;
  };
}

/** The study's figures for the compared networks: a table, chart series (ratios only) and the JSON entries. */
function publishedBlock(
  config: BenchConfigView,
  names: readonly string[],
  tests: readonly BenchTest[],
): { block: ReportBlock; series: CompareSeries[]; json: unknown[] } {
  const rows: string[][] = [];
  const series: CompareSeries[] = [];
  const json: unknown[] = [];
  for (const name of names) {
    const study = publishedFiguresFor(config.networks.find((n) => n.name === name)?.kind as NetworkKind);
    if (!study) continue;
    if (study.figures.length === 0) {
      rows.push([name, study.cni, '–', '–', 'no figure in the published text (rated "very good" for FTP in 2019)']);
      continue;
    }
    for (const f of study.figures) {
      rows.push([
        name,
        `${f.cni} (${f.year}, published)`,
        BENCH_TEST_LABELS[f.test],
        f.ratio !== undefined ? f.ratio.toFixed(2) : `${f.mbps} Mbit/s`,
        `${f.note}${f.mtu ? `, MTU ${f.mtu}` : ''}`,
      ]);
      json.push({ network: name, ...f, conditions: PUBLISHED_CONDITIONS, published: true });
    }
    const ratios = study.figures.filter((f) => f.ratio !== undefined && tests.includes(f.test));
    for (const year of [...new Set(ratios.map((f) => f.year))]) {
      const ofYear = ratios.filter((f) => f.year === year);
      series.push({
        label: `${ofYear[0]?.cni} ${year} (published)`,
        ratios: Object.fromEntries(ofYear.map((f) => [f.test, f.ratio ?? null])),
      });
    }
  }
  return {
    block: {
      kind: 'table',
      columns: ['network', 'study CNI', 'test', 'figure', 'as published'],
      rows,
      caption: `Published by the CNI benchmark study (Ducastel, ITNEXT 2019/2020), not measured here: ${PUBLISHED_CONDITIONS}. 2020 TCP figures are Mbit/s without a bare-metal row.`,
    },
    series,
    json,
  };
}

/** /cni-bench compare, read from the bench history in Redis, its chart written to the charts folder. */
export const cniBenchCompareProcessor = defineProcessor(cniBenchCompareSpec, (kit) =>
  createCniBenchCompareProcessor({ config: tenantViewOf(kit), ...kit.bench }),
);
