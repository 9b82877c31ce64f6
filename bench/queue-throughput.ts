import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createSlackNotifier, createSlackWebClient } from '../src/chat/slack/slack-notifier.js';
import { createSilentLogger } from '../src/logging.js';
import { buildRuntime } from '../src/main/runtime.js';
import type { ProcessorRegistry } from '../src/workers/processor.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { startSlackApiStub } from '../test/helpers/slack-api-stub.js';
import { type SteadyRound, steadyArrival } from './_queue-steady.js';
import { type Figure, figure, quantile } from './_stats.js';

/** Commands per run; override with QUEUE_BENCH_N. */
const N = Number(process.env.QUEUE_BENCH_N) || 2_000;
/** Independent rounds (a fresh Redis, stand-in and runtime each); override with QUEUE_BENCH_ROUNDS. */
const ROUNDS = Number(process.env.QUEUE_BENCH_ROUNDS) || 5;
/** Steady arrival: commands per second, seconds per round, rounds (QUEUE_BENCH_RATE, _STEADY_S, _STEADY_ROUNDS). */
const RATE = Number(process.env.QUEUE_BENCH_RATE) || 20;
const STEADY_S = Number(process.env.QUEUE_BENCH_STEADY_S) || 30;
const STEADY_ROUNDS = Number(process.env.QUEUE_BENCH_STEADY_ROUNDS) || 3;
const RESULT_FILE = new URL('./results/queue-throughput.json', import.meta.url);

/** Summary written to bench/results/queue-throughput.json. */
export interface QueueThroughputResult {
  name: 'queue-throughput';
  date: string;
  n: number;
  /**
   * Burst drain: N commands queued at once, per second until every final reply is rendered (Slack stand-in),
   * median over rounds. Not a sustained rate: there is no arrival process, no policy check and no rate limiter.
   */
  jobsPerSecond: number;
  elapsedMs: number;
  /** Each round's figures (the first round's counts are the ones in the flat fields). */
  rounds: Array<{ jobsPerSecond: number; elapsedMs: number; failed: number; messages: number }>;
  /**
   * Steady arrival: RATE commands a second for STEADY_S seconds, with the real access policy and rate limiter,
   * latency from ack to final reply per command (bench/_queue-steady.ts); one entry per round, without the
   * per-command latencies (those are pooled into the summary's p50/p99 figures' `pooled`).
   */
  steady: Array<Omit<SteadyRound, 'latenciesMs'>>;
  summary: Record<string, Figure>;
  /** Slack Web API calls made (first post + in-place updates). */
  slackCalls: number;
  /** Reply messages posted: must equal n (one per command). */
  messages: number;
  failed: number;
  /** RSS of the process running intake, workers and notify (what `npm start` runs), after the run. */
  rssMb: number;
  heapUsedMb: number;
  machine: { node: string; cpus: number; loadavg1: number };
}

/**
 * Burst drain of the queue path with a trivial processor: N commands go through the real intake and
 * producer, BullMQ command workers, the job store and the notify worker, which posts and updates one message per
 * command through the real Slack WebClient against the local Slack API stand-in. In one process, real Redis.
 * Then the steady-arrival rounds (bench/_queue-steady.ts).
 */
