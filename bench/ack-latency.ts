import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { findFreePort } from '../src/queue/embedded-redis.js';
import { botEnv, rssMbOf, SIGNING_SECRET, writeBotConfig } from '../test/faults/bot-processes.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { signSlackRequest, slashCommandBody } from '../test/helpers/slack-signing.js';
import { waitForOutput } from '../test/helpers/spawn-bot.js';
import { spawnLogged } from './_process.js';
import { type Figure, figure } from './_stats.js';

/** Commands per target; override with ACK_BENCH_N / ACK_BENCH_C. */
const N = Number(process.env.ACK_BENCH_N) || 5_000;
const C = Number(process.env.ACK_BENCH_C) || 64;
/**
 * Targets take turns in blocks of this many commands; which of the two goes first in each pair of blocks is
 * random, so neither always runs right after the other (and inherits its leftovers: GC, Redis, the notify work).
 */
const BLOCK = 100;
/** The run is cut into this many rounds; each round's ratios are kept to show the spread. */
const ROUNDS = 5;
const WARMUP = 300;
/** Targets on the pooled ratios (issue 15): bot p50 ≤ 1.3× and p99 ≤ 1.2× a Bolt app that only acks. */
const TARGET_P50_RATIO = 1.3;
const TARGET_P99_RATIO = 1.2;
/** A team of this many people sends the commands (all in the access policy). */
const USERS = 200;
const userOf = (seq: number) => `U0B${seq % USERS}`;
const RESULT_FILE = new URL('./results/ack-latency.json', import.meta.url);

/** One target's latency figures, ms. */
export interface LatencyStats {
  n: number;
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Summary written to bench/results/ack-latency.json. */
export interface AckLatencyResult {
  name: 'ack-latency';
  date: string;
  n: number;
  concurrency: number;
  /** The bot: real process, NETOPS_ROLE=bot (front end + notify), real Redis, `/status` commands queued. */
  bot: LatencyStats;
  /** A Bolt app with the same receiver that only acks. */
  bareBolt: LatencyStats;
  p50: { bot: number; bareBolt: number };
  p99: { bot: number; bareBolt: number };
  /** Median over rounds of (bot p50 / bare p50); the headline is `pooled.p50Ratio`. */
  p50Ratio: number;
  /** Median over rounds of (bot p99 / bare p99); the headline is `pooled.p99Ratio`. */
  p99Ratio: number;
  /** The headline: ratios of the percentiles over all samples of all rounds pooled. */
  pooled: { p50Ratio: number; p99Ratio: number; meanRatio: number };
  /** Smallest and largest per-round ratio, beside the pooled headline. */
  roundRange: { p50Ratio: [number, number]; p99Ratio: [number, number] };
  rounds: Array<{
    botP50Ms: number;
    bareP50Ms: number;
    botP99Ms: number;
    bareP99Ms: number;
    p99Ratio: number;
    p50Ratio: number;
  }>;
  /** Which target went first in each pair of blocks (counts), to show the order was mixed. */
  firstInPair: { bot: number; bareBolt: number };
  summary: Record<string, Figure>;
  /** Acked "Queued" answers minus distinct jobs found in BullMQ (should be 0). */
  lost: number;
  /** Jobs in BullMQ that were never acked as queued, or acked twice (should be 0). */
  extra: number;
  queuedAcks: number;
  bullmqJobs: number;
  jobRecords: number;
  rssMb: { bot: number | undefined; bareBolt: number | undefined };
  target: { p50Ratio: number; p99Ratio: number };
  pass: boolean;
  machine: { node: string; cpus: number; loadavg1: number };
}

/**
 * N signed `/status` slash commands at concurrency C against the real bot process (HTTP receiver, real Redis,
 * access policy and rate limiter on, a team of 200 users) and against a bare Bolt app that only acks, alternating in blocks.
 * The bot runs front-end-only, so every acked command stays on its queue where it can be counted: each
 * "Queued" ack must have exactly one BullMQ job and one job record.
 */
export async function run(): Promise<AckLatencyResult> {
  const redis = await startTestRedis();
  // The stand-in, the bot and the bare app each run in their own process; their output goes to files.
  const slack = spawnLogged('bench/_slack-stand-in.ts', {}, 'slack-stand-in');
  await waitForOutput(slack, /slack stand-in listening http/, 60_000);
  const slackUrl = /slack stand-in listening (\S+)/.exec(slack.output())![1]!;
  const botPort = await findFreePort();
  const barePort = await findFreePort();
  const config = writeBotConfig({ slackApiUrl: slackUrl, users: Array.from({ length: USERS }, (_, i) => userOf(i)) });
  // The rate limiter stays in the path (its Redis call is part of the ack), with limits this load never reaches.
  const bot = spawnLogged(
    'src/main/bot.ts',
    { ...botEnv(config.fileFor(botPort), redis.url, { NETOPS_RATE_LIMIT: '1000000,1000000' }), LOG_LEVEL: 'info' },
    'bot',
  );
  const bare = spawnLogged(
    'bench/_bare-bolt.ts',
    { PORT: String(barePort), SLACK_SIGNING_SECRET: SIGNING_SECRET },
    'bare-bolt',
  );
  const probe = new Redis(redis.url);
  try {
    await waitForOutput(bot, /slack front end started/, 60_000);
    await waitForOutput(bare, /bare bolt listening/, 60_000);
    const targets = {
      bot: new Pool(`http://127.0.0.1:${botPort}`, { connections: C, pipelining: 1 }),
      bareBolt: new Pool(`http://127.0.0.1:${barePort}`, { connections: C, pipelining: 1 }),
    };
    const samples = { bot: [] as number[], bareBolt: [] as number[] };
    const roundStart = { bot: [] as number[], bareBolt: [] as number[] };
    const errors = { bot: 0, bareBolt: 0 };
    const queuedIds: string[] = [];
    let seq = 0;
    const fire = async (target: 'bot' | 'bareBolt', count: number, record: boolean) => {
      const bodies = Array.from({ length: count }, () => {
        seq += 1;
        const triggerId = `bench.${seq}`;
        return { triggerId, body: slashCommandBody({ command: '/status', text: '', triggerId, userId: userOf(seq) }) };
      });
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const item = bodies[next++]!;
          const res = await postCommand(targets[target], item.body);
          const queued = res.status === 200 && /Queued/.test(res.text);
          if (target === 'bot' && queued) queuedIds.push(item.triggerId);
          if (!record) continue;
          if (res.status !== 200 || (target === 'bot' && !queued)) errors[target] += 1;
          else samples[target].push(res.ms);
        }
      };
      await Promise.all(Array.from({ length: C }, worker));
    };
    await fire('bareBolt', WARMUP, false);
    await fire('bot', WARMUP, false);
    const perRound = Math.ceil(N / ROUNDS);
    const firstInPair = { bot: 0, bareBolt: 0 };
    for (let done = 0; done < N; done += BLOCK) {
      if (done % perRound < BLOCK) {
        roundStart.bot.push(samples.bot.length);
        roundStart.bareBolt.push(samples.bareBolt.length);
      }
      const size = Math.min(BLOCK, N - done);
      const order: Array<'bot' | 'bareBolt'> = Math.random() < 0.5 ? ['bot', 'bareBolt'] : ['bareBolt', 'bot'];
      firstInPair[order[0]!] += 1;
      for (const target of order) await fire(target, size, true);
    }
    const rssMb = { bot: rssMbOf(bot.child.pid), bareBolt: rssMbOf(bare.child.pid) };
    await Promise.all(Object.values(targets).map((p) => p.close()));

