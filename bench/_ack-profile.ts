import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { buildProcess, type NetopsProcess } from '../src/main/build-process.js';
import { loadSettings } from '../src/main/settings.js';
import { botEnv, writeBotConfig } from '../test/faults/bot-processes.js';
import { startTestRedis } from '../test/helpers/redis-server.js';
import { startSlackApiStub } from '../test/helpers/slack-api-stub.js';
import { quantile } from './_stats.js';

// Issue 15 item 2: what one `/status` ack does in Redis, in order, with the real access policy and rate limiter.
// The process is built by buildProcess, the one composition root `npm start` uses, as its `bot` role with
// `workers: false` (nothing takes the queued jobs, so the trace holds the ack alone). Logs at `warn` unless
// LOG_LEVEL says otherwise: the "command queued" line is no Redis command, and at `info` it shares stdout with
// this output. Prints (does not write a result file):
// - `commands`: every Redis command of one traced ack, in order, from MONITOR, with ms since the first;
// - `intakeMs`: p50/p99 of N acks one after another (no concurrency: the floor of one ack's cost).
//   npm run bench:ack-profile            # ACK_PROFILE_N=500

const N = Number(process.env.ACK_PROFILE_N) || 500;
const USER = 'U00000';
const CONCURRENCY = 64;

async function main(): Promise<void> {
  const redis = await startTestRedis();
  const slack = await startSlackApiStub({ rateLimits: false });
  const configs = writeBotConfig({ slackApiUrl: slack.url, users: [USER] });
  const path = configs.fileFor(3000);
  const monitor = new Redis(redis.url);
  let netops: NetopsProcess | undefined;
  try {
    // A bucket that never empties here: the profile is of the work, not of refusals.
    const env = {
      ...botEnv(path, redis.url, { NETOPS_RATE_LIMIT: '1000000,1000000' }),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    netops = await buildProcess(await loadSettings(env), { kind: 'serve', role: 'bot', workers: false });
    await netops.start();
    const runtime = netops.runtime;
    const send = (i: number) =>
      runtime.chat.intake({
        text: '/status',
        userId: USER,
        channelId: 'C0OPS',
        requestId: `profile.${i}`,
        reply: { kind: 'slack', channel: 'C0OPS' },
      });
    for (let i = 0; i < 20; i++) await send(-1 - i); // warm-up: connections, compiled scripts
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const r = await send(i);
      ms.push(performance.now() - t);
      if (r.kind !== 'queued') throw new Error(`ack ${i} was ${r.kind}`);
    }
    const concurrent = await measureConcurrent(send, monitor, N + 1);
    const mon = await monitor.monitor();
    const commands: Array<{ atMs: number; command: string }> = [];
    let first: number | undefined;
    mon.on('monitor', (time: string, args: string[]) => {
      const at = Number(time) * 1000;
      first ??= at;
      commands.push({ atMs: Math.round((at - first) * 100) / 100, command: args.slice(0, 3).join(' ').slice(0, 120) });
    });
    await new Promise((r) => setTimeout(r, 100));
    const traced = await send(N);
    await new Promise((r) => setTimeout(r, 200));
    mon.disconnect();
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          traced: traced.kind,
          // ioredis sends command names in lower case; upper case ones are run by a Lua script (BullMQ's, the
          // rate limiter's) inside the EVALSHA before them, on the server, not a round trip of their own.
          clientCommands: commands.filter((c) => /^[a-z]/.test(c.command)),
          insideScripts: commands.filter((c) => /^[A-Z]/.test(c.command)).length,
          intakeMs: {
            n: N,
            p50: Math.round(quantile(sorted, 0.5) * 100) / 100,
            p99: Math.round(quantile(sorted, 0.99) * 100) / 100,
          },
          concurrent,
        },
        null,
        2,
      ),
    );
  } finally {
    await netops?.close();
    monitor.disconnect();
    await slack.close();
    await redis.stop();
    rmSync(configs.dir, { recursive: true, force: true });
  }
}

/**
 * CONCURRENCY acks in flight at once, as the ack-latency bench sends them: the CPU one ack costs the bot's process
 * and Redis (process.cpuUsage, Redis INFO used_cpu_*), which on a loaded machine is steadier than latency.
 */
async function measureConcurrent(
  send: (i: number) => Promise<{ kind: string }>,
  redis: Redis,
  from: number,
): Promise<{ n: number; concurrency: number; nodeCpuUsPerAck: number; redisCpuUsPerAck: number }> {
  const redisCpuUs = async () => {
    const info = await redis.info('cpu');
    const read = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? Number.NaN);
    return (read('used_cpu_sys') + read('used_cpu_user')) * 1e6;
  };
  const redisBefore = await redisCpuUs();
  const nodeBefore = process.cpuUsage();
  let next = 0;
  const lane = async () => {
    while (next < N) {
      const i = next++;
      const r = await send(from + i);
      if (r.kind !== 'queued') throw new Error(`ack ${i} was ${r.kind}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const node = process.cpuUsage(nodeBefore);
  const redisUs = (await redisCpuUs()) - redisBefore;
  return {
    n: N,
    concurrency: CONCURRENCY,
    nodeCpuUsPerAck: Math.round((node.user + node.system) / N),
    redisCpuUsPerAck: Math.round(redisUs / N),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
