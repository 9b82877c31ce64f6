import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { useFaultStand } from './fault-stand.js';
import { postSlashCommand } from './slack-client.js';

// Front end only: acked jobs wait on their queue, so the outage hits jobs that exist only in Redis.
const stand = useFaultStand({ upstreamMode: 'ok', startFirst: 'bot.ts' });

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${stand.port}${path}`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
};
const send = (triggerId: string) => postSlashCommand(stand.port, { command: '/status', text: '', triggerId });

describe('Redis killed and restarted while commands arrive', () => {
  it('answers clearly while Redis is down and loses no acknowledged job once it is back', async () => {
    const { port, redis, slack } = stand;
    const before = await Promise.all([1, 2, 3, 4, 5].map((i) => send(`before.${i}`)));
    for (const r of before) expect(r.text).toContain('Queued');
    expect((await get('/readyz')).status).toBe(200);

    // SIGKILL, not a clean shutdown: only what the append-only file already holds survives.
    const probe = new Redis(redis.url);
    const pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))?.[1]);
    probe.disconnect();
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => (await get('/readyz')).status === 503, '/readyz to report Redis down');
    expect((await get('/healthz')).status).toBe(200);

    const during = await Promise.all([1, 2, 3].map((i) => send(`during.${i}`)));
    for (const r of during) {
      expect(r.status).toBe(200);
      expect(r.ms).toBeLessThan(3_000);
      expect(r.text).toContain('The job queue (Redis) is unreachable right now, so nothing was queued');
    }
    // /help needs no Redis at all.
    expect((await postSlashCommand(port, { command: '/help', text: '', triggerId: 'help.down' })).status).toBe(200);

    await stand.restartRedis();
    await waitFor(async () => (await get('/readyz')).status === 200, '/readyz after the restart', 30_000);
    const after = await Promise.all([1, 2, 3].map((i) => send(`after.${i}`)));
    for (const r of after) expect(r.text).toContain('Queued');

    // A worker started now finds every acked job, including those queued before the crash.
    const metricsPort = await findFreePort();
    const worker = stand.spawn('worker.ts', { NETOPS_METRICS_PORT: String(metricsPort) });
    const acked = [...[1, 2, 3, 4, 5].map((i) => `before.${i}`), ...[1, 2, 3].map((i) => `after.${i}`)];
    const check = new Redis(redis.url);
    try {
      await waitFor(
        async () => {
          const states = await Promise.all(acked.map((id) => check.hget(`netops:job:${id}`, 'state')));
          return states.every((s) => s === 'succeeded' || s === 'failed');
        },
        'every acked job to finish',
        60_000,
        () => worker.output().slice(-2000),
      );
      for (const i of [1, 2, 3]) expect(await check.exists(`netops:job:during.${i}`)).toBe(0);
      // One reply message per acked job, each updated to its end state.
      const replies = () => Promise.all(acked.map((id) => check.hget(`netops:job:${id}`, 'messageTs')));
      await waitFor(
        async () =>
          (await replies()).every((t) => t && /Succeeded|Failed/.test(JSON.stringify(slack.messages.get(t)?.blocks))),
        'every reply to show its result',
        Number(process.env.DEBUG_WAIT) || 20_000,
        async () =>
          JSON.stringify({
            messages: [...slack.messages.entries()].map(([ts, m]) => `${ts} ${m.text}`),
            records: await Promise.all(acked.map((id) => check.hgetall(`netops:job:${id}`))),
          }),
      );
      const posts = slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts);
      expect(posts).toHaveLength(acked.length);
    } finally {
      check.disconnect();
    }
    // The worker-only process serves its own /metrics: it ran all eight jobs.
    const workerMetrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const runs = workerMetrics
      .split('\n')
      .filter((l) => l.startsWith('netops_job_duration_seconds_count{') && l.includes('role="worker"'))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    expect(runs).toBe(8);
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(/netops_commands_total\{outcome="queued",command="status",role="bot"\} 8/);
    expect(metrics).toMatch(/netops_commands_total\{outcome="error",command="",role="bot"\} 3/);
  }, 150_000);
});
