import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { collectSecretValues, loadConfig } from '../../../src/config/index.js';
import { findFreePort } from '../../../src/queue/embedded-redis.js';
import type { AuditRecord } from '../../../src/stores/audit-log.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type CliResult, runCli } from '../../helpers/run-cli.js';
import { blockActionBody } from '../../helpers/slack-actions.js';
import { type SlackApiStub, startSlackApiStub } from '../../helpers/slack-api-stub.js';
import { signSlackRequest, slashCommandBody } from '../../helpers/slack-signing.js';
import { type SpawnedProcess, spawnEntry, waitForOutput } from '../../helpers/spawn-bot.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { deployTenantFor, expectTenantBRefused } from '../../lab/lab-launch-form.js';
import { checkLabSupport, labWeaveLaunch } from '../../lab/lab-support.js';
import { CONFIG_PATH } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'access e2e');

const SECRET = 'lab-access-signing-secret-abcdef0123';
const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-lab-access-0000-bot-token',
  SLACK_SIGNING_SECRET: SECRET,
  // Tokens the emulators ignore but every Nomad and Consul request carries: none may show up anywhere else.
  E2E_NOMAD_TOKEN: 'nomad-secret-token-5f3c1e9a7b',
  E2E_CONSUL_TOKEN: 'consul-secret-token-8d2b6a4f0c',
};
// Approval is the point, not tenancy: the tenant that needs approval is tenant-b (the example policy) where the
// Weave launch isolates it, else the default tenant, made the approval-gated one (tenant-b is refused there).
const launch = labWeaveLaunch();
const TENANT = deployTenantFor(launch).name;
const JOB = `httpbackend-${TENANT}`;

interface LabDoc {
  clusters: Array<{ nomad: Record<string, unknown>; consul: Record<string, unknown> }>;
  [key: string]: unknown;
}

