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
import { type Figure, figure } from './_stats.js';

const CONTAINERS = 12;
const TARGET_SPEEDUP = 20;
/** Bot rounds at 12 containers (a fresh SSH pool each, so connection set-up is in every figure). */
const BOT_ROUNDS = Number(process.env.ISOLATION_BENCH_ROUNDS) || 5;
/** Container counts of the scale runs (over the three hosts); 48 gives 2,256 directed pairs. */
const SCALE_SIZES = (process.env.ISOLATION_BENCH_SCALE ?? '12,24,48').split(',').filter(Boolean).map(Number);
const SCALE_ROUNDS = Number(process.env.ISOLATION_BENCH_SCALE_ROUNDS) || 3;
/** Target for the largest scale run: 2,256 pairs in this many seconds. */
const TARGET_SCALE_S = 30;
/** The article's method takes ~17 minutes at 132 pairs; ISOLATION_BENCH_ARTICLE=0 leaves it out (recorded). */
const RUN_ARTICLE = process.env.ISOLATION_BENCH_ARTICLE !== '0';
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
  /**
   * The article's method: one `ssh` process per pair running `docker exec <c> ping -c 3 <ip>` (no deadline, so an
   * isolated pair waits out ping's own 10 s linger), one after another. Null when left out (ISOLATION_BENCH_ARTICLE=0).
   */
  naiveTotalMs: number | null;
  naiveReachableMedianMs: number | null;
  naiveIsolatedMedianMs: number | null;
  /** Article's method / bot median. Not like for like: the bot waits at most 1 s per unanswered probe. */
  speedup: number | null;
  /** Like for like: one `ssh` process per pair running `ping -c 1 -W 1` (the bot's probe), one after another. */
  likeForLikeTotalMs: number;
  likeForLikeReachableMedianMs: number;
  likeForLikeIsolatedMedianMs: number;
  /** Like-for-like sequential total / bot median: the figure the 20× target applies to. */
  likeForLikeSpeedup: number;
  /** Bot time per size: containers over 3 hosts, directed pairs, seconds (median of rounds), pairs per second. */
  scale: Array<{
    containers: number;
    pairs: number;
    /** Null when no round of this size completed (see `errors`). */
    seconds: number | null;
    pairsPerSecond: number | null;
    /** Rounds that threw (e.g. no host could be listed), recorded instead of ending the benchmark. */
    errors: string[];
    /** Most pairs in one round whose verdict was not `pass` (0 expected). */
    notPassed: number;
    /** Why, over all rounds: verdict and reason (first 60 characters) with how many pairs had it. */
    notPassedWhy: Record<string, number>;
    rounds: number[];
    /** Where the time goes, per round: resolving (docker ps + weave ps per host) and probing, seconds. */
    resolveRounds: number[];
    probeRounds: number[];
    /** SSH commands of the probe phase (first round): one per pair before batching, about one per container after. */
    probeCommands: number;
  }>;
  summary: Record<string, Figure>;
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

