import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../../src/access/policy.js';
import { createSilentLogger } from '../../../src/logging.js';
import type { Runtime } from '../../../src/main/runtime.js';
import type { PendingApproval } from '../../../src/stores/approval-store.js';
import type { AuditRecord } from '../../../src/stores/audit-log.js';
import type { JobRecord } from '../../../src/stores/job-store.js';
import type { ProcessorRegistry } from '../../../src/workers/processor.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { startTestRuntime } from '../../helpers/runtime.js';
import { waitFor } from '../../helpers/wait-for.js';

const basePolicy: AccessPolicy = {
  roles: {
    viewer: { commands: ['status', 'jobs', 'help'], tenants: ['*'] },
    operator: { commands: ['status', 'jobs', 'cancel', 'deploy', 'deploy-stop', 'lock', 'unlock'], tenants: ['*'] },
    approver: { commands: ['status'], tenants: ['*'] },
    admin: { commands: ['*'], tenants: ['*'] },
  },
  users: { U0VIEW: ['viewer'], U0OPS: ['operator'], U0APP: ['approver'], U0ADMIN: ['admin'] },
  groups: {},
  channels: { C0OPS: { commands: ['*'], tenants: ['*'] }, C0DEV: { commands: ['status'], tenants: ['default'] } },
  approvals: { tenants: { 'tenant-b': 'required' }, commands: {}, expiryMinutes: 30 },
};

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let probe: Redis;
const runtimes: Runtime[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  probe = new Redis(redis.url);
});
afterAll(async () => {
  probe.disconnect();
  await redis.stop();
});
afterEach(async () => {
  await Promise.allSettled(runtimes.splice(0).map((r) => r.close()));
});

/** A runtime whose policy can be changed between ack and worker, like an edited config file. */
async function newRuntime(opts: {
  prefix: string;
  processors?: ProcessorRegistry;
  policy?: { current?: AccessPolicy };
}) {
  const holder = opts.policy ?? { current: basePolicy };
  const runtime = await startTestRuntime({
    redisUrl: redis.url,
    logger: createSilentLogger(),
    prefix: opts.prefix,
    access: { policy: () => holder.current, tenants: () => ['default', 'tenant-b'] },
    ...(opts.processors ? { workers: { processors: opts.processors, shutdownGraceMs: 5_000 } } : {}),
  });
  runtimes.push(runtime);
  return { runtime, holder };
}

const slack = (text: string, userId: string, channelId = 'C0OPS') => ({
  text,
  userId,
  channelId,
  requestId: `req-${randomUUID()}`,
  reply: { kind: 'slack' as const, channel: channelId },
});
const consoleCmd = (text: string, userId = 'console') => ({
  text,
  userId,
  requestId: `console-${randomUUID()}`,
  reply: { kind: 'console' as const },
});
const jobKeys = async (prefix: string) => (await probe.keys(`${prefix}:job:*`)).filter((k) => !k.endsWith(':report'));
/** Jobs in every command queue, whatever their state. */
const queuedJobs = async (runtime: Runtime) => {
  const counts = await Promise.all(
    [runtime.queue.queues.read, runtime.queue.queues.write, runtime.queue.queues.ssh].map((q) => q.getJobCounts()),
  );
  return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
};
const auditOf = async (runtime: Runtime): Promise<AuditRecord[]> => {
  const all: AuditRecord[] = [];
  for await (const r of runtime.stores.audit.readSince(0)) all.push(r);
  return all;
};

const finalRecord = (runtime: Runtime, jobId: string) => async (): Promise<JobRecord | undefined> => {
  const rec = await runtime.stores.jobs.get(jobId);
  return rec && ['succeeded', 'failed', 'cancelled'].includes(rec.state) ? rec : undefined;
};

