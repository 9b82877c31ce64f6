import type { SshPool } from '../../clients/ssh/index.js';
import type { CniBenchArgs } from '../../commands/specs/cni-bench.js';
import type { Logger } from '../../logging.js';
import { type BenchImages, sweepStaleBenchContainers } from '../../net/bench/bench-containers.js';
import { measureIdle, runBenchTests } from '../../net/bench/bench-run.js';
import { type BenchNetwork, readMtus, startBenchContainers } from '../../net/bench/bench-setup.js';
import { analyzeMtu } from '../../net/bench/mtu-advice.js';
import type { ClusterHost } from '../../net/cluster.js';
import type { CniBenchOutcome } from '../../report/cni-bench-report.js';
import type { ProcessorContext } from '../processor.js';

/** Everything one bench session needs; the caller owns the lock and the cleanup. */
export interface BenchSessionInput {
  ssh: Pick<SshPool, 'run'>;
  runId: string;
  network: BenchNetwork;
  client: ClusterHost;
  server: ClusterHost;
  images: BenchImages;
  args: CniBenchArgs;
  /** Whether a bench container's run is still alive; without it no sweep happens. */
  isRunAlive?: (runId: string) => Promise<boolean>;
  ctx: Pick<ProcessorContext, 'signal' | 'progress'>;
  log: Logger;
  now?: () => number;
}

/**
 * The measuring part of /cni-bench: sweep containers of crashed runs, start this run's containers, read the
 * MTUs, take the idle baseline, run the tests. Throws on set-up failures; failed measurements are in the result.
 */
export async function runBenchSession(input: BenchSessionInput): Promise<CniBenchOutcome> {
  const { ssh, runId, network, client, server, images, args, ctx, log } = input;
  const isRunAlive = input.isRunAlive;
  if (isRunAlive) {
    await ctx.progress('removing containers of crashed bench runs');
    for (const h of [client.name, server.name]) {
      const swept = await sweepStaleBenchContainers(ssh, h, isRunAlive, ctx.signal);
      if (swept.length) log.warn({ host: h, containers: swept.length }, 'removed stale bench containers');
    }
  }
  await ctx.progress('starting bench containers');
  const bareServer = 20_000 + Math.floor(Math.random() * 20_000);
  const setup = await startBenchContainers({
    ssh,
    runId,
    network,
    client,
    server,
    images,
    ports: { bareServer, bareClient: bareServer + 1 },
    signal: ctx.signal,
  });
  await ctx.progress('reading MTUs');
  const mtus = await readMtus({
    ssh,
    hosts: [client, server],
    probe: setup.http.overlay.client,
    network,
    signal: ctx.signal,
  });
  const mtu = analyzeMtu({
    kind: network.kind,
    networkName: network.name,
    underlayMtus: mtus.underlay.flatMap((u) => (u.mtu ? [u.mtu] : [])),
    overlayMtu: mtus.overlay,
  });
  const runInput = {
    ssh,
    runId,
    setup,
    client,
    server,
    durationMs: args.durationMs,
    streams: args.streams,
    repeat: args.repeat,
    httpFile: images.httpFile,
    signal: ctx.signal,
    progress: (s: string) => ctx.progress(s),
    ...(input.now ? { now: input.now } : {}),
  };
  await ctx.progress('idle baseline');
  const idle = await measureIdle(runInput);
  const tests = await runBenchTests(runInput);
  return {
    runId,
    network: network.name,
    from: client.name,
    to: server.name,
    durationMs: args.durationMs,
    streams: args.streams,
    repeat: args.repeat,
    mtu,
    underlay: mtus.underlay,
    idle,
    tests,
    warnings: [],
  };
}
