import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandRegistry } from '../../src/commands/index.js';
import { createPolicySchema } from '../../src/config/schema-policy.js';
import { createSilentLogger } from '../../src/logging.js';
import type { Runtime } from '../../src/main/runtime.js';
import { commandJobDataSchema } from '../../src/queue/job-data.js';
import { startTestRedis } from '../helpers/redis-server.js';
import { startTestRuntime } from '../helpers/runtime.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let runtime: Runtime;

const policy = createPolicySchema().parse({
  roles: { ops: { commands: ['*'], tenants: ['*'] } },
  users: { U0ANN: ['ops'] },
  channels: { C0OPS: { commands: ['*'], tenants: ['*'] } },
});

beforeAll(async () => {
  redis = await startTestRedis();
  runtime = await startTestRuntime({
    redisUrl: redis.url,
    logger: createSilentLogger(),
    prefix: 'prop',
    rateLimit: { perUserPerMinute: 1_000_000, burst: 1_000_000, maxTextBytes: 4000 },
    access: { policy: () => policy, tenants: () => ['default', 'tenant-b'] },
  });
});
afterAll(async () => {
  await runtime?.close();
  await redis?.stop();
});

const specNames = [...new Set(commandRegistry.all().flatMap((s) => [s.name, ...(s.words ? [s.words.join(' ')] : [])]))];

/** Words that make the grammar work hard: Slack links, quotes, key=value, shell metacharacters, huge numbers. */
const word = fc.oneof(
  fc.constantFrom(
    'httpbackend',
    'subnet=tenant-b',
    'subnet=default',
    'stop',
    'weave',
    '<http://a1|a1>',
    '<@U123>',
    '"quoted words"',
    '“smart”',
    "'single'",
    '$(id)',
    '`reboot`',
    ';rm -rf /',
    'a=b=c',
    '--flag',
    '99999999999999999999',
    '\u0000',
    '\n',
    'tenant:default',
    'jobs=1',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const text = fc.oneof(
  fc.constantFrom(
    '/status',
    '/netops status',
    '/deploy httpbackend subnet=tenant-b',
    '/deploy stop httpbackend subnet=default',
    '/isolation-check a1 b1',
    '/cni-bench weave',
    '/status   ',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .tuple(fc.constantFrom(...specNames, 'netops', 'deploy stop'), fc.array(word, { maxLength: 6 }))
    .map(([cmd, words]) => `/${cmd} ${words.join(' ')}`),
  fc.array(word, { maxLength: 8 }).map((w) => w.join(' ')),
);
const id = fc.oneof(fc.constantFrom('U0ANN', 'C0OPS', ''), fc.string({ maxLength: 80 }), fc.string({ unit: 'binary' }));
// Half the runs come from the one allowed user and channel, so hostile text really reaches the queue.
const who = fc.oneof(fc.constant(['U0ANN', 'C0OPS'] as const), fc.tuple(id, id));

describe('the intake with hostile input (real parser, policy, producer and Redis)', () => {
  it('never throws, and whatever it queues is a valid job of a real command', async () => {
    let queued = 0;
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(
        text,
        who,
        fc.string({ unit: 'binary', maxLength: 200 }),
        async (t, [userId, channelId], trigger) => {
          seq += 1;
          const requestId = `${trigger}#${seq}`;
          const before = await runtime.queue.queues.read.count();
          const result = await runtime.chat.intake({
            text: t,
            userId,
            ...(channelId ? { channelId } : {}),
            requestId,
            reply: { kind: 'slack', channel: channelId || 'C0OPS' },
          });
          expect(['usage', 'refused', 'answer', 'queued', 'error']).toContain(result.kind);
          if (result.kind !== 'queued') {
            if ('message' in result) expect(result.message.length).toBeGreaterThan(0);
            return;
          }
          queued += 1;
          // Only the allowed user in the allowed channel gets anything queued.
          expect(userId).toBe('U0ANN');
          expect(result.jobId).toMatch(/^[A-Za-z0-9_.-]{1,120}$/);
          const spec = commandRegistry.get(result.command.name);
          expect(spec?.execution).not.toBe('local');
          const job = await runtime.queue.queues[spec!.execution as 'read' | 'write' | 'ssh'].getJob(result.jobId);
          expect(job).toBeDefined();
          expect(commandJobDataSchema.safeParse(job!.data).success).toBe(true);
          expect(await runtime.stores.jobs.get(result.jobId)).toMatchObject({ jobId: result.jobId, userId: 'U0ANN' });
          if (spec!.execution !== 'read') return;
          expect(await runtime.queue.queues.read.count()).toBe(before + (result.duplicate ? 0 : 1));
        },
      ),
      { numRuns: 300 },
    );
    // The generator must really reach the queue, or the property says nothing about enqueued jobs.
    expect(queued).toBeGreaterThan(5);
  }, 120_000);

  it('oversized text is refused before parsing, with the limit in the message', async () => {
    const result = await runtime.chat.intake({
      text: `/status ${'x'.repeat(5000)}`,
      userId: 'U0ANN',
      channelId: 'C0OPS',
      requestId: 'big.1',
      reply: { kind: 'slack', channel: 'C0OPS' },
    });
    expect(result).toMatchObject({ kind: 'usage' });
    expect((result as { message: string }).message).toContain('the limit is 4000');
    expect(await runtime.stores.jobs.get('big.1')).toBeUndefined();
  });
});
