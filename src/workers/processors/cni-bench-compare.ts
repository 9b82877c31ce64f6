import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { CniBenchCompareArgs } from '../../commands/specs/cni-bench-compare.js';
import { UsageError } from '../../errors.js';
import { listBenchRuns } from '../../net/bench/bench-history.js';
import { BENCH_TEST_LABELS, BENCH_TESTS } from '../../net/bench/bench-types.js';
import { buildCompareChartSpec } from '../../report/charts/bench-charts.js';
import { renderPngFile } from '../../report/charts/render-png.js';
import type { Report, ReportBlock } from '../../report/model.js';
import type { Processor } from '../processor.js';
import { checkNetworkKnown, requireRedis } from './cni-bench-history.js';
import type { BenchConfigView } from './cni-bench-plan.js';

/** `/cni-bench compare <a> <b>`: the latest run of each network side by side, with a chart of ratios. */
export function createCniBenchCompareProcessor(deps: {
  config: BenchConfigView;
  redis?: () => Redis;
  chartsDir: string;
  now?: () => number;
}): Processor<CniBenchCompareArgs> {
  return async (ctx) => {
    const names = [ctx.command.args.network, ctx.command.args.other];
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
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(Math.round(v)));
    const blocks: ReportBlock[] = [
      {
        kind: 'table',
        columns: ['test', ...runs.flatMap((r) => [`${r.network} Mbit/s`, `${r.network} ratio`])],
        rows: BENCH_TESTS.map((t) => [
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
    const at = (deps.now ?? Date.now)();
    const path = join(deps.chartsDir, `bench-compare-${names.join('-')}-${at.toString(36)}.png`);
    const chart = await renderPngFile(buildCompareChartSpec(runs), path);
    blocks.push({
      kind: 'image',
      path: chart,
      title: `${names.join(' vs ')}`,
      altText: `throughput of ${names.join(' and ')} in % of bare metal`,
    });
    const report: Report = {
      command: 'cni-bench-compare',
      ok: true,
      title: `cni-bench compare ${names.join(' vs ')}: ${BENCH_TESTS.map((t) => `${t} ${runs.map((r) => r.results[t]?.rating ?? '–').join('/')}`).join(', ')}`,
      blocks,
      files: [{ path: chart, title: `${names.join(' vs ')}` }],
      networks: names,
      runs,
      chart,
    };
    return report;
  };
}
