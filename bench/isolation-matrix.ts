import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { createSilentLogger } from '../src/logging.js';
import { createClusterContext } from '../src/main/cluster-context.js';
import { createHostHealth } from '../src/net/isolation/host-health.js';
import { mergeEndpoints } from '../src/net/isolation/match.js';
import { runMatrix } from '../src/net/isolation/matrix.js';
import { resolveWorkloads } from '../src/net/isolation/resolve.js';
import type { Endpoint, PairResult } from '../src/net/isolation/types.js';
import { DEFAULT_ISOLATION_TIMING } from '../src/workers/processors/isolation-check.js';
import { buildSshArgv } from '../test/lab/lab-sshd.js';
import { bringUpLabForTests, runOverSsh } from '../test/lab/lab-support.js';
import { runProcess } from '../test/lab/run-process.js';
import { CONFIG_PATH, LAB_HOSTS, type LabHost } from '../test/lab/topology.js';

const CONTAINERS = 12;
const TARGET_SPEEDUP = 20;
const RESULT_FILE = new URL('./results/isolation-matrix.json', import.meta.url);

/** Summary written to bench/results/isolation-matrix.json. */
export interface IsolationMatrixResult {
  name: 'isolation-matrix';
  date: string;
  containers: number;
  hosts: number;
  pairs: number;
  isolatedPairs: number;
  reachablePairs: number;
  /** The bot: resolve (docker ps + weave ps on every host) and probe every pair over pooled SSH, fresh pool. */
  botTotalMs: number;
  botResolveMs: number;
  botProbeMs: number;
  botProbeCommands: number;
  botVerdicts: Record<string, number>;
  probeDeadlineS: number;
  probeTimeoutMs: number;
  sshConcurrencyPerHost: number;
  /** The article's method: one `ssh` process per pair running `docker exec <c> ping -c 3 <ip>`, one after another. */
  naiveTotalMs: number;
  naiveReachableMedianMs: number;
  naiveIsolatedMedianMs: number;
  speedup: number;
  targetSpeedup: number;
  /** Two probe timeouts plus 2 s. */
  budgetMs: number;
  /** Pairs on which the naive method's exit status and the bot's observation disagree. */
  disagreements: string[];
  pass: boolean;
  machine: { node: string; cpus: number; loadavg1: number };
}

interface Container {
  name: string;
  host: LabHost;
  tenant: 'default' | 'tenant-b';
}

function planContainers(): Container[] {
  return Array.from({ length: CONTAINERS }, (_, i) => ({
    name: `im${String(i).padStart(2, '0')}`,
    host: LAB_HOSTS[i % LAB_HOSTS.length]!,
    // i % 2 and i % 3 differ in phase, so each host gets both tenants.
    tenant: i % 2 === 0 ? 'default' : 'tenant-b',
  }));
}

async function startContainers(list: Container[]): Promise<void> {
  await Promise.all(
    LAB_HOSTS.map(async (host) => {
      for (const c of list.filter((x) => x.host === host)) {
        const cidr = c.tenant === 'tenant-b' ? ' -e WEAVE_CIDR=net:10.32.1.0/24' : '';
        const r = await runOverSsh(
          host,
          `docker -H unix:///var/run/weave/weave.sock run -d --name ${c.name}${cidr} busybox`,
        );
        if (r.code !== 0) throw new Error(`docker run ${c.name} on ${host}: ${r.stderr}`);
      }
    }),
  );
}

async function runBot(): Promise<{
  endpoints: Endpoint[];
  pairs: PairResult[];
  resolveMs: number;
  probeMs: number;
  commands: number;
  concurrency: number;
}> {
  const config = loadConfig(process.env, { path: CONFIG_PATH });
  const cluster = createClusterContext(config, createSilentLogger());
  const signal = new AbortController().signal;
  try {
    const t0 = performance.now();
    const resolved = await resolveWorkloads(
      { ...cluster, tenants: config.tenants, timeoutMs: DEFAULT_ISOLATION_TIMING.listTimeoutMs },
      ['tenant:default', 'tenant:tenant-b'],
      signal,
    );
    const endpoints = mergeEndpoints(resolved.sides);
    const t1 = performance.now();
    const before = Object.values(cluster.ssh.stats()).reduce((n, s) => n + s.commands, 0);
    const { pairs } = await runMatrix(endpoints, {
      run: (host, command, opts) => cluster.ssh.run(host, command, opts),
      policy: config.isolation,
      timing: { deadlineS: DEFAULT_ISOLATION_TIMING.deadlineS, timeoutMs: DEFAULT_ISOLATION_TIMING.probeTimeoutMs },
      probesFor: () => [{ proto: 'icmp', port: null }],
      signal,
      health: createHostHealth(),
    });
    const t2 = performance.now();
    const after = Object.values(cluster.ssh.stats()).reduce((n, s) => n + s.commands, 0);
    return {
      endpoints,
      pairs,
      resolveMs: t1 - t0,
      probeMs: t2 - t1,
      commands: after - before,
      concurrency: config.limits.sshConcurrencyPerHost,
    };
  } finally {
    await cluster.close();
  }
}