describe('access through the intake (real redis-server): denials enqueue nothing and are audited', () => {
  it.each([
    ['unknown user', slack('/status', 'U0NOBODY'), /@U0NOBODY has no role in netops-bot/],
    ['unconfigured channel', slack('/status', 'U0OPS', 'C0RANDOM'), /channel \(C0RANDOM\) is not configured/],
    ['command not allowed in the channel', slack('/jobs', 'U0OPS', 'C0DEV'), /\/jobs is not allowed in this channel/],
    [
      'tenant not allowed in the channel',
      slack('/deploy httpbackend subnet=tenant-b', 'U0OPS', 'C0DEV'),
      /\/deploy is not allowed in this channel/,
    ],
    ['role without the command', slack('/deploy httpbackend subnet=default', 'U0VIEW'), /no role that allows \/deploy/],
    ['audit for a non-admin', consoleCmd('/audit', 'U0OPS'), /\/audit is for admins/],
  ])('%s', async (_name, cmd, message) => {
    const prefix = `acc-${randomUUID()}`;
    const { runtime } = await newRuntime({ prefix });
    const res = await runtime.chat.intake(cmd);
    expect(res.kind).toBe('refused');
    expect(res.kind === 'refused' && res.message).toMatch(message);
    expect(await jobKeys(prefix)).toEqual([]);
    expect(await queuedJobs(runtime)).toBe(0);
    const [record] = await auditOf(runtime);
    expect(record).toMatchObject({ type: 'command', user: cmd.userId, outcome: 'refused', text: cmd.text });
  });

  it('a tenant outside the role is refused with the roles held', async () => {
    const prefix = `acc-${randomUUID()}`;
    const policy = {
      current: {
        ...basePolicy,
        roles: { ...basePolicy.roles, operator: { commands: ['deploy'], tenants: ['default'] } },
      },
    };
    const { runtime } = await newRuntime({ prefix, policy });
    const res = await runtime.chat.intake(slack('/deploy httpbackend subnet=tenant-b', 'U0OPS'));
    expect(res).toEqual({
      kind: 'refused',
      message: '@U0OPS has no role that allows /deploy in tenant tenant-b; roles: operator',
    });
    expect(await jobKeys(prefix)).toEqual([]);
  });

  it('without a policy only /help answers, and it says how to configure one', async () => {
    const prefix = `acc-${randomUUID()}`;
    const { runtime } = await newRuntime({ prefix, policy: {} });
    const refused = await runtime.chat.intake(consoleCmd('/status'));
    expect(refused.kind).toBe('refused');
    const help = await runtime.chat.intake(consoleCmd('/help'));
    if (help.kind !== 'answer') throw new Error(`expected help, got ${help.kind}`);
    expect(help.report.commands).toEqual(['help']);
    expect(JSON.stringify(help.report.blocks)).toContain('no access policy yet');
  });

  it('/help lists only what the caller may run in this channel', async () => {
    const { runtime } = await newRuntime({ prefix: `acc-${randomUUID()}` });
    const names = async (cmd: ReturnType<typeof slack>) => {
      const res = await runtime.chat.intake(cmd);
      return res.kind === 'answer' ? res.report.commands : res;
    };
    expect(await names(slack('/help', 'U0VIEW'))).toEqual(['status', 'jobs', 'help']);
    expect(await names(slack('/help', 'U0OPS', 'C0DEV'))).toEqual(['status', 'help']);
    expect(await names(slack('/help', 'U0ADMIN'))).toContain('audit');
    expect(await names(slack('/help', 'U0OPS'))).not.toContain('audit');
  });

  it('the worker checks again with the policy of the moment: revoked after the ack, nothing runs', async () => {
    const prefix = `acc-${randomUUID()}`;
    const policy = { current: basePolicy };
    const { runtime: front } = await newRuntime({ prefix, policy });
    const res = await front.chat.intake(slack('/status', 'U0VIEW'));
    if (res.kind !== 'queued') throw new Error(`expected queued, got ${res.kind}`);
    policy.current = { ...basePolicy, users: { ...basePolicy.users, U0VIEW: [] } };
    let ran = 0;
    const { runtime: worker } = await newRuntime({
      prefix,
      policy,
      processors: {
        status: async () => {
          ran++;
          return { command: 'status', ok: true, title: 'ran', blocks: [] };
        },
      },
    });
    const rec = await waitFor(finalRecord(worker, res.jobId), 'job end');
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toMatch(/@U0VIEW has no role in netops-bot/);
    expect(ran).toBe(0);
    // The audit record of the end is written after the job record turns final: wait for it (as below).
    await waitFor(
      async () => ((await auditOf(worker)).some((r) => r.type === 'job.failed') ? true : undefined),
      'job.failed audit',
    );
    const types = (await auditOf(worker)).map((r) => r.type);
    expect(types).toEqual(['command', 'job.running', 'job.failed']);
  });

  it('admins cancel other users’ jobs; others may not', async () => {
    const prefix = `acc-${randomUUID()}`;
    const { runtime } = await newRuntime({ prefix });
    const queued = await runtime.chat.intake(slack('/status', 'U0VIEW'));
    if (queued.kind !== 'queued') throw new Error('not queued');
    const byOther = await runtime.chat.intake(slack(`/cancel ${queued.jobId}`, 'U0OPS'));
    expect(byOther.kind === 'answer' && byOther.report.title).toMatch(/started by someone else/);
    const byAdmin = await runtime.chat.intake(slack(`/cancel ${queued.jobId}`, 'U0ADMIN'));
    expect(byAdmin.kind === 'answer' && byAdmin.report.ok).toBe(true);
    expect((await runtime.stores.jobs.get(queued.jobId))?.state).toBe('cancelled');
  });
});