describe.skipIf(skipLab)('access on the lab: refusal, approval, apply, audit, no secrets', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let probe: Redis;
  let dir: string;
  let cliConfig: string;
  let botConfig: string;
  let nomadUrl: string;
  const outputs: string[] = [];
  const env = () => ({ REDIS_URL: redis.url, ...SECRETS });
  const cli = async (args: string[]): Promise<CliResult> => {
    const res = await runCli([...args, '--config', cliConfig], { env: env(), timeoutMs: 240_000 });
    outputs.push(res.stdout, res.stderr);
    return res;
  };
  const nomadJob = async (): Promise<Record<string, unknown> | undefined> => {
    const res = await fetch(`${nomadUrl}/v1/job/${JOB}`);
    return res.status === 404 ? undefined : ((await res.json()) as Record<string, unknown>);
  };
  const groupCount = async () => ((await nomadJob())?.TaskGroups as Array<{ Count: number }> | undefined)?.[0]?.Count;
  const jobKeys = async () => (await probe.keys('netops:job:*')).filter((k) => !k.endsWith(':report'));
  const exportAudit = async (): Promise<AuditRecord[]> => {
    const res = await cli(['audit', 'export']);
    expect(res.code, res.stderr).toBe(0);
    return res.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord);
  };

  useLabForTests();
  beforeAll(async () => {
    redis = await startTestRedis();
    probe = new Redis(redis.url);
    dir = mkdtempSync(join(tmpdir(), 'netops-access-lab-'));
    const lab = parse(readFileSync(CONFIG_PATH, 'utf8')) as LabDoc;
    const example = parse(readFileSync(resolve('config/netops.example.yaml'), 'utf8')) as { policy: unknown };
    const cluster = lab.clusters[0];
    if (!cluster) throw new Error('lab config without a cluster');
    nomadUrl = String(cluster.nomad.address);
    cluster.nomad.token = { env: 'E2E_NOMAD_TOKEN' };
    cluster.consul.token = { env: 'E2E_CONSUL_TOKEN' };
    // The example config's policy: U0VIEWER viewer, U0OPERATOR operator, U0APPROVER approver; tenant-b needs approval.
    lab.policy = example.policy;
    if (TENANT !== 'tenant-b') {
      (example.policy as { approvals: { tenants: Record<string, string> } }).approvals.tenants = {
        [TENANT]: 'required',
      };
    }
    cliConfig = join(dir, 'cli.yaml');
    writeFileSync(cliConfig, stringify(lab));
    botConfig = join(dir, 'bot.yaml');
    writeFileSync(botConfig, stringify(lab));
    // Other suites may hold the lab: waiting for its lock can take up to LAB_LOCK_WAIT_MS before the up itself.
  }, 1_200_000);

  afterAll(async () => {
    probe?.disconnect();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let approvalId = '';

  it('a user without rights is refused (exit 1): nothing is queued and nothing reaches Nomad', async () => {
    const res = await cli([`/deploy httpbackend subnet=${TENANT}`, '--as', 'U0VIEWER']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('refused: @U0VIEWER has no role that allows /deploy; roles: viewer');
    expect(await jobKeys()).toEqual([]);
    expect(await nomadJob()).toBeUndefined();
  }, 120_000);

  it(`an operator in ${TENANT} gets the plan and an approval id (exit 0); nothing is applied yet`, async () => {
    const res = await cli([`/deploy httpbackend subnet=${TENANT}`, '--as', 'U0OPERATOR', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = res.json as {
      ok: boolean;
      approval: { id: string; status: string };
      plan: string[];
      planHash: string;
    };
    approvalId = report.approval?.id ?? '';
    expect(report.approval.status).toBe('pending');
    // The emulated Nomad's plan diff: two allocations to place.
    expect(report.plan.join('\n')).toMatch(/httpbackend: (place|create) 2/);
    expect(approvalId).toMatch(/^[0-9a-f]{12}$/);
    expect(await nomadJob()).toBeUndefined();
    const text = await cli(['/jobs', '--as', 'U0OPERATOR']);
    expect(text.code).toBe(0);
  }, 240_000);

  it('the requester cannot approve their own plan (exit 1)', async () => {
    const res = await cli(['approve', approvalId, '--as', 'U0OPERATOR']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/refused: .*a different user with the approver role must approve/);
    expect(await nomadJob()).toBeUndefined();
  }, 120_000);

  it('an approver approves: the plan is applied and followed to a healthy deployment', async () => {
    const res = await cli(['approve', approvalId, '--as', 'U0APPROVER']);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain(`Approved by @U0APPROVER: applying as job \`apply-${approvalId}\``);
    expect(res.stdout).toMatch(/Succeeded/);
    const job = await nomadJob();
    expect(job?.Status).toBe('running');
    const again = await cli(['approve', approvalId, '--as', 'U0APPROVER']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/already approved by @U0APPROVER/);
  }, 240_000);

  it('the audit export tells the whole story in order', async () => {
    const records = await exportAudit();
    const plan = records.find((r) => r.type === 'approval.pending');
    const story = records.filter(
      (r) =>
        (r.type === 'command' && /\/deploy/.test(r.text ?? '')) ||
        r.approvalId === approvalId ||
        r.jobId === plan?.jobId ||
        r.jobId === `apply-${approvalId}`,
    );
    const brief = story.map((r) => `${r.type}${r.user ? ` ${r.user}` : ''}`);
    const order = [
      'command U0VIEWER',
      'command U0OPERATOR',
      'job.running U0OPERATOR',
      'plan',
      'approval.pending U0OPERATOR',
      'job.succeeded U0OPERATOR',
      'approval.refused U0OPERATOR',
      'approval.approved U0OPERATOR',
      'job.running U0APPROVER',
      'apply',
      'nomad.register',
      'nomad.deployment',
      'ssh',
      'job.succeeded U0APPROVER',
    ];
    let at = -1;
    for (const step of order) {
      const next = brief.findIndex((b, i) => i > at && b === step);
      expect(next, `${step} after ${brief[at]} in:\n${brief.join('\n')}`).toBeGreaterThan(at);
      at = next;
    }
    const refused = story.find((r) => r.user === 'U0VIEWER');
    expect(refused).toMatchObject({ outcome: 'refused', text: `/deploy httpbackend subnet=${TENANT}` });
    const queued = story.find((r) => r.type === 'command' && r.user === 'U0OPERATOR');
    expect(queued).toMatchObject({ outcome: 'queued', args: { job: 'httpbackend', tenant: TENANT } });
    const approved = story.find((r) => r.type === 'approval.approved');
    expect(approved).toMatchObject({ approver: 'U0APPROVER', planHash: plan?.planHash, tenant: TENANT });
    const done = story.filter((r) => r.type === 'job.succeeded').at(-1);
    expect(done).toMatchObject({ approver: 'U0APPROVER', planHash: plan?.planHash, approvalId });
    expect(done?.evalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(done?.deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    const ssh = story.filter((r) => r.type === 'ssh');
    expect(ssh.length).toBeGreaterThan(0);
    for (const r of ssh)
      expect(r).toMatchObject({ host: expect.stringMatching(/^u[123]$/), template: expect.any(String) });
    // The deploy reads each host's overlay addresses with one `weave ps` of the whole host.
    expect(new Set(ssh.map((r) => r.template))).toContain('weave.ps.all');
    expect(done?.durationMs).toBeGreaterThan(0);
  }, 120_000);

  describe('over Slack: buttons on the plan, approval applies, a changed job fails closed, no secret anywhere', () => {
    let slack: SlackApiStub;
    let bot: SpawnedProcess;
    let port: number;
    let trigger = 0;

    beforeAll(async () => {
      slack = await startSlackApiStub({ token: SECRETS.SLACK_BOT_TOKEN });
      port = await findFreePort();
      const doc = parse(readFileSync(botConfig, 'utf8')) as Record<string, unknown>;
      doc.slack = {
        botToken: { env: 'SLACK_BOT_TOKEN' },
        signingSecret: { env: 'SLACK_SIGNING_SECRET' },
        botId: 'B0NETOPS',
        botUserId: 'U0NETOPS',
        apiUrl: slack.url,
        port,
      };
      writeFileSync(botConfig, stringify(doc));
      bot = spawnEntry('start.ts', { NETOPS_CONFIG: botConfig, ...env() });
      await waitForOutput(bot, /slack front end started/);
    }, 60_000);
    afterAll(async () => {
      await bot?.stop();
      await slack?.close();
    });

    const post = async (path: string, body: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        body,
        headers: signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000)),
      });
      return { status: res.status, text: await res.text() };
    };
    const slash = (text: string, userId: string) => {
      const [command = '', ...rest] = text.split(' ');
      return post(
        '/slack/commands',
        slashCommandBody({ command, text: rest.join(' '), triggerId: `lab.${++trigger}`, userId }),
      );
    };
    /** A press on the plan message of `jobId`, with a live response_url of the stand-in as Slack sends one. */
    const press = async (actionId: string, value: string, userId: string, jobId: string) => {
      const messageTs = (await probe.hget(`netops:job:${jobId}`, 'messageTs')) ?? undefined;
      const responseUrl = slack.issueResponseUrl({ kind: 'action', channel: 'C0OPS', user: userId, messageTs });
      return post('/slack/events', blockActionBody({ actionId, value, userId, responseUrl, messageTs }));
    };
    const waitFor = async <T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 180_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const v = await fn();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}\n${bot.output().slice(-3000)}`);
    };
    const finalState = (jobId: string) =>
      waitFor(async () => {
        const state = await probe.hget(`netops:job:${jobId}`, 'state');
        return state === 'succeeded' || state === 'failed' || state === 'cancelled' ? state : undefined;
      }, `end of ${jobId}`);
    /** The approval id on the Approve button of the plan message of this job. */
    const buttonOf = (jobId: string) =>
      waitFor(async () => {
        const ts = await probe.hget(`netops:job:${jobId}`, 'messageTs');
        const blocks = ts ? JSON.stringify(slack.messages.get(ts)?.blocks ?? []) : '';
        if (!blocks.includes('"action_id":"netops_approve"')) return undefined;
        return /"block_id":"approval-([0-9a-f]{12})"/.exec(blocks)?.[1];
      }, `approve button of ${jobId}`);

    it('an operator’s /deploy posts the plan with Approve / Reject; an approver’s press applies it', async () => {
      const ack = await slash(`/deploy httpbackend subnet=${TENANT} count=1`, 'U0OPERATOR');
      expect(ack.status).toBe(200);
      const jobId = `lab.${trigger}`;
      expect(await finalState(jobId)).toBe('succeeded');
      const id = await buttonOf(jobId);
      const ts = await probe.hget(`netops:job:${jobId}`, 'messageTs');
      expect(JSON.stringify(slack.messages.get(ts ?? '')?.blocks)).toContain('"action_id":"netops_reject"');
      expect((await press('netops_approve', id, 'U0APPROVER', jobId)).status).toBe(200);
      expect(await finalState(`apply-${id}`)).toBe('succeeded');
      expect(await groupCount()).toBe(1);
      // The plan's message no longer offers the buttons: it says who approved.
      await waitFor(
        () => {
          const blocks = JSON.stringify(slack.messages.get(ts ?? '')?.blocks ?? []);
          return blocks.includes('Approved by') && !blocks.includes('netops_approve') ? true : undefined;
        },
        'updated plan message',
        20_000,
      );
    }, 300_000);

    it('a job changed in Nomad between plan and approval is not applied (EnforceIndex fails closed)', async () => {
      await slash(`/deploy httpbackend subnet=${TENANT} count=2`, 'U0OPERATOR');
      const jobId = `lab.${trigger}`;
      expect(await finalState(jobId)).toBe('succeeded');
      const id = await buttonOf(jobId);
      // Someone changes the job behind the bot's back: register it with another count straight at Nomad.
      const job = (await nomadJob()) as { TaskGroups: Array<{ Count: number }>; Meta?: Record<string, string> };
      job.Meta = { ...(job.Meta ?? {}), changed: 'behind the bot' };
      const changed = await fetch(`${nomadUrl}/v1/job/${JOB}`, { method: 'POST', body: JSON.stringify({ Job: job }) });
      expect(changed.status).toBe(200);
      expect((await press('netops_approve', id, 'U0APPROVER', jobId)).status).toBe(200);
      expect(await finalState(`apply-${id}`)).toBe('failed');
      expect(await probe.hget(`netops:job:apply-${id}`, 'errorText')).toMatch(
        /changed in Nomad since the approved plan .*nothing was applied \(fail closed\)/,
      );
      expect(await groupCount()).toBe(1);
    }, 300_000);

    it('no configured secret appears in job data, logs, replies or audit records', async () => {
      const config = loadConfig({ ...process.env, ...env() }, { path: botConfig });
      const secrets = collectSecretValues(config);
      expect(secrets).toEqual(expect.arrayContaining(Object.values(SECRETS)));
      const stored = await dumpRedis(probe);
      expect(stored.join('\n')).toContain('approval.approved');
      const places = {
        redis: stored.join('\n'),
        botLogs: bot.output(),
        cliOutput: outputs.join('\n'),
        slackCalls: JSON.stringify(slack.calls.map((c) => ({ method: c.method, body: c.body }))),
      };
      expect(places.botLogs).toContain('command queued');
      for (const [where, text] of Object.entries(places)) {
        for (const secret of secrets) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
      }
    }, 60_000);
  });

  it.runIf(launch === 'default')(
    'under the default Weave launch, tenant-b is refused before any write',
    async () => {
      await expectTenantBRefused(await cli(['/deploy httpbackend subnet=tenant-b count=1', '--json']));
    },
    240_000,
  );
});

/** Every key and value in Redis as text (hashes, strings, streams, lists, sets), for the secret scan. */
async function dumpRedis(redis: Redis): Promise<string[]> {
  const out: string[] = [];
  const readers: Record<string, (key: string) => Promise<unknown>> = {
    hash: (k) => redis.hgetall(k),
    string: (k) => redis.get(k),
    stream: (k) => redis.xrange(k, '-', '+'),
    list: (k) => redis.lrange(k, 0, -1),
    zset: (k) => redis.zrange(k, '0', '-1'),
    set: (k) => redis.smembers(k),
  };
  for (const key of await redis.keys('*')) {
    const read = readers[await redis.type(key)];
    out.push(key, read ? JSON.stringify(await read(key)) : '');
  }
  return out;
}
