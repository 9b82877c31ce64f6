import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/logging.js';
import type { Runtime } from '../../src/main/runtime.js';
import type { JobRecord } from '../../src/stores/job-store.js';
import type { ProcessorRegistry } from '../../src/workers/processor.js';
import { createRecordingNotifier } from '../helpers/recording-notifier.js';
import { startTestRedis } from '../helpers/redis-server.js';
import { startTestRuntime } from '../helpers/runtime.js';
import { waitFor } from '../helpers/wait-for.js';

type TestRedis = Awaited<ReturnType<typeof startTestRedis>>;
let redis: TestRedis;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  await Promise.allSettled(runtimes.splice(0).map((r) => r.close()));
});

/** Processors for queueing tests: `/status` finishes at once, `/isolation-check` runs until released or cancelled. */
function testProcessors(gate: { release?: () => void; started?: () => void; durationMs?: number }): ProcessorRegistry {
  return {
    status: async (ctx) => {
      await ctx.progress('reading nodes');
      return {
        command: 'status',
        ok: true,
        title: 'status ok',
        blocks: [{ kind: 'text', text: 'all good' }],
        thread: [{ kind: 'text', text: 'detail' }],
      };
    },
    'isolation-check': async (ctx) => {
      gate.started?.();
      await ctx.progress('probing');
      await new Promise<void>((resolve, reject) => {
        const timer = gate.durationMs ? setTimeout(resolve, gate.durationMs) : undefined;
        gate.release = resolve;
        if (ctx.signal.aborted) reject(ctx.signal.reason);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
      return { command: 'isolation-check', ok: true, title: 'done', blocks: [] };
    },
  };
}

async function newRuntime(
  prefix: string,
  processors: ProcessorRegistry,
  notifier = createRecordingNotifier(),
  withWorkers = true,
) {
  const runtime = await startTestRuntime({
    redisUrl: redis.url,
    logger: createSilentLogger(),
    prefix,
    ...(withWorkers ? { workers: { processors, notifier, shutdownGraceMs: 10_000 } } : {}),
  });
  runtimes.push(runtime);
  return { runtime, notifier };
}

const finalState = (runtime: Runtime, jobId: string) => async (): Promise<JobRecord | undefined> => {
  const rec = await runtime.stores.jobs.get(jobId);
  return rec && ['succeeded', 'failed', 'cancelled'].includes(rec.state) ? rec : undefined;
};

const slackCommand = (text: string, requestId: string, userId = 'U1') => ({
  text,
  userId,
  channelId: 'C1',
  requestId,
  reply: { kind: 'slack' as const, channel: 'C1' },
});

describe('pipeline: intake → queue → worker → notify (real redis-server)', () => {
  it('runs a command and updates one reply message from queued to the final report', async () => {
    const { runtime, notifier } = await newRuntime(`t-${randomUUID()}`, testProcessors({}));
    const res = await runtime.chat.intake(slackCommand('/status', 'trigger-1'));
    expect(res).toMatchObject({ kind: 'queued', duplicate: false });
    if (res.kind !== 'queued') throw new Error('not queued');
    const rec = await waitFor(finalState(runtime, res.jobId), 'final state');
    expect(rec.state).toBe('succeeded');
    expect(rec.history).toContain('reading nodes');
    const lastUpdate = await waitFor(
      async () => notifier.calls.find((c) => c.report?.title === 'status ok'),
      'final update',
    );
    expect(notifier.calls.filter((c) => c.method === 'post')).toHaveLength(1);
    expect(lastUpdate.status?.state).toBe('succeeded');
    expect(notifier.calls.every((c) => c.ref?.ts === notifier.calls[0]?.ref?.ts)).toBe(true);
    await waitFor(async () => notifier.calls.find((c) => c.method === 'postThread'), 'thread detail');
    expect(notifier.calls.filter((c) => c.method === 'postThread')).toHaveLength(1);
  });

  it('a redelivered request yields one job and one reply message', async () => {
    const { runtime, notifier } = await newRuntime(`t-${randomUUID()}`, testProcessors({}));
    const first = await runtime.chat.intake(slackCommand('/status', 'trigger-dup'));
    const second = await runtime.chat.intake(slackCommand('/status', 'trigger-dup'));
    expect(first).toMatchObject({ kind: 'queued', duplicate: false });
    expect(second).toMatchObject({ kind: 'queued', duplicate: true });
    if (first.kind !== 'queued') throw new Error('not queued');
    await waitFor(finalState(runtime, first.jobId), 'final state');
    const third = await runtime.chat.intake(slackCommand('/status', 'trigger-dup'));
    expect(third).toMatchObject({ kind: 'queued', duplicate: true });
    const counts = await runtime.queue.queues.read.getJobCounts('completed', 'waiting', 'active', 'failed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    await waitFor(async () => notifier.calls.find((c) => c.method === 'postThread'), 'thread detail');
    expect(notifier.calls.filter((c) => c.method === 'post')).toHaveLength(1);
  });

  it('a first delivery stores token, claim, record and audit in one script, then its job and notify; the record first', async () => {
    const prefix = `t-${randomUUID()}`;
    const runtime = await startTestRuntime({
      redisUrl: redis.url,
      logger: createSilentLogger(),
      prefix,
      // The flood limit on, as the entry points run it: its token is part of the one script.
      rateLimit: { perUserPerMinute: 60, burst: 10, maxTextBytes: 4000 },
    });
    runtimes.push(runtime);
    // A Redis without any script cached (fresh or flushed): the admission script's EVALSHA is answered NOSCRIPT and
    // its text follows a round trip later; the job is sent only after that reply, so it still comes second.
    const admin = new Redis(redis.url);
    await admin.script('FLUSH');
    admin.disconnect();
    const monitor = await new Redis(redis.url).monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.join(' ')));
    try {
      const res = await runtime.chat.intake(slackCommand('/status', 'trigger-fast'));
      expect(res).toMatchObject({ kind: 'queued', duplicate: false });
      if (res.kind !== 'queued') throw new Error('not queued');
      const isJobHash = (c: string) => /^HMSET|^HSET/.test(c) && c.includes(`:${res.jobId} `) && !c.includes(':job:');
      await waitFor(async () => (seen.some(isJobHash) ? true : undefined), 'the job written');
      // Redis runs one connection's commands in the order sent: the record's HSET (in the admission script)
      // comes before BullMQ writes the job's hash, so no worker can find a job without its record.
      const recordAt = seen.findIndex((c) => c.startsWith(`HSET ${prefix}:job:${res.jobId} `));
      const jobAt = seen.findIndex(isJobHash);
      expect(recordAt).toBeGreaterThanOrEqual(0);
      expect(jobAt).toBeGreaterThan(recordAt);
      // ioredis sends in lower case; a script's own commands show in upper case. The ack's first command is the
      // admission script (its NOSCRIPT retry second), and it holds the token, the claim, the record and the audit.
      const sent = seen.filter((c) => /^[a-z]/.test(c));
      expect(sent[0]).toMatch(/^evalsha [0-9a-f]+ 6 /);
      expect(sent[1]).toMatch(/^eval [\s\S]*take_token/);
      expect(sent.filter((c) => /^(set|get|hset|xadd|publish|evalsha [0-9a-f]+ 1 )/.test(c))).toEqual([]);
      const inScript = seen.slice(1, recordAt + 1).join('\n');
      expect(inScript).toMatch(new RegExp(`^HSET ${prefix}:ratelimit:`, 'm'));
      expect(inScript).toMatch(new RegExp(`^SET ${prefix}:request:trigger-fast .* NX`, 'm'));
      expect(seen.some((c) => c.startsWith(`XADD ${prefix}:audit `))).toBe(true);
      expect(await runtime.queue.queues.read.getJob(res.jobId)).toBeDefined();
    } finally {
      monitor.disconnect();
    }
  });

  it('a user over the flood limit is refused, and nothing of the refused command is stored', async () => {
    const prefix = `t-${randomUUID()}`;
    const runtime = await startTestRuntime({
      redisUrl: redis.url,
      logger: createSilentLogger(),
      prefix,
      rateLimit: { perUserPerMinute: 1, burst: 2, maxTextBytes: 4000 },
    });
    runtimes.push(runtime);
    const first = await runtime.chat.intake(slackCommand('/status', 'flood-1'));
    const redelivered = await runtime.chat.intake(slackCommand('/status', 'flood-1'));
    const refused = await runtime.chat.intake(slackCommand('/status', 'flood-2'));
    // A local answer takes its token too (/help after the limit is refused as well).
    const help = await runtime.chat.intake(slackCommand('/help', 'flood-3'));
    expect(first).toMatchObject({ kind: 'queued', duplicate: false });
    // The redelivery is recognised (and counted: it is a delivery of its own).
    expect(redelivered).toMatchObject({ kind: 'queued', duplicate: true });
    expect(refused).toMatchObject({ kind: 'refused', limited: true });
    expect(refused.kind === 'refused' && refused.message).toMatch(/Too many commands.*try again in \d+ s/);
    expect(help).toMatchObject({ kind: 'refused', limited: true });
    const raw = new Redis(redis.url);
    try {
      expect(await raw.exists(`${prefix}:request:flood-2`)).toBe(0);
      expect(await raw.exists(`${prefix}:job:flood-2`)).toBe(0);
      expect(await runtime.queue.queues.read.getJob('flood-2')).toBeUndefined();
      expect(await runtime.queue.queues.read.getJobCounts('wait', 'active', 'completed')).toEqual({
        wait: 1,
        active: 0,
        completed: 0,
      });
    } finally {
      raw.disconnect();
    }
    const audit = await runtime.stores.audit.listRecent({ count: 10 });
    expect(audit.map((r) => `${r.jobId}:${r.outcome}`).sort()).toEqual(['flood-1:duplicate', 'flood-1:queued']);
  });

  it('a request claimed by a process that died before queueing is queued by its redelivery', async () => {
    const prefix = `t-${randomUUID()}`;
    const { runtime } = await newRuntime(prefix, testProcessors({}));
    // What the crashed process left: the claim (same owner as slackCommand's), no record, no job.
    const raw = new Redis(redis.url);
    await raw.set(`${prefix}:request:trigger-orphan`, JSON.stringify(['', '', 'U1']), 'EX', 600);
    raw.disconnect();
    const res = await runtime.chat.intake(slackCommand('/status', 'trigger-orphan'));
    expect(res).toMatchObject({ kind: 'queued', duplicate: false });
    if (res.kind !== 'queued') throw new Error('not queued');
    const rec = await waitFor(finalState(runtime, res.jobId), 'final state');
    expect(rec.state).toBe('succeeded');
  });

  it('usage errors and unknown commands are answered at once and enqueue nothing', async () => {
    const { runtime } = await newRuntime(`t-${randomUUID()}`, testProcessors({}));
    const res = await runtime.chat.intake(slackCommand('/deploy', 'trigger-usage'));
    expect(res.kind).toBe('usage');
    expect(res.kind === 'usage' && res.message).toMatch(/\/deploy <job> subnet=<tenant>/);
    const counts = await runtime.queue.queues.write.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a command without a processor fails plainly as not available, never with a fake result', async () => {
    const { runtime } = await newRuntime(`t-${randomUUID()}`, {});
    const res = await runtime.chat.intake(slackCommand('/cni-bench weave', 'trigger-na'));
    if (res.kind !== 'queued') throw new Error(`not queued: ${JSON.stringify(res)}`);
    const rec = await waitFor(finalState(runtime, res.jobId), 'final state');
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toMatch(/not available yet/);
    expect(await runtime.stores.jobs.getReport(res.jobId)).toBeUndefined();
  });

  it('cancels a running job through its AbortSignal', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const { runtime } = await newRuntime(`t-${randomUUID()}`, testProcessors({ started: () => started() }));
    const res = await runtime.chat.intake(slackCommand('/isolation-check a1 b1', 'trigger-cancel'));
    if (res.kind !== 'queued') throw new Error('not queued');
    await running;
    const cancel = await runtime.chat.intake(slackCommand(`/cancel ${res.jobId}`, 'trigger-cancel-2'));
    expect(cancel).toMatchObject({ kind: 'answer', report: { outcome: 'requested' } });
    const rec = await waitFor(finalState(runtime, res.jobId), 'cancelled state');
    expect(rec.state).toBe('cancelled');
    expect(rec.errorText).toMatch(/cancelled by U1/);
  });

  it("refuses to cancel another user's job and removes a waiting job before it starts", async () => {
    const prefix = `t-${randomUUID()}`;
    const { runtime } = await newRuntime(prefix, {}, createRecordingNotifier(), false);
    const res = await runtime.chat.intake(slackCommand('/status', 'trigger-wait'));
    if (res.kind !== 'queued') throw new Error('not queued');
    const other = await runtime.chat.intake(slackCommand(`/cancel ${res.jobId}`, 'trigger-w2', 'U2'));
    expect(other).toMatchObject({ kind: 'answer', report: { outcome: 'not-yours' } });
    const mine = await runtime.chat.intake(slackCommand(`/cancel ${res.jobId}`, 'trigger-w3'));
    expect(mine).toMatchObject({ kind: 'answer', report: { outcome: 'cancelled' } });
    expect((await runtime.stores.jobs.get(res.jobId))?.state).toBe('cancelled');
    expect(await runtime.queue.queues.read.getJob(res.jobId)).toBeUndefined();
  });

  it('shutdown with a job in flight lets it finish, and the reply is delivered by the next process', async () => {
    const prefix = `t-${randomUUID()}`;
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const first = await newRuntime(prefix, testProcessors({ started: () => started(), durationMs: 800 }));
    const res = await first.runtime.chat.intake(slackCommand('/isolation-check a1 b1', 'trigger-shutdown'));
    if (res.kind !== 'queued') throw new Error('not queued');
    await running;
    await first.runtime.close();
    const closedAt = Date.now();
    // The store connection is closed with the runtime: read through a second process instead.
    const second = await newRuntime(prefix, testProcessors({}));
    const after = await waitFor(finalState(second.runtime, res.jobId), 'final state after restart');
    expect(after.state).toBe('succeeded');
    // Finished by the first process while it shut down, not re-run by the second.
    expect(after.finishedAt).toBeLessThanOrEqual(closedAt);
    const finalCall = await waitFor(
      async () => [...first.notifier.calls, ...second.notifier.calls].find((c) => c.status?.state === 'succeeded'),
      'final reply',
    );
    expect(finalCall.report?.title).toBe('done');
  });

  it('shutdown does not hang when Redis is gone with a job in flight', async () => {
    const own = await startTestRedis();
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const runtime = await startTestRuntime({
      redisUrl: own.url,
      logger: createSilentLogger(),
      prefix: `t-${randomUUID()}`,
      workers: {
        processors: testProcessors({ started: () => started() }),
        notifier: createRecordingNotifier(),
        shutdownGraceMs: 300,
      },
    });
    const res = await runtime.chat.intake(slackCommand('/isolation-check a1 b1', 'trigger-hang'));
    expect(res.kind).toBe('queued');
    await running;
    await own.stop();
    const closed = await Promise.race([
      runtime.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('hung'), 25_000)),
    ]);
    expect(closed).toBe('closed');
  }, 30_000);

  it('answers clearly and at once when Redis is unreachable', async () => {
    const own = await startTestRedis();
    const runtime = await startTestRuntime({
      redisUrl: own.url,
      logger: createSilentLogger(),
      prefix: `t-${randomUUID()}`,
    });
    runtimes.push(runtime);
    await own.stop();
    await new Promise((r) => setTimeout(r, 100));
    const startedAt = Date.now();
    const res = await runtime.chat.intake(slackCommand('/status', 'trigger-down'));
    expect(res.kind).toBe('error');
    expect(res.kind === 'error' && res.message).toMatch(/queue \(Redis\) is unreachable/);
    expect(Date.now() - startedAt).toBeLessThan(2_500);
  });
});
