import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { CniBenchArgs } from '../../commands/specs/cni-bench.js';
import { cniBenchSpec } from '../../commands/specs/cni-bench.js';
import type { Logger } from '../../logging.js';
import {
  type BenchHttp,
  type BenchImages,
  DEFAULT_BENCH_HTTP,
  DEFAULT_BENCH_IMAGES,
  removeRunContainers,
} from '../../net/bench/bench-containers.js';
import type { BenchNetwork } from '../../net/bench/bench-setup.js';
import type { ClusterContext, ClusterHost } from '../../net/cluster.js';
import { buildBenchChartSpec } from '../../report/charts/bench-charts.js';
import { renderPngFile } from '../../report/charts/render-png.js';
import { buildCniBenchReport, type CniBenchOutcome, summarizeResources } from '../../report/cni-bench-report.js';
import type { Report } from '../../report/model.js';
import { saveBenchRun } from '../../stores/bench-history.js';
import { acquireHostPairLock, type HeldBenchLock } from '../../stores/bench-lock.js';
import { isRunAlive, keepRunAlive } from '../../stores/run-liveness.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor, ProcessorContext } from '../processor.js';
import { tenantViewOf } from '../processor-kit.js';
import { runBenchPairs } from './cni-bench-pairs.js';
import { type BenchConfigView, resolveBenchHosts, resolveBenchNetwork, resolveBenchPairs } from './cni-bench-plan.js';
import { runBenchSession } from './cni-bench-session.js';

/** Size of the FTP/SCP file unless bench.transfer.payloadMB says otherwise, MiB. */
const DEFAULT_TRANSFER_PAYLOAD_MB = 100;

/** What /cni-bench needs injected. */
export interface CniBenchDeps {
  cluster: Pick<ClusterContext, 'ssh' | 'hosts'>;
  config: BenchConfigView;
  /** Shared Redis connection (lock and history); undefined runs without either. */
  redis?: () => Redis;
  /** Where chart PNGs go. */
  chartsDir: string;
  /** Config `bench`: images and the HTTP payload; defaults are the published images. */
  bench?: { images?: Partial<BenchImages>; http?: Partial<BenchHttp>; transfer?: { payloadMB?: number } };
  /** Host-pair lock and run liveness TTL (refreshed every third). @defaultValue 15000 */
  lockTtlMs?: number;
  logger?: Logger;
  now?: () => number;
  /** Refuses hosts whose Docker is outside the supported window (net/docker-version.ts) before anything starts. */
  ensureDocker?: (hosts: readonly ClusterHost[], signal: AbortSignal) => Promise<void>;
}

/**
 * `/cni-bench <network>`: waits for the host pair (one benchmark per pair, queue position shown), runs the
 * session (see cni-bench-session.ts), always removes its containers (also on failure and cancel), draws the
 * chart and stores the run in history.
 */
export function createCniBenchProcessor(deps: CniBenchDeps): Processor<CniBenchArgs> {
  const configured = deps.bench?.images ?? {};
  const images: BenchImages = {
    ...DEFAULT_BENCH_IMAGES,
    ...definedOnly(configured),
    // The client runs the server's image unless the config names its own.
    iperf3Client: configured.iperf3Client ?? configured.iperf3 ?? DEFAULT_BENCH_IMAGES.iperf3Client,
  };
  const http: BenchHttp = { ...DEFAULT_BENCH_HTTP, ...definedOnly(deps.bench?.http ?? {}) };
  return async (ctx) => {
    const args = ctx.command.args;
    const network = resolveBenchNetwork(deps.config, args.network);
    const pair = (client: ClusterHost, server: ClusterHost, chart: boolean) =>
      benchPair({ deps, images, http, ctx, network, client, server, chart });
    if (args.pairs || args.hosts) {
      return runBenchPairs({
        network: network.name,
        pairs: resolveBenchPairs(deps.cluster.hosts, network.name, args),
        ctx,
        chartsDir: deps.chartsDir,
        log: ctx.logger.child({ network: network.name, pairs: true }),
        runPair: (client, server) => pair(client, server, false),
      });
    }
    const { client, server } = resolveBenchHosts(deps.cluster.hosts, args.from, args.to);
    return pair(client, server, true);
  };
}

/**
 * One host pair: waits for it (one benchmark per pair, queue position shown), runs the session, always removes
 * its containers, draws its chart unless a pairs run draws one over all pairs, and stores the run in history.
 */