/** The article's way: a new ssh process per pair, `ping -c 3`, strictly one after another. */
async function runNaive(
  endpoints: Endpoint[],
): Promise<Array<{ from: string; to: string; ms: number; reachable: boolean }>> {
  const out: Array<{ from: string; to: string; ms: number; reachable: boolean }> = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from === to) continue;
      const t = performance.now();
      const r = await runProcess(
        buildSshArgv(from.host as LabHost, `docker exec ${from.container} ping -c 3 ${to.ip}`),
        {
          timeoutMs: 60_000,
        },
      );
      out.push({ from: from.label, to: to.label, ms: performance.now() - t, reachable: r.code === 0 });
    }
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};
const round = (x: number) => Math.round(x);

/**
 * On the lab: 12 busybox containers in two tenants over three hosts (132 directed pairs), the bot's ICMP matrix
 * against the article's sequential ssh + `ping -c 3` per pair, in the same run. Owns the lab while it runs.
 */
export async function run(): Promise<IsolationMatrixResult> {
  const teardown = await bringUpLabForTests({ withoutEmulators: true });
  try {
    const containers = planContainers();
    await startContainers(containers);
    const bot = await runBot();
    console.error(
      `bot: resolve ${round(bot.resolveMs)} ms, probe ${round(bot.probeMs)} ms; naive method next (minutes) …`,
    );
    const naive = await runNaive(bot.endpoints);
    const naiveTotalMs = naive.reduce((s, p) => s + p.ms, 0);
    const observed = new Map(bot.pairs.map((p) => [`${p.from}>${p.to}`, p.observed]));
    const disagreements = naive
      .filter((n) => (observed.get(`${n.from}>${n.to}`) === 'reachable') !== n.reachable)
      .map((n) => `${n.from}>${n.to}`);
    const verdicts: Record<string, number> = {};
    for (const p of bot.pairs) verdicts[p.verdict] = (verdicts[p.verdict] ?? 0) + 1;
    const botTotalMs = bot.resolveMs + bot.probeMs;
    const budgetMs = 2 * DEFAULT_ISOLATION_TIMING.probeTimeoutMs + 2_000;
    const speedup = Math.round((naiveTotalMs / botTotalMs) * 10) / 10;
    return {
      name: 'isolation-matrix',
      date: new Date().toISOString(),
      containers: containers.length,
      hosts: LAB_HOSTS.length,
      pairs: bot.pairs.length,
      isolatedPairs: bot.pairs.filter((p) => p.expected === 'isolated').length,
      reachablePairs: bot.pairs.filter((p) => p.expected === 'reachable').length,
      botTotalMs: round(botTotalMs),
      botResolveMs: round(bot.resolveMs),
      botProbeMs: round(bot.probeMs),
      botProbeCommands: bot.commands,
      botVerdicts: verdicts,
      probeDeadlineS: DEFAULT_ISOLATION_TIMING.deadlineS,
      probeTimeoutMs: DEFAULT_ISOLATION_TIMING.probeTimeoutMs,
      sshConcurrencyPerHost: bot.concurrency,
      naiveTotalMs: round(naiveTotalMs),
      naiveReachableMedianMs: round(median(naive.filter((n) => n.reachable).map((n) => n.ms))),
      naiveIsolatedMedianMs: round(median(naive.filter((n) => !n.reachable).map((n) => n.ms))),
      speedup,
      targetSpeedup: TARGET_SPEEDUP,
      budgetMs,
      disagreements,
      pass:
        speedup >= TARGET_SPEEDUP &&
        botTotalMs <= budgetMs &&
        disagreements.length === 0 &&
        bot.pairs.length === CONTAINERS * (CONTAINERS - 1) &&
        (verdicts.pass ?? 0) === bot.pairs.length,
      machine: { node: process.version, cpus: cpus().length, loadavg1: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    };
  } finally {
    await teardown();
  }
}

/** Prints the comparison. */
export function printResult(r: IsolationMatrixResult): void {
  console.log(
    `isolation matrix: ${r.containers} containers on ${r.hosts} hosts, ${r.pairs} directed pairs (${r.isolatedPairs} expected isolated)`,
  );
  console.table({
    'bot (pooled SSH, parallel, 1 s deadline)': {
      totalMs: r.botTotalMs,
      resolveMs: r.botResolveMs,
      probeMs: r.botProbeMs,
    },
    'naive (ssh + ping -c 3 per pair, sequential)': {
      totalMs: r.naiveTotalMs,
      reachableMedianMs: r.naiveReachableMedianMs,
      isolatedMedianMs: r.naiveIsolatedMedianMs,
    },
  });
  console.log(
    `speedup ${r.speedup}x (target ${r.targetSpeedup}x), bot ${r.botTotalMs} ms vs budget ${r.budgetMs} ms, disagreements ${r.disagreements.length}: ${r.pass ? 'PASS' : 'FAIL'} (load ${r.machine.loadavg1} on ${r.machine.cpus} cpus)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printResult(result);
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE.pathname}`);
}