export async function run(): Promise<QueueThroughputResult> {
  const rounds: QueueThroughputResult[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await drainOnce());
  const perRound = rounds.map((r) => ({
    jobsPerSecond: r.jobsPerSecond,
    elapsedMs: r.elapsedMs,
    failed: r.failed,
    messages: r.messages,
  }));
  const jps = figure(
    perRound.map((r) => r.jobsPerSecond),
    { unit: 'commands/s', better: 'higher' },
  );
  const steady: SteadyRound[] = [];
  for (let i = 0; i < STEADY_ROUNDS; i++) steady.push(await steadyArrival(RATE, STEADY_S));
  const pooled = steady.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const steadyLabel = `steady ${RATE}/s, ack → final reply`;
  const last = rounds[rounds.length - 1]!;
  return {
    ...last,
    jobsPerSecond: jps.median,
    elapsedMs: Math.round(
      figure(
        perRound.map((r) => r.elapsedMs),
        { unit: 'ms', better: 'lower' },
      ).median,
    ),
    failed: perRound.reduce((a, r) => a + r.failed, 0),
    rounds: perRound,
    steady: steady.map(({ latenciesMs: _, ...r }) => r),
    summary: {
      [`burst drain, ${N} commands`]: jps,
      // Per-round percentiles as samples; the headline is the percentile over every command of every round.
      [`${steadyLabel} p50`]: figure(
        steady.map((r) => r.p50Ms),
        { unit: 'ms', better: 'lower', pooled: quantile(pooled, 0.5) },
      ),
      [`${steadyLabel} p99`]: figure(
        steady.map((r) => r.p99Ms),
        { unit: 'ms', better: 'lower', pooled: quantile(pooled, 0.99) },
      ),
    },
  };
}

/** One round: a fresh Redis, stand-in and runtime; N commands queued at once and drained. */
async function drainOnce(): Promise<QueueThroughputResult> {
  const redis = await startTestRedis();
  // The bot's own capacity: Slack's rate limits (which the notify worker keeps to, pacing replies at about one post a
  // second per channel and 50 updates a minute) would make this a measure of Slack's tiers instead.
  const slack = await startSlackApiStub({ rateLimits: false });
  const processors: ProcessorRegistry = {
    status: async (ctx) => ({ command: 'status', ok: true, title: `status ${ctx.jobId}`, blocks: [] }),
  };
  const notifier = {
    ...createSlackNotifier({
      client: createSlackWebClient({ token: 'xoxb-bench', slackApiUrl: slack.url }),
      logger: createSilentLogger(),
    }),
    limits: undefined,
  };
  const runtime = await buildRuntime({
    redisUrl: redis.url,
    logger: createSilentLogger(),
    workers: { processors, notifier },
  });
  try {
    await runtime.start();
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        runtime.chat.intake({
          text: '/status',
          userId: `U${i % 50}`,
          channelId: 'C0BENCH',
          requestId: `tp.${i}`,
          reply: { kind: 'slack', channel: 'C0BENCH' },
        }),
      ),
    );
    const notQueued = results.filter((r) => r.kind !== 'queued').length;
    if (notQueued > 0) throw new Error(`${notQueued} commands were not queued`);
    // Done when every command's final reply is rendered: the final notify jobs have all completed.
    for (;;) {
      const counts = await runtime.queue.queues.notify.getJobCounts('wait', 'active', 'delayed');
      const cmd = await runtime.queue.queues.read.getJobCounts('wait', 'active', 'delayed');
      const pending = Object.values(counts).reduce((a, b) => a + b, 0) + Object.values(cmd).reduce((a, b) => a + b, 0);
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsedMs = performance.now() - started;
    const failed = (await runtime.queue.queues.read.getJobCounts('failed')).failed ?? 0;
    const mem = process.memoryUsage();
    return {
      name: 'queue-throughput',
      date: new Date().toISOString(),
      n: N,
      jobsPerSecond: Math.round((N / elapsedMs) * 1000 * 10) / 10,
      elapsedMs: Math.round(elapsedMs),
      slackCalls: slack.calls.length,
      messages: slack.messages.size,
      failed,
      rssMb: Math.round(mem.rss / 1024 / 102.4) / 10,
      heapUsedMb: Math.round(mem.heapUsed / 1024 / 102.4) / 10,
      rounds: [],
      steady: [],
      summary: {},
      machine: { node: process.version, cpus: cpus().length, loadavg1: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    };
  } finally {
    await runtime.close();
    await slack.close();
    await redis.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  console.table({ [result.name]: { ...result, machine: undefined } });
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE.pathname}`);
}
