import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging.js';
import type { Runtime } from '../../../src/main/runtime.js';
import { startOpsServer } from '../../../src/observability/http-routes.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createRecordingNotifier } from '../../helpers/recording-notifier.js';
import { restartTestRedis, startTestRedis } from '../../helpers/redis-server.js';
import { startTestRuntime } from '../../helpers/runtime.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let restarted: { stop(): Promise<void> } | undefined;
let runtime: Runtime;
const lines: Array<Record<string, unknown>> = [];
const metrics = createMetrics({ role: 'test', defaultMetrics: false });
const notifier = createRecordingNotifier();

beforeAll(async () => {
  redis = await startTestRedis();
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  runtime = await startTestRuntime({
    redisUrl: redis.url,
    logger: createLogger({ level: 'info', destination }),
    prefix: 'obs',
    metrics,
    workers: {
      notifier,
      processors: {
        status: async () => ({ command: 'status', ok: true, title: 'fine', blocks: [] }),
        // A bug, not a NetopsError: users must see only a reference, never the message.
        'isolation-check': async () => {
          throw new Error('boom: /etc/netops/secret-path line 3');
        },
      },
    },
  });
});
afterAll(async () => {
  await runtime?.close();
  await restarted?.stop();
  await redis?.stop();
});

/** The value of one sample, whatever the order of its labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.slice(name.length).includes(w)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

const send = (text: string, requestId: string) =>
  runtime.chat.intake({ text, userId: 'U1', channelId: 'C1', requestId, reply: { kind: 'slack', channel: 'C1' } });

async function finalOf(jobId: string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const rec = await runtime.stores.jobs.get(jobId);
    if (rec && ['succeeded', 'failed'].includes(rec.state)) return rec;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe('observability', () => {
  it('the reference users see for an internal error is the jobId of the error log line', async () => {
    await send('/isolation-check a1 b1', 'ref.1');
    const rec = await finalOf('ref.1');
    const ref = /Internal error \(ref `([^`]+)`\)/.exec(rec.errorText ?? '')?.[1];
    expect(ref).toBe('ref.1');
    expect(rec.errorText).not.toContain('boom');
    const logged = lines.find((l) => l.msg === 'command failed' && l.level === 50);
    expect(logged).toMatchObject({ ref, jobId: ref, command: 'isolation-check' });
    expect(JSON.stringify(logged)).toContain('boom');
  });

  it('counts commands by outcome and times jobs by queue, command and end state', async () => {
    await send('/status', 'm.1');
    await send('/status', 'm.1');
    await send('/nonsense', 'm.2');
    await finalOf('m.1');
    let text = '';
    const deadline = Date.now() + 5_000;
    // The worker's completed event comes just after the job record is final.
    while (Date.now() < deadline) {
      text = (await metrics.render()).body;
      if (sample(text, 'netops_job_duration_seconds_count', { command: 'status' }) !== undefined) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(sample(text, 'netops_commands_total', { outcome: 'queued', command: 'status' })).toBe(1);
    expect(sample(text, 'netops_commands_total', { outcome: 'duplicate', command: 'status' })).toBe(1);
    expect(sample(text, 'netops_commands_total', { outcome: 'usage', command: '' })).toBe(1);
    const duration = { queue: 'read', command: 'status', state: 'succeeded' };
    expect(sample(text, 'netops_job_duration_seconds_count', duration)).toBe(1);
    expect(
      sample(text, 'netops_job_duration_seconds_count', { queue: 'ssh', command: 'isolation-check', state: 'failed' }),
    ).toBe(1);
    expect(sample(text, 'netops_queue_jobs', { queue: 'read', state: 'completed' })).toBeGreaterThanOrEqual(1);
  });

  it('serves /healthz, /readyz and /metrics on its own port; /readyz turns 503 when Redis is gone', async () => {
    const server = await startOpsServer(
      { metrics, ready: () => runtime.redis.ready(), readyTimeoutMs: 500 },
      0,
      '127.0.0.1',
    );
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const res = await fetch(`${base}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toContain('# TYPE netops_commands_total counter');
      expect((await fetch(`${base}/other`)).status).toBe(404);
      await redis.stop();
      const down = await fetch(`${base}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.text()).toContain('redis unreachable');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // The scrape still works without Redis (queue gauges just stay out).
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      restarted = await restartTestRedis(redis);
      await waitReady(base);
    } finally {
      server.close();
    }
  });
});

async function waitReady(base: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await fetch(`${base}/readyz`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('not ready again after the Redis restart');
}
