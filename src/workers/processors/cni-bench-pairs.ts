import { join } from 'node:path';
import { CancelledError, describeForUser } from '../../errors.js';
import type { Logger } from '../../logging.js';
import { BENCH_TESTS } from '../../net/bench/bench-types.js';
import type { ClusterHost } from '../../net/cluster.js';
import { buildPairsChartSpec } from '../../report/charts/bench-charts.js';
import { renderPngFile } from '../../report/charts/render-png.js';
import { buildPairsReport, type PairRun, ratiosOf } from '../../report/cni-bench-pairs.js';
import type { Report } from '../../report/model.js';
import type { ProcessorContext } from '../processor.js';

/**
 * `/cni-bench <network> pairs=all` / `hosts=…`: each ordered pair in turn (never at once: each waits for its own
 * host-pair lock like a single run, so two pairs sharing a host cannot overlap), a pair that cannot run (a host
 * down) is reported and the others still run; then one chart over all pairs and the pairs Report.
 */
export async function runBenchPairs(input: {
  network: string;
  pairs: ReadonlyArray<{ client: ClusterHost; server: ClusterHost }>;
  ctx: Pick<ProcessorContext<unknown>, 'jobId' | 'signal' | 'progress'>;
  chartsDir: string;
  log: Logger;
  /** One single-pair /cni-bench (lock, session, cleanup, history), without its own chart. */
  runPair: (client: ClusterHost, server: ClusterHost) => Promise<Report>;
}): Promise<Report> {
  const { ctx, log, pairs, network } = input;
  const runs: PairRun[] = [];
  for (const [i, { client, server }] of pairs.entries()) {
    await ctx.progress(`pair ${i + 1}/${pairs.length}: ${client.name} → ${server.name}`);
    try {
      runs.push({ from: client.name, to: server.name, report: await input.runPair(client, server) });
    } catch (err) {
      if (ctx.signal.aborted || err instanceof CancelledError) throw err;
      const ref = `${ctx.jobId}-${client.name}-${server.name}`;
      log.warn({ err, ref, from: client.name, to: server.name }, 'bench pair failed; the other pairs still run');
      runs.push({ from: client.name, to: server.name, error: describeForUser(err, ref) });
    }
  }
  const warnings: string[] = [];
  const chart = await drawPairsChart(network, runs, input.chartsDir, ctx.jobId, warnings, log);
  return buildPairsReport({ network, runs, ...(chart ? { chart } : {}), warnings });
}

async function drawPairsChart(
  network: string,
  runs: readonly PairRun[],
  chartsDir: string,
  jobId: string,
  warnings: string[],
  log: Logger,
): Promise<string | undefined> {
  const series = runs.map((r) => ({ label: `${r.from} → ${r.to}`, ratios: ratiosOf(r.report) }));
  if (!series.some((s) => Object.values(s.ratios).some((v) => typeof v === 'number'))) {
    warnings.push('no chart: no pair measured anything');
    return undefined;
  }
  const tests = BENCH_TESTS.filter((t) => series.some((s) => t in s.ratios));
  try {
    return await renderPngFile(
      buildPairsChartSpec(network, series, tests),
      join(chartsDir, `bench-pairs-${network}-${jobId}.png`),
    );
  } catch (err) {
    // The matrix is the result; a chart that cannot be drawn must not cost the run.
    log.error({ err }, 'pairs chart rendering failed');
    warnings.push('the chart could not be drawn (see the logs)');
    return undefined;
  }
}