async function benchPair(input: {
  deps: CniBenchDeps;
  images: BenchImages;
  http: BenchHttp;
  ctx: ProcessorContext<CniBenchArgs>;
  network: BenchNetwork;
  client: ClusterHost;
  server: ClusterHost;
  chart: boolean;
}): Promise<Report> {
  const { deps, images, http, ctx, network, client, server } = input;
  const args = ctx.command.args;
  await deps.ensureDocker?.([client, server], ctx.signal);
  const ssh = deps.cluster.ssh;
  const redis = deps.redis?.();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const log = ctx.logger.child({ runId, network: network.name, from: client.name, to: server.name });

  let lock: HeldBenchLock | undefined;
  if (redis) {
    await ctx.progress(`waiting for hosts ${client.name} and ${server.name}`);
    lock = await acquireHostPairLock({
      redis,
      hosts: [client.name, server.name],
      holder: ctx.jobId,
      signal: ctx.signal,
      onPosition: (p) => ctx.setQueuePosition(p),
      ...(deps.lockTtlMs ? { ttlMs: deps.lockTtlMs } : {}),
    });
  }
  let outcome: CniBenchOutcome;
  try {
    const stopAlive = redis ? await keepRunAlive(redis, runId, deps.lockTtlMs) : async () => {};
    try {
      outcome = await runBenchSession({
        ssh,
        runId,
        network,
        client,
        server,
        images,
        http,
        transferPayloadMB: deps.bench?.transfer?.payloadMB ?? DEFAULT_TRANSFER_PAYLOAD_MB,
        args,
        ...(redis ? { isRunAlive: (id: string) => isRunAlive(redis, id) } : {}),
        ctx,
        log,
        ...(deps.now ? { now: deps.now } : {}),
      });
    } finally {
      const cleanup = await removeRunContainers(ssh, [client.name, server.name], runId);
      if (cleanup.problems.length) log.error({ problems: cleanup.problems }, 'bench containers left behind');
      await stopAlive();
    }
  } finally {
    await lock?.release().catch((err: Error) => log.warn({ err: err.message }, 'releasing the bench lock failed'));
  }
  if (lock && !lock.held) {
    outcome.warnings.push('the host-pair lock expired during the run: another benchmark may have overlapped');
  }
  if (input.chart) {
    await ctx.progress('drawing the chart');
    await drawChart(outcome, deps.chartsDir, log);
  }
  const report = buildCniBenchReport(outcome);
  if (redis) await saveRun(redis, outcome, report, ctx.jobId, deps.now ?? Date.now);
  return report;
}

async function drawChart(outcome: CniBenchOutcome, chartsDir: string, log: Logger): Promise<void> {
  if (outcome.tests.every((t) => t.bareMbps === null && t.overlayMbps === null)) {
    outcome.warnings.push('no chart: every measurement failed');
    return;
  }
  const path = join(chartsDir, `bench-${outcome.network}-${outcome.runId}.png`);
  const subtitle = `${outcome.from} → ${outcome.to} · MTU ${outcome.mtu.overlay ?? '?'} on ${outcome.mtu.underlay ?? '?'}`;
  try {
    outcome.chart = await renderPngFile(buildBenchChartSpec(outcome.network, outcome.tests, subtitle), path);
  } catch (err) {
    // The figures are the result; a chart that cannot be drawn must not cost the run.
    log.error({ err }, 'chart rendering failed');
    outcome.warnings.push('the chart could not be drawn (see the logs)');
  }
}

function saveRun(redis: Redis, o: CniBenchOutcome, report: Report, jobId: string, now: () => number): Promise<void> {
  return saveBenchRun(redis, {
    runId: o.runId,
    jobId,
    network: o.network,
    at: new Date(now()).toISOString(),
    from: o.from,
    to: o.to,
    durationMs: o.durationMs,
    streams: o.streams,
    repeat: o.repeat,
    ok: report.ok,
    mtu: { underlay: o.mtu.underlay ?? null, overlay: o.mtu.overlay ?? null, recommended: o.mtu.recommended ?? null },
    results: Object.fromEntries(
      o.tests.map((t) => [
        t.test,
        { bareMbps: t.bareMbps, overlayMbps: t.overlayMbps, ratio: t.ratio, rating: t.rating },
      ]),
    ),
    resources: summarizeResources(o),
    ...(o.chart ? { chart: o.chart } : {}),
  });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** /cni-bench with the configured images and payloads, the bench lock and history, and the Docker check. */
export const cniBenchProcessor = defineProcessor(cniBenchSpec, (kit) =>
  createCniBenchProcessor({
    cluster: kit.cluster,
    logger: kit.logger,
    config: tenantViewOf(kit),
    ...kit.bench,
    bench: kit.config.bench,
    ensureDocker: kit.gates.ensureDocker,
  }),
);
