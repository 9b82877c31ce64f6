import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { createSilentLogger } from '../src/logging.js';
import { createClusterContext } from '../src/main/cluster-context.js';
import { DEFAULT_BENCH_IMAGES, removeRunContainers } from '../src/net/bench/bench-containers.js';
import { runBenchTests } from '../src/net/bench/bench-run.js';
import { type BenchSetup, startBenchContainers } from '../src/net/bench/bench-setup.js';
import type { BenchLeg } from '../src/net/bench/bench-types.js';
import { medianOf, roundTo } from '../src/net/bench/stats.js';
import { resolveBenchNetwork } from '../src/workers/processors/cni-bench-plan.js';
import { bringUpLabForTests, runOverSsh } from '../test/lab/lab-support.js';
import { CONFIG_PATH } from '../test/lab/topology.js';

/**
 * Accuracy of /cni-bench: in one lab run and between the same containers, the bot's reported TCP and UDP
 * figures (its own measurement path: `docker exec … iperf3 -J` over the SSH pool, JSON parsing, medians)
 * against iperf3 run directly the way knb does (`iperf3 -f m` text over the ssh CLI, `receiver` line).
 * Bot and direct runs alternate, so drift in the shared machine's load hits both alike. Target: ±10 %.
 */
const ROUNDS = 3;
const DURATION_S = 3;
const TARGET = 0.1;
const RESULT_FILE = new URL('./results/cni-accuracy.json', import.meta.url);

type Key = `${'tcp' | 'udp'}-${BenchLeg}`;
const KEYS: Key[] = ['tcp-overlay', 'tcp-bare', 'udp-overlay', 'udp-bare'];

/** Summary written to bench/results/cni-accuracy.json. */
export interface CniAccuracyResult {
  name: 'cni-accuracy';
  date: string;
  network: string;
  rounds: number;
  durationS: number;
  /** Per measurement: bot and direct medians (Mbit/s) and the relative difference (bot/direct − 1). */
  figures: Record<Key, { botMbps: number; directMbps: number; deviation: number; bot: number[]; direct: number[] }>;
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

export async function run(): Promise<CniAccuracyResult> {
  const teardown = await bringUpLabForTests({ withoutEmulators: true });
  const config = loadConfig({}, { path: CONFIG_PATH });
  const cluster = createClusterContext(config, createSilentLogger());
  const runId = `acc${Date.now().toString(36)}`;
  const [client, server] = cluster.hosts;
  if (!client || !server) throw new Error('the lab config has fewer than two hosts');
  const signal = new AbortController().signal;
  const bot: Record<Key, number[]> = { 'tcp-overlay': [], 'tcp-bare': [], 'udp-overlay': [], 'udp-bare': [] };
  const direct: Record<Key, number[]> = { 'tcp-overlay': [], 'tcp-bare': [], 'udp-overlay': [], 'udp-bare': [] };
  try {
    const network = resolveBenchNetwork(config, 'weave');
    const setup = await startBenchContainers({
      ssh: cluster.ssh,
      runId,
      network,
      client,
      server,
      images: DEFAULT_BENCH_IMAGES,
      ports: { bareServer: 25_301, bareClient: 25_302 },
      signal,
    });
    for (let round = 1; round <= ROUNDS; round++) {
      console.error(`round ${round}/${ROUNDS}`);
      const tests = await runBenchTests({
        ssh: cluster.ssh,
        runId,
        setup,
        client,
        server,
        durationMs: DURATION_S * 1000,
        streams: 2,
        repeat: 1,
        httpFile: DEFAULT_BENCH_IMAGES.httpFile,
        signal,
        progress: async () => {},
        only: ['tcp', 'udp'],
      });
      for (const t of tests) {
        for (const leg of ['overlay', 'bare'] as const) {
          const v = t.samples[leg][0];
          if (v === undefined) throw new Error(`bot ${t.test} ${leg} failed: ${t.errors.join('; ')}`);
          bot[`${t.test as 'tcp' | 'udp'}-${leg}`].push(v);
        }
      }
      for (const key of KEYS) {
        const [proto, leg] = key.split('-') as ['tcp' | 'udp', BenchLeg];
        direct[key].push(await runDirect(setup, leg, proto === 'udp'));
      }
    }
  } finally {
    await removeRunContainers(cluster.ssh, [client.name, server.name], runId);
    await cluster.close();
    await teardown();
  }
  const figures = Object.fromEntries(
    KEYS.map((key) => {
      const botMbps = medianOf(bot[key]) ?? Number.NaN;
      const directMbps = medianOf(direct[key]) ?? Number.NaN;
      return [
        key,
        {
          botMbps: roundTo(botMbps, 1),
          directMbps: roundTo(directMbps, 1),
          deviation: roundTo(botMbps / directMbps - 1, 4),
          bot: bot[key].map((v) => roundTo(v, 1)),
          direct: direct[key],
        },
      ];
    }),
  ) as CniAccuracyResult['figures'];
  const maxAbsDeviation = Math.max(...KEYS.map((k) => Math.abs(figures[k].deviation)));
  return {
    name: 'cni-accuracy',
    date: new Date().toISOString(),
    network: 'weave',
    rounds: ROUNDS,
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
        { bot: f.botMbps, direct: f.directMbps, deviation: f.deviation },
      ]),
    ),
  );
  console.log(`max |deviation| ${result.maxAbsDeviation} (target ${result.target}): ${result.pass ? 'pass' : 'FAIL'}`);
}
