import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../src/logging.js';
import { type AdmitRequest, createAdmission } from '../../../src/queue/admit-request.js';
import { bucketFor } from '../../../src/queue/token-bucket.js';
import { createAuditLog } from '../../../src/stores/audit-log.js';
import { createJobStore } from '../../../src/stores/job-store.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { waitFor } from '../../helpers/wait-for.js';

// The admission script's branches on a real redis-server: what it returns and, above all, what it leaves in Redis.

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let client: Redis;
let subscriber: Redis;
const published: string[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  subscriber = new Redis(redis.url);
  subscriber.on('message', (_channel: string, message: string) => published.push(message));
});
afterAll(async () => {
  client.disconnect();
  subscriber.disconnect();
  await redis.stop();
});

/** A fresh prefix with its stores and admission, and a request builder for it. */
async function setUp(limit = { perUserPerMinute: 60, burst: 10 }) {
  const prefix = `adm-${randomUUID()}`;
  const jobs = createJobStore(client, prefix);
  const audit = createAuditLog(client, { prefix, maxLen: 1000, retentionDays: 30, logger: createSilentLogger() });
  await subscriber.subscribe(jobs.eventsChannel);
  const admit = createAdmission({ redis: client, jobs, audit, prefix });
  const request = (requestId: string, over: Partial<AdmitRequest> = {}): AdmitRequest => ({
    bucket: bucketFor('U1', { prefix, ...limit }),
    requestId,
    owner: '["","T1","U1"]',
    record: {
      jobId: requestId,
      queue: 'netops-read',
      commandName: 'status',
      commandText: '/status',
      userId: 'U1',
      channelId: 'C1',
      reply: { kind: 'slack', channel: 'C1' },
      createdAt: 1_700_000_000_000,
    },
    audit: {
      created: { type: 'command', user: 'U1', jobId: requestId, outcome: 'queued' },
      existed: { type: 'command', user: 'U1', jobId: requestId, outcome: 'duplicate' },
    },
    publish: true,
    ...over,
  });
  const auditOutcomes = async () => (await audit.listRecent({ count: 100 })).map((r) => `${r.jobId}:${r.outcome}`);
  return { prefix, jobs, admit, request, auditOutcomes };
}