describe('/lock, /unlock and /audit', () => {
  it('freezes a tenant, tells a second locker who holds it, and unlocks; /audit shows it to admins', async () => {
    const { runtime } = await newRuntime({ prefix: `acc-${randomUUID()}` });
    const lock = await runtime.chat.intake(slack('/lock tenant-b "db migration"', 'U0OPS'));
    expect(lock.kind === 'answer' && lock.report.ok).toBe(true);
    expect(await runtime.stores.locks.tenantFreeze('tenant-b')).toMatchObject({ by: 'U0OPS', reason: 'db migration' });
    const again = await runtime.chat.intake(slack('/lock tenant-b', 'U0ADMIN'));
    expect(again.kind === 'answer' && JSON.stringify(again.report.blocks)).toMatch(
      /already locked by @U0OPS since .* UTC: db migration/,
    );
    const typo = await runtime.chat.intake(slack('/lock tenant-x', 'U0OPS'));
    expect(typo).toMatchObject({ kind: 'usage', message: expect.stringMatching(/unknown tenant `tenant-x`/) });
    const unlock = await runtime.chat.intake(slack('/unlock tenant-b', 'U0OPS'));
    expect(unlock.kind === 'answer' && unlock.report.title).toBe('unlocked tenant-b');
    expect(await runtime.stores.locks.tenantFreeze('tenant-b')).toBeUndefined();
    const audit = await runtime.chat.intake(slack('/audit 10 user=U0OPS', 'U0ADMIN'));
    if (audit.kind !== 'answer') throw new Error(`expected the audit, got ${audit.kind}`);
    const types = (audit.report.records as AuditRecord[]).map((r) => r.type);
    // Newest first: the unlock, the refused typo, the lock and its command record.
    expect(types).toEqual(['command', 'tenant.unlocked', 'command', 'command', 'tenant.locked']);
  });

  it('one deploy per job and tenant: a second one is told who holds the lock and since when', async () => {
    const { runtime } = await newRuntime({ prefix: `acc-${randomUUID()}` });
    expect(await runtime.stores.locks.acquireDeploy('httpbackend-tenant-b', { by: 'U0OPS', jobId: 'j1' })).toEqual({
      ok: true,
    });
    const second = await runtime.stores.locks.acquireDeploy('httpbackend-tenant-b', { by: 'U0ADMIN', jobId: 'j2' });
    expect(second).toMatchObject({ ok: false, holder: { by: 'U0OPS', jobId: 'j1', since: expect.any(Number) } });
    await runtime.stores.locks.releaseDeploy('httpbackend-tenant-b', 'j2');
    expect((await runtime.stores.locks.acquireDeploy('httpbackend-tenant-b', { by: 'x', jobId: 'j3' })).ok).toBe(false);
    await runtime.stores.locks.releaseDeploy('httpbackend-tenant-b', 'j1');
    expect((await runtime.stores.locks.acquireDeploy('httpbackend-tenant-b', { by: 'x', jobId: 'j3' })).ok).toBe(true);
  });
});

