import { describe, expect, it } from 'vitest';
import type { SpawnedProcess } from '../helpers/spawn-bot.js';
import { waitFor } from '../helpers/wait-for.js';
import { useFaultStand } from './fault-stand.js';
import { postSlashCommand } from './slack-client.js';

// Workers notice a dead peer after the lock duration; 3 s keeps the test short (production default: 30 s).
const LOCK_MS = '3000';

const stand = useFaultStand({ upstreamMode: 'hang', config: { nomadTimeoutMs: 120_000 }, startFirst: 'bot.ts' });

const startWorker = (): Promise<SpawnedProcess> => stand.start('worker.ts', { NETOPS_LOCK_DURATION_MS: LOCK_MS });

const record = (jobId: string) => stand.probe.hgetall(`netops:job:${jobId}`);
/** Top-level reply messages whose text shows this command (thread detail excluded). */
const postsFor = (commandText: string) =>
  stand.slack.calls.filter(
    (c) => c.method === 'chat.postMessage' && !c.body.thread_ts && JSON.stringify(c.body).includes(commandText),
  );
const messageOf = async (jobId: string) => stand.slack.messages.get((await record(jobId)).messageTs ?? '');
/**
 * The kill is aimed at the job, not at the reply: wait until the reply message is posted and its ref stored. A
 * notify worker killed between chat.postMessage and storing the ref leaves its notify job active until BullMQ's
 * stalled check (30 s by default) runs it again, which is a different fault from the one these tests are about.
 */
const replyPosted = (jobId: string) => waitFor(() => messageOf(jobId), `the reply message of ${jobId} to be posted`);

describe('a worker process killed (SIGKILL) in the middle of a job', () => {
  it('an SSH-queue job is failed with a clear message, never run a second time, and the reply says so', async () => {
    const { port, upstream } = stand;
    upstream.mode = 'hang';
    const worker = await startWorker();
    const ack = await postSlashCommand(port, { command: '/isolation-check', text: 'web1 web2', triggerId: 'kill.ssh' });
    expect(ack.text).toContain('Queued');
    // Mid-job: the processor is waiting on an upstream answer that never comes.
    await waitFor(async () => (await record('kill.ssh')).state === 'running' && upstream.hanging() > 0, 'job mid-run');
    await replyPosted('kill.ssh');
    worker.child.kill('SIGKILL');
    await waitFor(() => worker.child.exitCode !== null || worker.child.signalCode !== null, 'worker gone');
    const killedAt = Date.now();
    upstream.mode = 'ok';
    await startWorker();

    const rec = await waitFor(
      async () => {
        const r = await record('kill.ssh');
        return r.state === 'failed' ? r : undefined;
      },
      'the stalled SSH job to be failed',
      30_000,
    );
    expect(rec.errorText).toContain('stopped mid-way');
    expect(rec.errorText).toContain('never re-run automatically');
    // Not run twice: nothing after the kill asked an upstream about this job again. (The new worker's start-up
    // check of the Nomad release, region and datacenters and of Consul's datacenter is not about any job.)
    const startupCheck = new Set(['/v1/agent/self', '/v1/regions', '/v1/nodes', '/v1/catalog/datacenters']);
    expect(upstream.calls.filter((c) => c.at >= killedAt && !startupCheck.has(c.path))).toEqual([]);
    const message = await waitFor(async () => {
      const m = await messageOf('kill.ssh');
      return m && JSON.stringify(m.blocks).includes('stopped mid-way') ? m : undefined;
    }, 'the reply message to say what happened');
    expect(message.channel).toBe('C0OPS');
    expect(postsFor('web1 web2')).toHaveLength(1);
  }, 90_000);

  it('a write-queue job resumes on another worker, re-reads Nomad before changing anything, and says it resumed', async () => {
    const { port, upstream } = stand;
    upstream.mode = 'hang';
    const worker = stand.procs.at(-1)!;
    const ack = await postSlashCommand(port, {
      command: '/deploy',
      text: 'stop httpbackend subnet=tenant-b',
      triggerId: 'kill.write',
    });
    expect(ack.text).toContain('Queued');
    await waitFor(
      async () => (await record('kill.write')).state === 'running' && upstream.hanging() > 0,
      'job mid-run',
    );
    await replyPosted('kill.write');
    const readsBefore = upstream.calls.filter((c) => c.path.startsWith('/v1/job/')).length;
    worker.child.kill('SIGKILL');
    await waitFor(() => worker.child.exitCode !== null || worker.child.signalCode !== null, 'worker gone');
    upstream.mode = 'ok';
    await startWorker();

    const rec = await waitFor(
      async () => {
        const r = await record('kill.write');
        return r.state === 'failed' || r.state === 'succeeded' ? r : undefined;
      },
      'the resumed write job to finish',
      30_000,
    );
    expect(JSON.parse(rec.history ?? '[]').join('\n')).toContain('resumed on another worker');
    // The resumed run read the job again (check first) instead of acting on what the dead worker had seen.
    expect(upstream.calls.filter((c) => c.path.startsWith('/v1/job/')).length).toBeGreaterThan(readsBefore);
    expect(rec.errorText).toMatch(/not registered in Nomad: nothing to stop/);
    // Nothing was ever deleted or registered: the only writes would be DELETE/PUT/POST.
    expect(upstream.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    await waitFor(async () => {
      const m = await messageOf('kill.write');
      return m && JSON.stringify(m.blocks).includes('nothing to stop') ? m : undefined;
    }, 'the reply to show the result');
    expect(postsFor('stop httpbackend')).toHaveLength(1);
  }, 90_000);
});
