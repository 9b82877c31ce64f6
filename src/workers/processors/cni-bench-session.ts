import type { SshPool } from '../../clients/ssh/index.js';
import type { CniBenchArgs } from '../../commands/specs/cni-bench.js';
import type { Logger } from '../../logging.js';
import { type BenchHttp, type BenchImages, sweepStaleBenchContainers } from '../../net/bench/bench-containers.js';
import { readIperf3Versions, readWeaveLinks } from '../../net/bench/bench-facts.js';
import { measureIdle, runBenchTests } from '../../net/bench/bench-run.js';
import { type BenchNetwork, readMtus, startBenchContainers } from '../../net/bench/bench-setup.js';
import { DEFAULT_BENCH_TESTS } from '../../net/bench/bench-types.js';
import { compareVersions } from '../../net/bench/iperf3-version.js';
import { analyzeMtu, summarizeDatapath } from '../../net/bench/mtu-advice.js';
import { startTransferContainers } from '../../net/bench/transfer-setup.js';
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
  http: BenchHttp;
  /** Size of the FTP/SCP file, MiB (config bench.transfer.payloadMB). */
  transferPayloadMB: number;
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
    http: input.http,
    ports: { bareServer, bareClient: bareServer + 1 },
    signal: ctx.signal,
  });
  const selected = args.tests ?? DEFAULT_BENCH_TESTS;
  const transferTests = selected.filter((t): t is 'ftp' | 'scp' => t === 'ftp' || t === 'scp');
  if (transferTests.length) {
    await ctx.progress(`starting ${transferTests.map((t) => t.toUpperCase()).join(' and ')} containers`);
    // A failure half-way leaves its containers to the caller's cleanup, which removes the run's label.
    const transfer = await startTransferContainers({
      ssh,
      runId,
      network,
      client,
      server,
      images,
      payloadMB: input.transferPayloadMB,
      tests: transferTests,
      bareBase: bareServer + 2,
      signal: ctx.signal,
    });
    setup.containers.push(...transfer.containers);
    setup.transfer = transfer.targets;
  }
  await ctx.progress('reading MTUs, datapath and iperf3 versions');
  const warnings: string[] = [];
  const [weave, iperf3] = await Promise.all([
    network.kind === 'weave' ? readWeaveLinks(ssh, [client, server], ctx.signal) : undefined,
    readIperf3Versions(ssh, { client: setup.iperf.overlay.client, server: serverOf(setup) }, ctx.signal),
  ]);
  warnings.push(...(weave?.problems ?? []));
  const mtus = await readMtus({
    ssh,
    hosts: [client, server],
    probe: setup.http.overlay.client,
    network,
    signal: ctx.signal,
  });
  if (mtus.problem) warnings.push(mtus.problem);
  const datapath = weave ? summarizeDatapath(weave.links) : undefined;
  const mtu = analyzeMtu({
    kind: network.kind,
    networkName: network.name,
    underlayMtus: mtus.underlay.flatMap((u) => (u.mtu ? [u.mtu] : [])),
    overlayMtu: mtus.overlay,
    ...(datapath ? { datapath } : {}),
    linkSpeedsMbps: mtus.underlay.map((u) => u.speedMbps),
  });
  const udpOmit = iperf3.client === undefined || compareVersions(iperf3.client.parts, [3, 11]) >= 0;
  const runInput = {
    ssh,
    runId,
    setup,
    client,
    server,
    durationMs: args.durationMs,
    streams: args.streams,
    repeat: args.repeat,
    udpOmit,
    only: selected,
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
    ...(mtus.overlayIface ? { overlayIface: mtus.overlayIface } : {}),
    ...(weave ? { weaveLinks: weave.links } : {}),
    iperf3,
    ...(udpOmit ? {} : { udpWithoutOmit: true }),
    httpPayloadMB: input.http.payloadMB,
    ...(transferTests.length ? { transferPayloadMB: input.transferPayloadMB } : {}),
    idle,
    tests,
    warnings,
  };
}

/** The overlay iperf3 server container (its image is the server side's). */
function serverOf(setup: Awaited<ReturnType<typeof startBenchContainers>>) {
  const c = setup.containers.find((x) => x.role === 'iperf-server' && x.leg === 'overlay');
  if (!c) throw new Error('bench setup has no overlay iperf3 server');
  return c;
}
