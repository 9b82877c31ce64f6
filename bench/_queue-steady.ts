import { rmSync } from 'node:fs';
import { DEFAULT_RATE_LIMIT } from '../src/chat/rate-limit.js';
import { createSlackNotifier, createSlackWebClient } from '../src/chat/slack/slack-notifier.js';
import { loadConfig } from '../src/config/index.js';
import { createSilentLogger } from '../src/logging.js';
import { createPolicySource } from '../src/main/policy-source.js';
import { buildRuntime } from '../src/main/runtime.js';
import type { ProcessorRegistry } from '../src/workers/processor.js';
import { BOT_TOKEN, botEnv, writeBotConfig } from '../test/faults/bot-processes.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { startSlackApiStub } from '../test/helpers/slack-api-stub.js';
import { quantile } from './_stats.js';

// queue-throughput's steady-arrival run (issue 15 item 3): commands arrive one every 1/rate s, as a team types
// them, through the intake with the real access policy (the config file's, via the policy source the bot uses)
// and the real per-user token bucket in Redis (the default limits, 30 a minute per user, burst 10), and each
// command's latency is taken from its ack (the intake returned `queued`) to its final reply reaching the Slack
// stand-in (the chat.update or post that carries the processor's final title).

/** People sending the commands; at 20 commands/s that is 6 a minute each, under the default rate limit. */
const USERS = 200;
const CHANNEL = 'C0OPS';

/** One steady-arrival round. */
export interface SteadyRound {
  ratePerS: number;
  seconds: number;
  sent: number;
  queued: number;
  /** Refused by the policy or the rate limiter (0 expected at this rate and team size). */
  refused: number;
  /** Queued commands whose final reply never reached the stand-in within the drain allowance. */
  unanswered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Every command's ack → final reply latency, in arrival order. */
  latenciesMs: number[];
}

const marker = (jobId: string) => `final:${jobId}:end`;

/** Time of the first stand-in call that carries each marker (the final reply), by jobId. */
function finalReplyTimes(calls: ReadonlyArray<{ body: Record<string, unknown>; at: number }>, jobIds: string[]) {
  const wanted = new Map(jobIds.map((id) => [marker(id), id]));
  const found = new Map<string, number>();
  for (const call of calls) {
    const text = JSON.stringify(call.body);
    for (const m of text.matchAll(/final:[^:"\s]+:end/g)) {
      const id = wanted.get(m[0]);
      if (id !== undefined && !found.has(id)) found.set(id, call.at);
    }
  }
  return found;
}

/** One round: a fresh Redis, stand-in and runtime; `ratePerS` commands a second for `seconds`. */
export async function steadyArrival(ratePerS: number, seconds: number): Promise<SteadyRound> {
  const redis = await startTestRedis();
  // As the burst: Slack's tiers off, so the bot's own latency is measured, not Slack's pacing.
  const slack = await startSlackApiStub({ rateLimits: false });
  const users = Array.from({ length: USERS }, (_, i) => `U${String(i).padStart(5, '0')}`);
  const configs = writeBotConfig({ slackApiUrl: slack.url, users });
  // The receiver's port is part of the file; nothing listens on it here (the intake is called directly).
  const path = configs.fileFor(3000);
  const env = botEnv(path, redis.url);
  let runtime: Awaited<ReturnType<typeof buildRuntime>> | undefined;
  try {
    const config = loadConfig(env, { path });
    const processors: ProcessorRegistry = {
      status: async (ctx) => ({ command: 'status', ok: true, title: marker(ctx.jobId), blocks: [] }),
    };
    const notifier = {
      ...createSlackNotifier({
        client: createSlackWebClient({ token: BOT_TOKEN, slackApiUrl: slack.url }),
        logger: createSilentLogger(),
      }),
      limits: undefined,
    };
    runtime = await buildRuntime({
      redisUrl: redis.url,
      logger: createSilentLogger(),
      workers: { processors, notifier },
      rateLimit: DEFAULT_RATE_LIMIT,
      access: createPolicySource(config, { env, logger: createSilentLogger(), path }),
    });
    await runtime.start();
    const n = Math.round(ratePerS * seconds);
    const acks: Array<{ jobId: string; at: number } | null> = [];
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      // Arrival times are fixed in advance (i / rate): a slow intake does not slow the arrivals down.
      const due = started + (i * 1000) / ratePerS;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      sends.push(
        runtime.chat
          .intake({
            text: '/status',
            userId: users[i % USERS]!,
            channelId: CHANNEL,
            requestId: `steady.${i}`,
            reply: { kind: 'slack', channel: CHANNEL },
          })
          .then((r) => {
            acks[i] = r.kind === 'queued' ? { jobId: r.jobId, at: Date.now() } : null;
          }),
      );
    }
    await Promise.all(sends);
    const queued = acks.filter((a) => a !== null) as Array<{ jobId: string; at: number }>;
    // Drain: wait until every queued command's final reply is at the stand-in, at most 60 s more.
    const until = Date.now() + 60_000;
    const ids = queued.map((a) => a.jobId);
    let finals = finalReplyTimes(slack.calls, ids);
    while (finals.size < queued.length && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      finals = finalReplyTimes(slack.calls, ids);
    }
    const latencies = queued.filter((a) => finals.has(a.jobId)).map((a) => finals.get(a.jobId)! - a.at);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      ratePerS,
      seconds,
      sent: n,
      queued: queued.length,
      refused: n - queued.length,
      unanswered: queued.length - latencies.length,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      maxMs: sorted[sorted.length - 1] ?? Number.NaN,
      latenciesMs: latencies,
    };
  } finally {
    await runtime?.close();
    await slack.close();
    await redis.stop();
    rmSync(configs.dir, { recursive: true, force: true });
  }
}
