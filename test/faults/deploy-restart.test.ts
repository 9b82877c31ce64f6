import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { startTestRedis } from '../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api-stub.js';
import { type SpawnedProcess, waitForOutput } from '../helpers/spawn-bot.js';
import { waitFor } from '../helpers/wait-for.js';
import { gateLabSuite } from '../lab/lab-gate.js';
import { useLabForTests } from '../lab/lab-hooks.js';
import { checkLabSupport, labWeaveLaunch } from '../lab/lab-support.js';
import { CONFIG_PATH } from '../lab/topology.js';
import { botEnv, startBotProcess, stopAll } from './bot-processes.js';
import { postSlashCommand } from './slack-client.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'deploy restart faults');
const launch = labWeaveLaunch();

interface DeployReport {
  ok: boolean;
  allocations: Array<{ id: string; overlayIp: string | null }>;
  consul: Array<{ serviceId: string; address: string; checkStatus: string }>;
}

describe.skipIf(skipLab)('worker restarts in the middle of /deploy on the lab', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let slack: SlackApiStub;
  let probe: Redis;
  let dir: string;
  let configFile: string;
  let port: number;
  const procs: SpawnedProcess[] = [];

  useLabForTests();
  beforeAll(async () => {
    redis = await startTestRedis();
    slack = await startSlackApiStub();
    port = await findFreePort();
    dir = mkdtempSync(join(tmpdir(), 'netops-deploy-restart-'));
    const cfg = parse(readFileSync(CONFIG_PATH, 'utf8')) as Record<string, unknown>;
    cfg.slack = {
      botToken: { env: 'SLACK_BOT_TOKEN' },
      signingSecret: { env: 'SLACK_SIGNING_SECRET' },
      botId: 'B0NETOPS',
      botUserId: 'U0NETOPS',
      apiUrl: slack.url,
      port,
    };
    cfg.policy = {
      roles: { admin: { commands: ['*'], tenants: ['*'] } },
      users: { console: ['admin'], U0ANN: ['admin'] },
      channels: { C0OPS: { commands: ['*'], tenants: ['*'] } },
    };
    configFile = join(dir, 'netops.yaml');
    writeFileSync(configFile, stringify(cfg));
    const bot = startBotProcess('bot.ts', botEnv(configFile, redis.url));
    procs.push(bot);
    await waitForOutput(bot, /slack front end started/, 60_000);
    probe = new Redis(redis.url);
  }, 700_000);

  afterAll(async () => {
    probe?.disconnect();
    await stopAll(procs);
    await slack?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startWorker(): Promise<SpawnedProcess> {
    const w = startBotProcess('worker.ts', botEnv(configFile, redis.url, { NETOPS_LOCK_DURATION_MS: '3000' }));
    procs.push(w);
    await waitForOutput(w, /workers started/, 60_000);
    return w;
  }
  const record = (jobId: string) => probe.hgetall(`netops:job:${jobId}`);
  const historyOf = async (jobId: string) => JSON.parse((await record(jobId)).history ?? '[]') as string[];
  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const r = await record(jobId);
        return ['succeeded', 'failed', 'cancelled'].includes(r.state ?? '') ? r : undefined;
      },
      `${jobId} to finish`,
      240_000,
      () => procs.map((p) => p.output().slice(-1500)).join('\n---\n'),
    );
  const reportOf = async (jobId: string) =>
    JSON.parse((await probe.get(`netops:job:${jobId}:report`)) ?? 'null') as DeployReport | null;
  const postsFor = (text: string) =>
    slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && !c.body.thread_ts && JSON.stringify(c.body).includes(text),
    );

  /** Every allocation registered once in Consul, at its overlay address, checks passing. */
  function expectCleanDeploy(report: DeployReport | null) {
    expect(report?.ok).toBe(true);
    const ids = report!.consul.map((c) => c.serviceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(report!.consul).toHaveLength(report!.allocations.length);
    const overlay = new Set(report!.allocations.map((a) => a.overlayIp));
    for (const c of report!.consul) {
      expect(overlay.has(c.address)).toBe(true);
      expect(c.checkStatus).toBe('passing');
    }
  }

  // The resumed run takes back the deploy lock its dead worker still holds (same job id: src/stores/lock-store.ts).
  it('SIGKILL after the register: another worker resumes the deploy, check-and-set keeps it single', async () => {
    const worker = await startWorker();
    const ack = await postSlashCommand(port, {
      command: '/deploy',
      text: 'httpbackend subnet=default',
      triggerId: 'deploy.kill',
    });
    expect(ack.text).toContain('Queued');
    await waitFor(
      async () => (await historyOf('deploy.kill')).some((h) => h.startsWith('registered')),
      'the job to be registered in Nomad',
      120_000,
    );
    worker.child.kill('SIGKILL');
    const second = await startWorker();
    const rec = await finished('deploy.kill');
    expect(`${rec.state}: ${rec.errorText ?? ''} ${rec.history}`).toMatch(/^succeeded/);
    expect((await historyOf('deploy.kill')).join('\n')).toContain('resumed on another worker');
    expectCleanDeploy(await reportOf('deploy.kill'));
    await waitFor(
      async () => {
        const m = slack.messages.get((await record('deploy.kill')).messageTs ?? '');
        return m && /Succeeded/.test(JSON.stringify(m.blocks)) ? m : undefined;
      },
      'the reply to show the result',
      30_000,
      async () => {
        const rec2 = await record('deploy.kill');
        return `${JSON.stringify(rec2).slice(0, 1500)}\n${JSON.stringify(slack.messages.get(rec2.messageTs ?? '')).slice(0, 3000)}\n${procs.map((p) => p.output().slice(-3000)).join('\n---\n')}`;
      },
    );
    expect(postsFor('httpbackend subnet=default')).toHaveLength(1);
    // The next test needs to be the only worker, so the job cannot go elsewhere.
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 300_000);

  it('SIGTERM mid-deploy: the worker finishes the deploy within its grace period, then exits cleanly', async () => {
    // A job the test above did not deploy: tenant-b where the Weave launch isolates it; under the default launch
    // (tenant-b refused, lab-launch-form.ts) the default tenant's job again with a count that changes it.
    const text = launch === 'multi-tenant' ? 'httpbackend subnet=tenant-b' : 'httpbackend subnet=default count=3';
    // The only worker: any left by the test above (had it failed early) would take the job.
    await Promise.all(procs.slice(1).map((p) => p.stop('SIGTERM', 45_000)));
    const worker = await startWorker();
    const ack = await postSlashCommand(port, {
      command: '/deploy',
      text,
      triggerId: 'deploy.term',
    });
    expect(ack.text).toContain('Queued');
    await waitFor(
      async () => (await historyOf('deploy.term')).some((h) => h.startsWith('registered')),
      'the job to be registered in Nomad',
      120_000,
    );
    // The worker's shutdown grace is 30 s: a deploy past its register finishes within it.
    expect(await worker.stop('SIGTERM', 45_000)).toBe(0);
    const rec = await record('deploy.term');
    expect(rec.state).toBe('succeeded');
    expectCleanDeploy(await reportOf('deploy.term'));
    expect(postsFor(text)).toHaveLength(1);
  }, 300_000);
});
