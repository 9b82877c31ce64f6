import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { createSilentLogger } from '../src/logging.js';
import { createClusterContext } from '../src/main/cluster-context.js';
import { DEFAULT_BENCH_HTTP, DEFAULT_BENCH_IMAGES, removeRunContainers } from '../src/net/bench/bench-containers.js';
import { runBenchTests } from '../src/net/bench/bench-run.js';
import { type BenchSetup, startBenchContainers } from '../src/net/bench/bench-setup.js';
import type { BenchLeg } from '../src/net/bench/bench-types.js';
import { medianOf, roundTo } from '../src/net/bench/stats.js';
import type { ClusterHost } from '../src/net/cluster.js';
import { resolveBenchNetwork } from '../src/workers/processors/cni-bench-plan.js';
import { holdLabLock, releaseLabLock } from '../test/lab/lab-lock.js';
import { bringUpLabForTests, runOverSsh } from '../test/lab/lab-support.js';
import { CONFIG_PATH } from '../test/lab/topology.js';

/**
 * Accuracy of /cni-bench: in one lab run and between the same containers, the figures the bot reports (its own
 * path: `docker exec … iperf3 -J` over the SSH pool, JSON parsing, host sampling in the first repeat, median of
 * REPEAT) against iperf3 run directly the way knb does (`iperf3 -f m` text over the ssh CLI, `receiver` line,
 * median of REPEAT). Each round puts one bot report next to one direct median, in alternating order, so the
 * shared machine's load drifting between rounds hits both alike; the deviation is the median over rounds of
 * bot/direct − 1 (paired). Target: within ±10 %. The deviation of the overall medians is reported beside it.
 */
const ROUNDS = 5;
const REPEAT = 3;
const DURATION_S = 3;
const TARGET = 0.1;
const RESULT_FILE = new URL('./results/cni-accuracy.json', import.meta.url);

type Proto = 'tcp' | 'udp';
type Key = `${Proto}-${BenchLeg}`;
const KEYS: Key[] = ['tcp-overlay', 'tcp-bare', 'udp-overlay', 'udp-bare'];
const LEGS: BenchLeg[] = ['overlay', 'bare'];

/** Summary written to bench/results/cni-accuracy.json. */
export interface CniAccuracyResult {
  name: 'cni-accuracy';
  date: string;
  network: string;
  rounds: number;
  repeat: number;
  durationS: number;
  figures: Record<
    Key,
    {
      /** Median over rounds of the bot's reported figure (Mbit/s). */
      botMbps: number;
      /** Median over rounds of the direct median (Mbit/s). */
      directMbps: number;
      /** Median over rounds of bot/direct − 1: the pass criterion. */
      deviation: number;
      /** botMbps / directMbps − 1. */
      deviationOfMedians: number;
      /** Per round: the bot's report and the direct median. */
      bot: number[];
      direct: number[];
    }
  >;
  maxAbsDeviation: number;
  target: number;
  pass: boolean;
  machine: { node: string; cpus: number; loadavg1: number };
}

/** The receiver line of iperf3's text output (`-f m`), as knb reads it: Mbit/s. */
function parseReceiverMbps(text: string): number {
  const line = text.split('\n').find((l) => /\breceiver\s*$/.test(l));
  const m = line && /([\d.]+)\s+Mbits\/sec/.exec(line);
  if (!m?.[1]) throw new Error(`no receiver line in iperf3 output: ${text.slice(-400)}`);
  return Number(m[1]);
}