describe('approval decisions (atomic in Redis)', () => {
  const pending = (over: Partial<PendingApproval> = {}): Omit<PendingApproval, 'id'> => ({
    jobId: `plan-${randomUUID()}`,
    commandName: 'deploy',
    commandText: '/deploy httpbackend subnet=tenant-b',
    args: { job: 'httpbackend', tenant: 'tenant-b' },
    requester: { userId: 'U0OPS', channelId: 'C0OPS' },
    reply: { kind: 'slack', channel: 'C0OPS' },
    tenant: 'tenant-b',
    nomadJobId: 'httpbackend-tenant-b',
    jobJson: '{}',
    templateJson: '{}',
    jobModifyIndex: 7,
    planHash: 'abc123',
    planLines: ['web: create 1'],
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    ...over,
  });
  const press = (
    approvalId: string,
    userId: string,
    decision: 'approve' | 'reject' = 'approve',
    channelId = 'C0OPS',
  ) => ({
    approvalId,
    decision,
    userId,
    channelId,
    reply: { kind: 'slack' as const, channel: channelId },
  });

  it('a button value that is not an approval id is refused without being echoed or stored in full', async () => {
    const { runtime } = await newRuntime({ prefix: `acc-${randomUUID()}` });
    for (const value of ['x'.repeat(200_000), '<!channel> *bold* `tick` <https://evil|click>', '../../etc', '']) {
      const res = await runtime.chat.decideApproval(press(value, 'U0APP'));
      expect(res.ok).toBe(false);
      expect(res.message).toMatch(/^That is not an approval id \(\d+ characters\): nothing was done\.$/);
    }
    const refused = (await auditOf(runtime)).filter((r) => r.type === 'approval.refused');
    expect(refused).toHaveLength(4);
    expect(JSON.stringify(refused).length).toBeLessThan(2_000);
  });

  it('a press follows the channel rules of the command: unlisted channel, command or tenant not allowed there', async () => {
    const prefix = `acc-${randomUUID()}`;
    let ran = 0;
    const { runtime } = await newRuntime({
      prefix,
      processors: {
        'approval-apply': async () => {
          ran++;
          return { command: 'deploy', ok: true, title: 'applied', blocks: [] };
        },
      },
    });
    const a = await runtime.stores.approvals.save(pending());
    // C0RANDOM is not in policy.channels; C0DEV allows only /status in tenant default.
    expect(await runtime.chat.decideApproval(press(a.id, 'U0APP', 'approve', 'C0RANDOM'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/channel \(C0RANDOM\) is not configured/),
    });
    expect(await runtime.chat.decideApproval(press(a.id, 'U0ADMIN', 'approve', 'C0DEV'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/is not allowed in this channel \(C0DEV\)/),
    });
    expect(await runtime.chat.decideApproval(press(a.id, 'U0OPS', 'reject', 'C0RANDOM'))).toMatchObject({ ok: false });
    expect((await runtime.stores.approvals.get(a.id))?.status).toBe('pending');
    // The same approver in a channel that allows the command and tenant: applied once.
    const ok = await runtime.chat.decideApproval(press(a.id, 'U0APP'));
    expect(ok.ok).toBe(true);
    await waitFor(finalRecord(runtime, `apply-${a.id}`), 'apply job');
    expect(ran).toBe(1);
  });

  it('the worker refuses an apply approved in a channel that has since lost the command', async () => {
    const prefix = `acc-${randomUUID()}`;
    const policy = { current: basePolicy };
    const { runtime: front } = await newRuntime({ prefix, policy });
    const a = await front.stores.approvals.save(pending());
    const res = await front.chat.decideApproval(press(a.id, 'U0APP'));
    if (!res.ok || !res.applyJobId) throw new Error('not approved');
    policy.current = {
      ...basePolicy,
      channels: { ...basePolicy.channels, C0OPS: { commands: ['status'], tenants: ['*'] } },
    };
    let ran = 0;
    const { runtime: worker } = await newRuntime({
      prefix,
      policy,
      processors: {
        'approval-apply': async () => {
          ran++;
          return { command: 'deploy', ok: true, title: 'applied', blocks: [] };
        },
      },
    });
    const rec = await waitFor(finalRecord(worker, res.applyJobId), 'apply end');
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toMatch(/is not allowed in this channel \(C0OPS\)/);
    expect(ran).toBe(0);
  });

  it('the requester cannot approve, a non-approver cannot, an approver can once; a replay does nothing', async () => {
    const prefix = `acc-${randomUUID()}`;
    const applied: string[] = [];
    const { runtime } = await newRuntime({
      prefix,
      processors: {
        'approval-apply': async (ctx) => {
          applied.push(String(ctx.command.args.approvalId));
          return { command: 'deploy', ok: true, title: 'applied', blocks: [] };
        },
      },
    });
    const a = await runtime.stores.approvals.save(pending());
    expect(await runtime.chat.decideApproval(press(a.id, 'U0OPS'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/a different user with the approver role must approve/),
    });
    expect(await runtime.chat.decideApproval(press(a.id, 'U0VIEW'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/needs the approver role/),
    });
    const ok = await runtime.chat.decideApproval(press(a.id, 'U0APP'));
    expect(ok).toEqual({
      ok: true,
      message: expect.stringMatching(/Approved by @U0APP/),
      applyJobId: `apply-${a.id}`,
      // This approval was saved by the test, without a plan job: no message to update, the presser is told.
      planUpdated: false,
    });
    const replay = await runtime.chat.decideApproval(press(a.id, 'U0ADMIN'));
    expect(replay).toMatchObject({ ok: false, message: expect.stringMatching(/already approved by @U0APP/) });
    const rec = await waitFor(finalRecord(runtime, `apply-${a.id}`), 'apply job');
    expect(rec.state).toBe('succeeded');
    expect(applied).toEqual([a.id]);
    // The job's last audit record follows its final state by a moment.
    await waitFor(
      async () => ((await auditOf(runtime)).some((r) => r.type === 'job.succeeded') ? true : undefined),
      'audit',
    );
    const trail = (await auditOf(runtime)).map((r) => [r.type, r.user, r.approver ?? ''].join(' '));
    // The apply job runs concurrently with the replayed press: compare each story in its own order.
    expect(trail.filter((t) => t.startsWith('approval.'))).toEqual([
      'approval.refused U0OPS ',
      'approval.refused U0VIEW ',
      'approval.approved U0OPS U0APP',
      'approval.refused U0ADMIN ',
    ]);
    expect(trail.filter((t) => t.startsWith('job.'))).toEqual(['job.running U0APP ', 'job.succeeded U0APP ']);
    expect(trail.indexOf('job.running U0APP ')).toBeGreaterThan(trail.indexOf('approval.approved U0OPS U0APP'));
  });

  it('an expired approval cannot be approved; an unknown id does nothing; the requester may withdraw', async () => {
    const { runtime } = await newRuntime({ prefix: `acc-${randomUUID()}` });
    const old = await runtime.stores.approvals.save(pending({ expiresAt: Date.now() - 1 }));
    expect(await runtime.chat.decideApproval(press(old.id, 'U0APP'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/expired at .* nothing was applied/),
    });
    expect((await runtime.stores.approvals.get(old.id))?.status).toBe('pending');
    expect((await runtime.chat.decideApproval(press('0123456789ab', 'U0APP'))).ok).toBe(false);
    const mine = await runtime.stores.approvals.save(pending());
    expect(await runtime.chat.decideApproval(press(mine.id, 'U0OPS', 'reject'))).toMatchObject({ ok: true });
    expect(await runtime.stores.approvals.get(mine.id)).toMatchObject({ status: 'rejected', decidedBy: 'U0OPS' });
    expect((await runtime.chat.decideApproval(press(mine.id, 'U0APP'))).ok).toBe(false);
  });

  it('the worker refuses an apply whose approver lost the role after pressing', async () => {
    const prefix = `acc-${randomUUID()}`;
    const policy = { current: basePolicy };
    const { runtime: front } = await newRuntime({ prefix, policy });
    const a = await front.stores.approvals.save(pending());
    const res = await front.chat.decideApproval(press(a.id, 'U0APP'));
    if (!res.ok || !res.applyJobId) throw new Error('not approved');
    policy.current = { ...basePolicy, users: { ...basePolicy.users, U0APP: ['viewer'] } };
    let ran = 0;
    const { runtime: worker } = await newRuntime({
      prefix,
      policy,
      processors: {
        'approval-apply': async () => {
          ran++;
          return { command: 'deploy', ok: true, title: 'applied', blocks: [] };
        },
      },
    });
    const rec = await waitFor(finalRecord(worker, res.applyJobId), 'apply end');
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toMatch(/may not approve writes in tenant tenant-b/);
    expect(ran).toBe(0);
  });
});
