import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/queue/embedded-redis.js';
import { botEnv, startBotProcess, stopAll, writeBotConfig } from '../../faults/bot-processes.js';
import { postSlashCommand } from '../../faults/slack-client.js';
import { startUpstreamStub, type UpstreamStub } from '../../faults/upstream-stub.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../../helpers/slack-api-stub.js';
import { type SpawnedProcess, waitForOutput } from '../../helpers/spawn-bot.js';
import { waitFor } from '../../helpers/wait-for.js';

const COMMANDS = 60;
// One user per command: the per-user flood limit is not what this test is about.
const userOf = (i: number) => `U0S${i}`;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let slack: SlackApiStub;
let upstream: UpstreamStub;
let dir: string;
let probe: Redis;
const ports: number[] = [];
const bots: SpawnedProcess[] = [];
const workers: SpawnedProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  slack = await startSlackApiStub();
  upstream = await startUpstreamStub('ok');
  const config = writeBotConfig({
    slackApiUrl: slack.url,
    nomadAddress: upstream.url,
    consulAddress: upstream.url,
    users: Array.from({ length: COMMANDS }, (_, i) => userOf(i)),
  });
  dir = config.dir;
  for (let i = 0; i < 2; i++) {
    const port = await findFreePort();
    ports.push(port);
    bots.push(startBotProcess('bot.ts', botEnv(config.fileFor(port), redis.url)));
  }
  for (let i = 0; i < 3; i++) {
    workers.push(startBotProcess('worker.ts', botEnv(config.fileFor(ports[0]!), redis.url)));
  }
  await Promise.all([
    ...bots.map((b) => waitForOutput(b, /slack front end started/, 90_000)),
    ...workers.map((w) => waitForOutput(w, /workers started/, 90_000)),
  ]);
  probe = new Redis(redis.url);
}, 120_000);

afterAll(async () => {
  probe?.disconnect();
  await stopAll([...bots, ...workers]);
  await upstream?.close();
  await slack?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('scale-out: two bot processes (HTTP) and three worker processes on one Redis', () => {
  it('handles every command exactly once: one job, one processor run, one reply message', async () => {
    const ids = Array.from({ length: COMMANDS }, (_, i) => `scale.${i}`);
    // Each command reaches one bot; a third of them are redelivered (Slack retry) to the other bot as well.
    const acks = await Promise.all(
      ids.flatMap((id, i) => {
        const fields = { command: '/status', text: '', triggerId: id, userId: userOf(i) };
        const first = postSlashCommand(ports[i % 2]!, fields);
        return i % 3 === 0 ? [first, postSlashCommand(ports[(i + 1) % 2]!, fields)] : [first];
      }),
    );
    expect(acks.filter((a) => a.status !== 200 || !/Queued|Already received/.test(a.text))).toEqual([]);
    expect(acks.filter((a) => a.text.includes('Queued'))).toHaveLength(COMMANDS);

    await waitFor(
      async () => {
        const states = await Promise.all(ids.map((id) => probe.hget(`netops:job:${id}`, 'state')));
        return states.every((s) => s === 'succeeded' || s === 'failed');
      },
      'every job to finish',
      90_000,
    );
    // One processor run per command: /status lists Nomad's jobs exactly once per run (the nodes are also read by
    // each worker's start-up cluster check).
    await new Promise((r) => setTimeout(r, 1_000));
    expect(upstream.calls.filter((c) => c.path === '/v1/jobs')).toHaveLength(COMMANDS);
    // Every worker's log has one "command finished" per job it ran; together exactly one per command.
    const finished = workers.map((w) => (w.output().match(/"msg":"command finished"/g) ?? []).length);
    expect(finished.reduce((a, b) => a + b, 0)).toBe(COMMANDS);
    expect(finished.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    expect(await probe.zcard('netops:jobs')).toBe(COMMANDS);

    // One top-level reply message per command, each updated in place to its result.
    await waitFor(
      async () => {
        const ts = await Promise.all(ids.map((id) => probe.hget(`netops:job:${id}`, 'messageTs')));
        return ts.every((t) => t && /Succeeded|Failed/.test(JSON.stringify(slack.messages.get(t)?.blocks)));
      },
      'every reply to show its result',
      60_000,
    );
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts);
    expect(posts).toHaveLength(COMMANDS);
    expect(new Set(await Promise.all(ids.map((id) => probe.hget(`netops:job:${id}`, 'messageTs')))).size).toBe(
      COMMANDS,
    );
  }, 180_000);
});