async function runDirect(setup: BenchSetup, leg: BenchLeg, udp: boolean): Promise<number> {
  const p = setup.iperf[leg];
  const line = `docker exec ${p.client.name} iperf3 -c ${p.serverIp} -p ${p.port} -O 1 -t ${DURATION_S} -f m${udp ? ' -u -b 0' : ''}`;
  for (let attempt = 0; ; attempt++) {
    const r = await runOverSsh(p.client.host as 'u1', line, 60_000);
    if (r.code === 0) return parseReceiverMbps(r.stdout);
    // The server finishing the bot's previous test may still refuse for a moment.
    if (attempt === 10) throw new Error(`direct iperf3 failed: ${r.stdout.slice(-300)} ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

interface Lab {
  cluster: ReturnType<typeof createClusterContext>;
  setup: BenchSetup;
  runId: string;
}

/** One bot report (median of REPEAT, as /cni-bench computes it) per leg. */
async function runBot(lab: Lab, proto: Proto): Promise<Record<BenchLeg, number>> {
  const [client, server] = lab.cluster.hosts as [ClusterHost, ClusterHost];
  const [t] = await runBenchTests({
    ssh: lab.cluster.ssh,
    runId: lab.runId,
    setup: lab.setup,
    client,
    server,
    durationMs: DURATION_S * 1000,
    streams: 2,
    repeat: REPEAT,
    signal: new AbortController().signal,
    progress: async () => {},
    only: [proto],
  });
  if (!t || t.overlayMbps === null || t.bareMbps === null)
    throw new Error(`bot ${proto} failed: ${t?.errors.join('; ')}`);
  return { overlay: t.overlayMbps, bare: t.bareMbps };
}

/** Direct medians of REPEAT runs per leg, legs alternating like the bot's. */
async function runDirectMedians(lab: Lab, proto: Proto): Promise<Record<BenchLeg, number>> {
  const runs: Record<BenchLeg, number[]> = { overlay: [], bare: [] };
  for (let i = 0; i < REPEAT; i++)
    for (const leg of LEGS) runs[leg].push(await runDirect(lab.setup, leg, proto === 'udp'));
  return { overlay: medianOf(runs.overlay) ?? Number.NaN, bare: medianOf(runs.bare) ?? Number.NaN };
}

async function measureRounds(lab: Lab): Promise<{ bot: Record<Key, number[]>; direct: Record<Key, number[]> }> {
  const bot: Record<Key, number[]> = { 'tcp-overlay': [], 'tcp-bare': [], 'udp-overlay': [], 'udp-bare': [] };
  const direct: Record<Key, number[]> = { 'tcp-overlay': [], 'tcp-bare': [], 'udp-overlay': [], 'udp-bare': [] };
  for (let round = 1; round <= ROUNDS; round++) {
    console.error(`round ${round}/${ROUNDS}`);
    for (const proto of ['tcp', 'udp'] as const) {
      const botFirst = round % 2 === 1;
      const d1 = botFirst ? undefined : await runDirectMedians(lab, proto);
      const b = await runBot(lab, proto);
      const d = d1 ?? (await runDirectMedians(lab, proto));
      for (const leg of LEGS) {
        bot[`${proto}-${leg}`].push(b[leg]);
        direct[`${proto}-${leg}`].push(d[leg]);
      }
    }
  }
  return { bot, direct };
}

function summarizeFigures(bot: Record<Key, number[]>, direct: Record<Key, number[]>): CniAccuracyResult['figures'] {
  const entries = KEYS.map((key) => {
    const botMbps = medianOf(bot[key]) ?? Number.NaN;
    const directMbps = medianOf(direct[key]) ?? Number.NaN;
    const paired = medianOf(bot[key].map((b, i) => b / (direct[key][i] ?? Number.NaN) - 1)) ?? Number.NaN;
    return [
      key,
      {
        botMbps: roundTo(botMbps, 1),
        directMbps: roundTo(directMbps, 1),
        deviation: roundTo(paired, 4),
        deviationOfMedians: roundTo(botMbps / directMbps - 1, 4),
        bot: bot[key].map((v) => roundTo(v, 1)),
        direct: direct[key].map((v) => roundTo(v, 1)),
      },
    ];
  });
  return Object.fromEntries(entries) as CniAccuracyResult['figures'];
}

export async function run(): Promise<CniAccuracyResult> {
  // up/down lock the lab only under vitest; a benchmark must not tear down a lab a test run owns either.
  await holdLabLock();
  let teardown: () => Promise<void>;
  try {
    teardown = await bringUpLabForTests({ withoutEmulators: true });
  } catch (err) {
    releaseLabLock();
    throw err;
  }
  const config = loadConfig({}, { path: CONFIG_PATH });
  const cluster = createClusterContext(config, createSilentLogger());
  const runId = `acc${Date.now().toString(36)}`;
  const [client, server] = cluster.hosts;
  let measured: Awaited<ReturnType<typeof measureRounds>>;
  try {
    if (!client || !server) throw new Error('the lab config has fewer than two hosts');
    const setup = await startBenchContainers({
      ssh: cluster.ssh,
      runId,
      network: resolveBenchNetwork(config, 'weave'),
      client,
      server,
      // iperf3 3.12 on both ends, as the committed figures were taken: its UDP JSON has the receiver sum, so the
      // bot and knb's `receiver` line read the same figure (networkstatic/iperf3 is 3.9, whose UDP has none).
      images: { ...DEFAULT_BENCH_IMAGES, iperf3: 'lab/iperf3:3.12', iperf3Client: 'lab/iperf3:3.12' },
      http: DEFAULT_BENCH_HTTP,
      ports: { bareServer: 25_301, bareClient: 25_302 },
      signal: new AbortController().signal,
    });
    measured = await measureRounds({ cluster, setup, runId });
  } finally {
    await removeRunContainers(
      cluster.ssh,
      cluster.hosts.slice(0, 2).map((h) => h.name),
      runId,
    );
    await cluster.close();
    await teardown();
    releaseLabLock();
  }
  const figures = summarizeFigures(measured.bot, measured.direct);
  const maxAbsDeviation = Math.max(...KEYS.map((k) => Math.abs(figures[k].deviation)));
  return {
    name: 'cni-accuracy',
    date: new Date().toISOString(),
    network: 'weave',
    rounds: ROUNDS,
    repeat: REPEAT,
    durationS: DURATION_S,
    figures,
    maxAbsDeviation: roundTo(maxAbsDeviation, 4),
    target: TARGET,
    pass: maxAbsDeviation <= TARGET,
    machine: { node: process.version, cpus: cpus().length, loadavg1: roundTo(loadavg()[0] ?? 0, 2) },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.table(
    Object.fromEntries(
      Object.entries(result.figures).map(([k, f]) => [
        k,
        { bot: f.botMbps, direct: f.directMbps, deviation: f.deviation, ofMedians: f.deviationOfMedians },
      ]),
    ),
  );
  console.log(`max |deviation| ${result.maxAbsDeviation} (target ${result.target}): ${result.pass ? 'pass' : 'FAIL'}`);
}
