import type { Redis } from 'ioredis';
import type { CniBenchHistoryArgs } from '../../commands/specs/cni-bench-history.js';
import { cniBenchHistorySpec } from '../../commands/specs/cni-bench-history.js';
import { ErrorCode, NetopsError, UsageError } from '../../errors.js';
import { BENCH_TESTS } from '../../net/bench/bench-types.js';
import type { Report } from '../../report/model.js';
import { listBenchRuns } from '../../stores/bench-history.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor } from '../processor.js';
import { tenantViewOf } from '../processor-kit.js';
import type { BenchConfigView } from './cni-bench-plan.js';

/** Redis is required: history lives there. */
export function requireRedis(redis: (() => Redis) | undefined): Redis {
  const r = redis?.();
  if (!r) {
    throw new NetopsError(ErrorCode.NotAvailable, 'no redis for bench history', {
      userMessage: 'Bench history needs Redis, which this process was started without.',
    });
  }
  return r;
}

/** A usage error unless the network is configured (history of a typo would just look empty). */
export function checkNetworkKnown(config: BenchConfigView, name: string): void {
  if (config.networks.some((n) => n.name === name)) return;
  const known = config.networks.map((n) => n.name).join(', ') || 'none configured';
  throw new UsageError(`unknown network \`${name}\`; known networks: ${known}`);
}

/** `/cni-bench history <network> [limit=N]`: past runs, newest first, with each test's ratio and rating. */
function createCniBenchHistoryProcessor(deps: {
  config: BenchConfigView;
  redis?: () => Redis;
}): Processor<CniBenchHistoryArgs> {
  return async (ctx) => {
    const { network, limit } = ctx.command.args;
    checkNetworkKnown(deps.config, network);
    const runs = await listBenchRuns(requireRedis(deps.redis), network, limit);
    const cell = (r: { ratio: number | null; rating: string | null } | undefined) =>
      r?.ratio === null || r?.ratio === undefined ? '–' : `${r.ratio.toFixed(2)} ${r.rating}`;
    const report: Report = {
      command: 'cni-bench-history',
      ok: true,
      title: runs.length
        ? `cni-bench history ${network}: ${runs.length} run(s)`
        : `cni-bench history ${network}: no runs yet (try /cni-bench ${network})`,
      blocks: runs.length
        ? [
            {
              kind: 'table',
              columns: ['when (UTC)', 'hosts', 'MTU', ...BENCH_TESTS, 'run'],
              rows: runs.map((r) => [
                r.at.replace('T', ' ').slice(0, 16),
                `${r.from}→${r.to}`,
                `${r.mtu.overlay ?? '?'}/${r.mtu.underlay ?? '?'}`,
                ...BENCH_TESTS.map((t) => cell(r.results[t])),
                r.ok ? r.runId : `${r.runId} (partial)`,
              ]),
              caption: 'overlay/bare-metal ratio and rating per test; MTU overlay/underlay',
            },
          ]
        : [{ kind: 'text', text: `No /cni-bench runs of ${network} are stored.` }],
      network,
      runs,
    };
    return report;
  };
}

/** /cni-bench history, read from the bench history in Redis. */
export const cniBenchHistoryProcessor = defineProcessor(cniBenchHistorySpec, (kit) =>
  createCniBenchHistoryProcessor({ config: tenantViewOf(kit), ...kit.bench }),
);