    // Every acked command must be on the read queue (the bot-only process runs no command workers).
    const bullmqIds = new Set<string>();
    for (const state of ['wait', 'active', 'delayed', 'completed', 'failed', 'prioritized']) {
      const key = `netops:netops-read:${state}`;
      const type = await probe.type(key);
      const ids =
        type === 'list' ? await probe.lrange(key, 0, -1) : type === 'zset' ? await probe.zrange(key, '0', '-1') : [];
      for (const id of ids) bullmqIds.add(id);
    }
    const acked = new Set(queuedIds);
    const lost = [...acked].filter((id) => !bullmqIds.has(id)).length;
    const extra = [...bullmqIds].filter((id) => !acked.has(id)).length + (queuedIds.length - acked.size);
    const jobRecords = (await probe.zcard('netops:jobs')) ?? 0;
    const botStats = summarize(samples.bot, errors.bot);
    const bareStats = summarize(samples.bareBolt, errors.bareBolt);
    const rounds = roundStart.bot.map((start, i) => {
      const b = summarize(samples.bot.slice(start, roundStart.bot[i + 1]), 0);
      const a = summarize(samples.bareBolt.slice(roundStart.bareBolt[i], roundStart.bareBolt[i + 1]), 0);
      return {
        botP50Ms: b.p50Ms,
        bareP50Ms: a.p50Ms,
        botP99Ms: b.p99Ms,
        bareP99Ms: a.p99Ms,
        p99Ratio: round(b.p99Ms / a.p99Ms),
        p50Ratio: round(b.p50Ms / a.p50Ms),
      };
    });
    const pooled = {
      p50Ratio: round(botStats.p50Ms / bareStats.p50Ms),
      p99Ratio: round(botStats.p99Ms / bareStats.p99Ms),
      meanRatio: round(botStats.meanMs / bareStats.meanMs),
    };
    const p50s = rounds.map((r) => r.p50Ratio);
    const p99s = rounds.map((r) => r.p99Ratio);
    const summary: Record<string, Figure> = {
      'bot / bare Bolt, ack p50': figure(p50s, {
        unit: '×',
        better: 'lower',
        pooled: pooled.p50Ratio,
        target: TARGET_P50_RATIO,
      }),
      'bot / bare Bolt, ack p99': figure(p99s, {
        unit: '×',
        better: 'lower',
        pooled: pooled.p99Ratio,
        target: TARGET_P99_RATIO,
      }),
      'bot ack p50': figure(
        rounds.map((r) => r.botP50Ms),
        { unit: 'ms', better: 'lower', pooled: botStats.p50Ms },
      ),
      'bare Bolt ack p50': figure(
        rounds.map((r) => r.bareP50Ms),
        { unit: 'ms', better: 'lower', pooled: bareStats.p50Ms },
      ),
      'bot ack p99': figure(
        rounds.map((r) => r.botP99Ms),
        { unit: 'ms', better: 'lower', pooled: botStats.p99Ms },
      ),
      'bare Bolt ack p99': figure(
        rounds.map((r) => r.bareP99Ms),
        { unit: 'ms', better: 'lower', pooled: bareStats.p99Ms },
      ),
    };
    return {
      name: 'ack-latency',
      date: new Date().toISOString(),
      n: N,
      concurrency: C,
      bot: botStats,
      bareBolt: bareStats,
      p50: { bot: botStats.p50Ms, bareBolt: bareStats.p50Ms },
      p99: { bot: botStats.p99Ms, bareBolt: bareStats.p99Ms },
      p50Ratio: median(p50s),
      p99Ratio: median(p99s),
      pooled,
      roundRange: {
        p50Ratio: [Math.min(...p50s), Math.max(...p50s)],
        p99Ratio: [Math.min(...p99s), Math.max(...p99s)],
      },
      rounds,
      firstInPair,
      summary,
      lost,
      extra,
      queuedAcks: acked.size,
      bullmqJobs: bullmqIds.size,
      jobRecords,
      rssMb,
      target: { p50Ratio: TARGET_P50_RATIO, p99Ratio: TARGET_P99_RATIO },
      pass:
        pooled.p50Ratio <= TARGET_P50_RATIO &&
        pooled.p99Ratio <= TARGET_P99_RATIO &&
        lost === 0 &&
        extra === 0 &&
        botStats.errors === 0 &&
        bareStats.errors === 0,
      machine: { node: process.version, cpus: cpus().length, loadavg1: round(loadavg()[0] ?? 0) },
    };
  } finally {
    probe.disconnect();
    await bot.stop();
    await bare.stop();
    await slack.stop();
    await redis.stop();
    rmSync(config.dir, { recursive: true, force: true });
  }
}