function planContainers(from: number, to: number): Container[] {
  return Array.from({ length: to - from }, (_, k) => from + k).map((i) => ({
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

/**
 * A sequential ssh process per pair, strictly one after another: the article's way with `ping -c 3`, like for
 * like with the bot's own probe `ping -c 1 -W 1`.
 */
async function runSequential(
  endpoints: Endpoint[],
  ping: string,
): Promise<Array<{ from: string; to: string; ms: number; reachable: boolean }>> {
  const out: Array<{ from: string; to: string; ms: number; reachable: boolean }> = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from === to) continue;
      const t = performance.now();
      const r = await runProcess(buildSshArgv(from.host as LabHost, `docker exec ${from.container} ${ping} ${to.ip}`), {
        timeoutMs: 60_000,
      });
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
const secs = (ms: number) => Math.round(ms / 10) / 100;

/** Scale: adds containers (same host and tenant pattern) and times the bot's whole matrix at each size. */
async function runScale(alreadyStarted: number): Promise<IsolationMatrixResult['scale']> {
  const scale: IsolationMatrixResult['scale'] = [];
  let started = alreadyStarted;
  for (const size of SCALE_SIZES) {
    if (size > started) {
      await startContainers(planContainers(started, size));
      started = size;
    }
    const rounds: number[] = [];
    const resolveRounds: number[] = [];
    const probeRounds: number[] = [];
    let pairs = size * (size - 1);
    let wrong = 0;
    let probeCommands = 0;
    const notPassedWhy: Record<string, number> = {};
    const errors: string[] = [];
    for (let i = 0; i < SCALE_ROUNDS; i++) {
      let r: Awaited<ReturnType<typeof runBot>>;
      try {
        r = await runBot();
      } catch (err) {
        errors.push((err as Error).message);
        continue;
      }
      // Recorded, not thrown: a slow machine that makes probes miss their deadline is a finding of the run.
      const notPassed = r.pairs.filter((p) => p.verdict !== 'pass');
      wrong = Math.max(wrong, notPassed.length);
      for (const p of notPassed) {
        const why = `${p.verdict}: ${(p.reason ?? p.probes[0]?.detail ?? '').slice(0, 60)}`;
        notPassedWhy[why] = (notPassedWhy[why] ?? 0) + 1;
      }
      pairs = r.pairs.length;
      if (rounds.length === 0) probeCommands = r.commands;
      rounds.push(secs(r.resolveMs + r.probeMs));
      resolveRounds.push(secs(r.resolveMs));
      probeRounds.push(secs(r.probeMs));
    }
    const seconds = rounds.length ? figure(rounds, { unit: 's', better: 'lower' }).median : null;
    const pairsPerSecond = seconds === null ? null : Math.round((pairs / seconds) * 10) / 10;
    scale.push({
      containers: size,
      pairs,
      seconds,
      pairsPerSecond,
      notPassed: wrong,
      notPassedWhy,
      errors,
      rounds,
      resolveRounds,
      probeRounds,
      probeCommands,
    });
    console.error(
      `scale ${size} containers, ${pairs} pairs: ${rounds.join(', ')} s (resolve ${resolveRounds.join(', ')}; probe ${probeRounds.join(', ')}; ${probeCommands} probe commands; not passed ${wrong}; errors ${errors.join(' | ') || 'none'})`,
    );
  }
  return scale;
}

/**
 * On the lab: 12 busybox containers in two tenants over three hosts (132 directed pairs), the bot's ICMP matrix
 * (BOT_ROUNDS rounds) against a like-for-like sequential ssh + `ping -c 1 -W 1` per pair and the article's
 * sequential ssh + `ping -c 3` per pair, in the same run; then the bot at each scale size. Owns the lab while it runs.
 */
export async function run(): Promise<IsolationMatrixResult> {
  const teardown = await bringUpLabForTests({ withoutEmulators: true });
  try {
    const containers = planContainers(0, CONTAINERS);
    await startContainers(containers);
    const bots = [];
    for (let i = 0; i < BOT_ROUNDS; i++) bots.push(await runBot());
    const bot = bots[0]!;
    const botMs = bots.map((b) => b.resolveMs + b.probeMs);
    const botMedianMs = figure(botMs, { unit: 'ms', better: 'lower' }).median;
    console.error(`bot: ${botMs.map(round).join(', ')} ms; like-for-like sequential baseline next …`);
    const lfl = await runSequential(bot.endpoints, 'ping -c 1 -W 1');
    const lflTotalMs = lfl.reduce((s, p) => s + p.ms, 0);
    const naive = RUN_ARTICLE ? await runSequential(bot.endpoints, 'ping -c 3') : null;
    const naiveTotalMs = naive === null ? null : naive.reduce((s, p) => s + p.ms, 0);
    const observed = new Map(bot.pairs.map((p) => [`${p.from}>${p.to}`, p.observed]));
    const disagreements = [...lfl, ...(naive ?? [])]
      .filter((n) => (observed.get(`${n.from}>${n.to}`) === 'reachable') !== n.reachable)
      .map((n) => `${n.from}>${n.to}`);
    const verdicts: Record<string, number> = {};
    for (const p of bot.pairs) verdicts[p.verdict] = (verdicts[p.verdict] ?? 0) + 1;
    const budgetMs = 2 * DEFAULT_ISOLATION_TIMING.probeTimeoutMs + 2_000;
    const likeForLikeSpeedup = Math.round((lflTotalMs / botMedianMs) * 10) / 10;
    const speedup = naiveTotalMs === null ? null : Math.round((naiveTotalMs / botMedianMs) * 10) / 10;

    const scale = await runScale(CONTAINERS);
    const largest = scale[scale.length - 1];
    const summary: Record<string, Figure> = {
      [`bot, ${bot.pairs.length} pairs`]: figure(botMs.map(secs), { unit: 's', better: 'lower' }),
      'like-for-like speed-up (sequential ssh + ping -c 1 -W 1 / bot)': figure(
        botMs.map((ms) => lflTotalMs / ms),
        { unit: '×', better: 'higher', target: TARGET_SPEEDUP },
      ),
    };
    if (naiveTotalMs !== null) {
      summary["article's speed-up (sequential ssh + ping -c 3 / bot)"] = figure(
        botMs.map((ms) => naiveTotalMs / ms),
        { unit: '×', better: 'higher' },
      );
    }
    for (const s of scale.filter((x) => x.rounds.length > 0)) {
      // A size whose pairs did not pass timed how long the bot took to give up, not a matrix: the name says so.
      const failed = s.notPassed > 0 ? ` (${s.notPassed} not passed)` : '';
      summary[`bot, ${s.containers} containers, ${s.pairs} pairs${failed}`] = figure(s.rounds, {
        unit: 's',
        better: 'lower',
        ...(s.pairs >= 2_256 ? { target: TARGET_SCALE_S } : {}),
      });
    }
    if (largest !== undefined && largest.rounds.length > 0) {
      const at = `${largest.containers} containers`;
      summary[`bot resolve phase, ${at}`] = figure(largest.resolveRounds, { unit: 's', better: 'lower' });
      summary[`bot probe phase, ${at} (${largest.probeCommands} SSH commands)`] = figure(largest.probeRounds, {
        unit: 's',
        better: 'lower',
      });
    }
    return {
      name: 'isolation-matrix',
      date: new Date().toISOString(),
      containers: containers.length,
      hosts: LAB_HOSTS.length,
      pairs: bot.pairs.length,
      isolatedPairs: bot.pairs.filter((p) => p.expected === 'isolated').length,
      reachablePairs: bot.pairs.filter((p) => p.expected === 'reachable').length,
      botTotalMs: round(botMedianMs),
      botResolveMs: round(bot.resolveMs),
      botProbeMs: round(bot.probeMs),
      botProbeCommands: bot.commands,
      botVerdicts: verdicts,
      probeDeadlineS: DEFAULT_ISOLATION_TIMING.deadlineS,
      probeTimeoutMs: DEFAULT_ISOLATION_TIMING.probeTimeoutMs,
      sshConcurrencyPerHost: bot.concurrency,
      naiveTotalMs: naiveTotalMs === null ? null : round(naiveTotalMs),
      naiveReachableMedianMs: naive === null ? null : round(median(naive.filter((n) => n.reachable).map((n) => n.ms))),
      naiveIsolatedMedianMs: naive === null ? null : round(median(naive.filter((n) => !n.reachable).map((n) => n.ms))),
      speedup,
      likeForLikeTotalMs: round(lflTotalMs),
      likeForLikeReachableMedianMs: round(median(lfl.filter((n) => n.reachable).map((n) => n.ms))),
      likeForLikeIsolatedMedianMs: round(median(lfl.filter((n) => !n.reachable).map((n) => n.ms))),
      likeForLikeSpeedup,
      scale,
      summary,
      targetSpeedup: TARGET_SPEEDUP,
      budgetMs,
      disagreements,
      pass:
        likeForLikeSpeedup >= TARGET_SPEEDUP &&
        botMedianMs <= budgetMs &&
        disagreements.length === 0 &&
        bot.pairs.length === CONTAINERS * (CONTAINERS - 1) &&
        (verdicts.pass ?? 0) === bot.pairs.length &&
        scale.every((x) => x.notPassed === 0 && x.errors.length === 0 && x.seconds !== null) &&
        (largest === undefined || largest.pairs < 2_256 || (largest.seconds ?? Infinity) <= TARGET_SCALE_S),
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
    'like for like (ssh + ping -c 1 -W 1 per pair, sequential)': {
      totalMs: r.likeForLikeTotalMs,
      reachableMedianMs: r.likeForLikeReachableMedianMs,
      isolatedMedianMs: r.likeForLikeIsolatedMedianMs,
    },
    "article's (ssh + ping -c 3 per pair, sequential)": {
      totalMs: r.naiveTotalMs,
      reachableMedianMs: r.naiveReachableMedianMs,
      isolatedMedianMs: r.naiveIsolatedMedianMs,
    },
  });
  console.table(r.scale.map(({ rounds: _r, resolveRounds: _rr, probeRounds: _pr, notPassedWhy: _w, ...s }) => s));
  console.log(
    `like-for-like speed-up ${r.likeForLikeSpeedup}x (target ${r.targetSpeedup}x), article's ${r.speedup}x, bot ${r.botTotalMs} ms vs budget ${r.budgetMs} ms, disagreements ${r.disagreements.length}: ${r.pass ? 'PASS' : 'FAIL'} (load ${r.machine.loadavg1} on ${r.machine.cpus} cpus)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printResult(result);
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE.pathname}`);
}
