import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { findFreePort } from '../src/queue/embedded-redis.js';
import { botEnv, rssMbOf, SIGNING_SECRET, writeBotConfig } from '../test/faults/bot-processes.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { startSlackApiStub } from '../test/helpers/slack-api-stub.js';
import { signSlackRequest, slashCommandBody } from '../test/helpers/slack-signing.js';
import { type SpawnedProcess, spawnEntry, waitForOutput } from '../test/helpers/spawn-bot.js';

/** Commands per target; override with ACK_BENCH_N / ACK_BENCH_C. */
const N = Number(process.env.ACK_BENCH_N) || 5_000;
const C = Number(process.env.ACK_BENCH_C) || 64;
/** Targets alternate in blocks of this many commands, so load from other work hits both alike. */
const BLOCK = 100;
/** The run is cut into this many rounds; the ratios are medians over rounds (robust to one noisy minute). */
const ROUNDS = 5;
const WARMUP = 300;
const TARGET_RATIO = 1.5;
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
  /** Median over rounds of (bot p50 / bare p50). */
  p50Ratio: number;
  /** Median over rounds of (bot p99 / bare p99): the figure the target applies to. */
  p99Ratio: number;
  /** The same ratios over all samples pooled (one noisy round weighs on them). */
  pooled: { p50Ratio: number; p99Ratio: number; meanRatio: number };
  rounds: Array<{ botP99Ms: number; bareP99Ms: number; p99Ratio: number; p50Ratio: number }>;
  /** Acked "Queued" answers minus distinct jobs found in BullMQ (should be 0). */
  lost: number;
  /** Jobs in BullMQ that were never acked as queued, or acked twice (should be 0). */
  extra: number;
  queuedAcks: number;
  bullmqJobs: number;
  jobRecords: number;
  rssMb: { bot: number | undefined; bareBolt: number | undefined };
  target: number;
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
  const slack = await startSlackApiStub();
  const botPort = await findFreePort();
  const barePort = await findFreePort();
  const config = writeBotConfig({ slackApiUrl: slack.url, users: Array.from({ length: USERS }, (_, i) => userOf(i)) });
  // The rate limiter stays in the path (its Redis call is part of the ack), with limits this load never reaches.
  const bot = spawnEntry('bot.ts', {
    ...botEnv(config.fileFor(botPort), redis.url, { NETOPS_RATE_LIMIT: '1000000,1000000' }),
    LOG_LEVEL: 'info',
  });
  const bare = spawnBare(barePort);
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
    for (let done = 0; done < N; done += BLOCK) {
      if (done % perRound < BLOCK) {
        roundStart.bot.push(samples.bot.length);
        roundStart.bareBolt.push(samples.bareBolt.length);
      }
      const size = Math.min(BLOCK, N - done);
      await fire('bareBolt', size, true);
      await fire('bot', size, true);
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
        botP99Ms: b.p99Ms,
        bareP99Ms: a.p99Ms,
        p99Ratio: round(b.p99Ms / a.p99Ms),
        p50Ratio: round(b.p50Ms / a.p50Ms),
      };
    });
    const p99Ratio = median(rounds.map((r) => r.p99Ratio));
    return {
      name: 'ack-latency',
      date: new Date().toISOString(),
      n: N,
      concurrency: C,
      bot: botStats,
      bareBolt: bareStats,
      p50: { bot: botStats.p50Ms, bareBolt: bareStats.p50Ms },
      p99: { bot: botStats.p99Ms, bareBolt: bareStats.p99Ms },
      p50Ratio: median(rounds.map((r) => r.p50Ratio)),
      p99Ratio,
      pooled: {
        p50Ratio: round(botStats.p50Ms / bareStats.p50Ms),
        p99Ratio: round(botStats.p99Ms / bareStats.p99Ms),
        meanRatio: round(botStats.meanMs / bareStats.meanMs),
      },
      rounds,
      lost,
      extra,
      queuedAcks: acked.size,
      bullmqJobs: bullmqIds.size,
      jobRecords,
      rssMb,
      target: TARGET_RATIO,
      pass: p99Ratio <= TARGET_RATIO && lost === 0 && extra === 0 && botStats.errors === 0 && bareStats.errors === 0,
      machine: { node: process.version, cpus: cpus().length, loadavg1: round(loadavg()[0] ?? 0) },
    };
  } finally {
    probe.disconnect();
    await bot.stop();
    await bare.stop();
    await slack.close();
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

function spawnBare(port: number): SpawnedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '_bare-bolt.ts')], {
    env: { ...process.env, PORT: String(port), SLACK_SIGNING_SECRET: SIGNING_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
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
    `p99 ratio ${r.p99Ratio} (median of ${r.rounds.length} rounds: ${r.rounds.map((x) => x.p99Ratio).join(', ')}; pooled ${r.pooled.p99Ratio}; target <= ${r.target}), p50 ratio ${r.p50Ratio}; queued acks ${r.queuedAcks}, BullMQ jobs ${r.bullmqJobs}, records ${r.jobRecords}, lost ${r.lost}, extra ${r.extra}; RSS bot ${r.rssMb.bot} MB, bare ${r.rssMb.bareBolt} MB; ${r.pass ? 'PASS' : 'FAIL'}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printAckLatency(result);
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE.pathname}`);
}