describe('admission script (real redis-server)', () => {
  it('a first delivery: takes a token, claims the id, creates the record, audits it as queued and announces it', async () => {
    const { prefix, jobs, admit, request, auditOutcomes } = await setUp();
    expect(await admit(request('r1'))).toEqual({ kind: 'claimed', claim: 'new', created: true, audited: 'queued' });
    expect(await client.get(`${prefix}:request:r1`)).toBe('["","T1","U1"]');
    expect(await client.ttl(`${prefix}:request:r1`)).toBeGreaterThan(6 * 24 * 3600);
    expect(await jobs.get('r1')).toMatchObject({
      jobId: 'r1',
      state: 'queued',
      userId: 'U1',
      createdAt: 1_700_000_000_000,
    });
    expect((await jobs.listForUser('U1', 10)).map((r) => r.jobId)).toEqual(['r1']);
    expect(await auditOutcomes()).toEqual(['r1:queued']);
    const bucket = await client.hget(bucketFor('U1', { prefix, perUserPerMinute: 60, burst: 10 }).key, 'tokens');
    expect(Number(bucket)).toBeCloseTo(9, 0);
    await waitFor(async () => (published.includes('r1') ? true : undefined), 'the record announced');
  });

  it('over the limit: refused with the wait, and nothing claimed, stored, audited or announced', async () => {
    const { prefix, jobs, admit, request, auditOutcomes } = await setUp({ perUserPerMinute: 1, burst: 1 });
    expect((await admit(request('ok'))).kind).toBe('claimed');
    const refused = await admit(request('flood'));
    expect(refused.kind).toBe('limited');
    // One token a minute: the next in about 60 s.
    expect(refused.kind === 'limited' && refused.waitMs).toBeGreaterThan(50_000);
    expect(await client.exists(`${prefix}:request:flood`)).toBe(0);
    expect(await jobs.get('flood')).toBeUndefined();
    expect(await client.zscore(`${prefix}:jobs`, 'flood')).toBeNull();
    expect(await auditOutcomes()).toEqual(['ok:queued']);
    // The announcement of 'ok' arrives; none for the refused one follows it.
    await waitFor(async () => (published.includes('ok') ? true : undefined), 'ok announced');
    await client.publish(jobs.eventsChannel, `${prefix}-marker`);
    await waitFor(async () => (published.includes(`${prefix}-marker`) ? true : undefined), 'marker');
    expect(published).not.toContain('flood');
  });

  it('a redelivery whose record exists: same claim, nothing created, audited as a duplicate', async () => {
    const { jobs, admit, request, auditOutcomes } = await setUp();
    await admit(request('r2'));
    await jobs.update('r2', { state: 'running' });
    expect(await admit(request('r2'))).toEqual({
      kind: 'claimed',
      claim: 'same',
      created: false,
      audited: 'duplicate',
    });
    // The record is the first one, untouched.
    expect((await jobs.get('r2'))?.state).toBe('running');
    expect(await auditOutcomes()).toEqual(['r2:duplicate', 'r2:queued']);
  });

  it('a redelivery of a claim whose process died before the record: the record is created now', async () => {
    const { prefix, jobs, admit, request } = await setUp();
    await client.set(`${prefix}:request:r3`, '["","T1","U1"]', 'EX', 600);
    expect(await admit(request('r3'))).toEqual({ kind: 'claimed', claim: 'same', created: true, audited: 'queued' });
    expect((await jobs.get('r3'))?.state).toBe('queued');
  });

  it("another requester's id: only the token is taken; no record, no audit record, the claim stays theirs", async () => {
    const { prefix, jobs, admit, request, auditOutcomes } = await setUp();
    await client.set(`${prefix}:request:r4`, '["","T2","U7"]', 'EX', 600);
    expect(await admit(request('r4'))).toEqual({ kind: 'other' });
    expect(await client.get(`${prefix}:request:r4`)).toBe('["","T2","U7"]');
    expect(await jobs.get('r4')).toBeUndefined();
    expect(await auditOutcomes()).toEqual([]);
    const tokens = await client.hget(bucketFor('U1', { prefix, perUserPerMinute: 60, burst: 10 }).key, 'tokens');
    expect(Number(tokens)).toBeCloseTo(9, 0);
  });

  it('without a bucket no token is taken; without publish nothing is announced (a held job)', async () => {
    const { prefix, admit, request } = await setUp();
    const { bucket: _none, ...unlimited } = request('r5');
    expect(await admit({ ...unlimited, publish: false })).toMatchObject({ kind: 'claimed', created: true });
    expect(await client.keys(`${prefix}:ratelimit:*`)).toEqual([]);
    await client.publish(`${prefix}:events`, `${prefix}-marker5`);
    await waitFor(async () => (published.includes(`${prefix}-marker5`) ? true : undefined), 'marker');
    expect(published).not.toContain('r5');
  });

  it('a malformed audit event is not written (and not claimed as written); the rest is admitted', async () => {
    const { jobs, admit, request, auditOutcomes } = await setUp();
    const bad = { type: 'Not A Type', user: 'U1' };
    const outcome = await admit(request('r6', { audit: { created: bad, existed: bad } }));
    expect(outcome).toEqual({ kind: 'claimed', claim: 'new', created: true });
    expect(await jobs.get('r6')).toBeDefined();
    expect(await auditOutcomes()).toEqual([]);
  });

  it('runs on a Redis with no script cached: NOSCRIPT is answered with the text, the record stored before it returns', async () => {
    const { jobs, admit, request } = await setUp();
    await client.script('FLUSH');
    expect((await admit(request('r7'))).kind).toBe('claimed');
    expect(await jobs.get('r7')).toBeDefined();
  });
});