/** One signed POST; a transport error counts as status 0. */
async function postCommand(pool: Pool, body: string): Promise<{ status: number; text: string; ms: number }> {
  const headers = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000));
  const t = performance.now();
  try {
    const res = await pool.request({ path: '/slack/commands', method: 'POST', headers, body });
    const text = await res.body.text();
    return { status: res.statusCode, text, ms: performance.now() - t };
  } catch {
    return { status: 0, text: '', ms: performance.now() - t };
  }
}

function summarize(ms: number[], errors: number): LatencyStats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0);
  return {
    n: s.length,
    errors,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: round(s[s.length - 1] ?? 0),
    meanMs: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? 0
    : round(s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Prints the comparison. */
export function printAckLatency(r: AckLatencyResult): void {
  console.log(`ack latency, ${r.n} signed /status commands per target at concurrency ${r.concurrency}`);
  console.table({ bot: r.bot, 'bare Bolt': r.bareBolt });
  console.log(
    `pooled p50 ratio ${r.pooled.p50Ratio} (rounds ${r.roundRange.p50Ratio.join('–')}; target <= ${r.target.p50Ratio}), pooled p99 ratio ${r.pooled.p99Ratio} (rounds ${r.roundRange.p99Ratio.join('–')}; target <= ${r.target.p99Ratio}); queued acks ${r.queuedAcks}, BullMQ jobs ${r.bullmqJobs}, records ${r.jobRecords}, lost ${r.lost}, extra ${r.extra}; RSS bot ${r.rssMb.bot} MB, bare ${r.rssMb.bareBolt} MB; ${r.pass ? 'PASS' : 'FAIL'}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printAckLatency(result);
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE.pathname}`);
}
