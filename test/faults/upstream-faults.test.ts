import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { generateOtherHostKeyLine, type SshTestServer, startSshTestServer } from '../helpers/ssh-test-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { useFaultStand } from './fault-stand.js';
import { postSlashCommand } from './slack-client.js';

// Nomad's client timeout in this config: a hanging Nomad costs each attempt this long, never more.
const NOMAD_TIMEOUT_MS = 1_500;

let sshd: SshTestServer;
// Registered before the stand's hooks, so it runs after the stand's teardown (vitest's default sequence.hooks
// 'stack' runs afterAll hooks in reverse): the bot stops before its SSH target does.
afterAll(async () => {
  await sshd?.stop();
});

const stand = useFaultStand({
  upstreamMode: 'ok',
  startFirst: 'start.ts',
  // The hosts point at a real sshd, started here inside the stand's set-up (the config file names them).
  config: async () => {
    sshd = await startSshTestServer();
    const closedPort = await findFreePort();
    const keyFile = join(sshd.dir, 'bot_key');
    writeFileSync(keyFile, sshd.clientKey, { mode: 0o600 });
    // u1 answers with a different host key than the pinned one, u2 refuses connections, u3 is fine.
    const host = (name: string, p: number, hostKey: string) => ({
      name,
      address: '127.0.0.1',
      port: p,
      user: sshd.user,
      keyFile,
      hostKey,
    });
    const hosts = [
      host('u1', sshd.port, generateOtherHostKeyLine()),
      host('u2', closedPort, sshd.hostKeyLine),
      host('u3', sshd.port, sshd.hostKeyLine),
    ];
    return { nomadTimeoutMs: NOMAD_TIMEOUT_MS, hosts };
  },
});

const finalRecord = (jobId: string, timeoutMs = 60_000) =>
  waitFor(
    async () => {
      const r = await stand.probe.hgetall(`netops:job:${jobId}`);
      return r.state === 'succeeded' || r.state === 'failed' ? r : undefined;
    },
    `job ${jobId} to finish`,
    timeoutMs,
    () => stand.procs[0]!.output().slice(-3000),
  );
const topLevelPosts = (commandText: string) =>
  stand.slack.calls.filter(
    (c) => c.method === 'chat.postMessage' && !c.body.thread_ts && JSON.stringify(c.body).includes(commandText),
  );
const finalMessage = (jobId: string) =>
  waitFor(async () => {
    const ts = await stand.probe.hget(`netops:job:${jobId}`, 'messageTs');
    const m = ts ? stand.slack.messages.get(ts) : undefined;
    return m && /Succeeded|Failed/.test(JSON.stringify(m.blocks)) ? m : undefined;
  }, `the reply of ${jobId} to show its result`);

describe('upstream faults against the real bot process', () => {
  it('Nomad answering 500: bounded retries, then a clear failure and one reply', async () => {
    const { port, upstream } = stand;
    upstream.mode = '500';
    const before = upstream.calls.length;
    const started = Date.now();
    const ack = await postSlashCommand(port, {
      command: '/deploy',
      text: 'stop httpbackend subnet=default',
      triggerId: 'nomad.500',
    });
    expect(ack.text).toContain('Queued');
    const rec = await finalRecord('nomad.500');
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toMatch(/Nomad/);
    expect(rec.errorText).toMatch(/500/);
    // Write queue: 3 attempts; the client retries each read 3 times: never more than 9 calls.
    const calls = upstream.calls.length - before;
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(9);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(JSON.parse(rec.history ?? '[]').some((h: string) => h.startsWith('retrying after'))).toBe(true);
    await finalMessage('nomad.500');
    expect(topLevelPosts('stop httpbackend subnet=default')).toHaveLength(1);
  }, 90_000);

  it('Nomad not answering: each attempt times out, the job fails clearly instead of hanging', async () => {
    const { port, upstream } = stand;
    upstream.mode = 'hang';
    const started = Date.now();
    const ack = await postSlashCommand(port, {
      command: '/deploy',
      text: 'stop httpbackend subnet=tenant-b',
      triggerId: 'nomad.hang',
    });
    expect(ack.text).toContain('Queued');
    const rec = await finalRecord('nomad.hang', 90_000);
    expect(rec.state).toBe('failed');
    expect(rec.errorText).toMatch(/Nomad/);
    expect(rec.errorText).toMatch(/time|respond|answer/i);
    expect(Date.now() - started).toBeLessThan(75_000);
    await finalMessage('nomad.hang');
    expect(topLevelPosts('stop httpbackend subnet=tenant-b')).toHaveLength(1);
    upstream.mode = 'ok';
  }, 120_000);

  it('a changed host key and an unreachable host are reported per host, the other hosts still answer', async () => {
    const { port, probe, upstream } = stand;
    upstream.mode = 'ok';
    const started = Date.now();
    await postSlashCommand(port, { command: '/status', text: '', triggerId: 'ssh.faults' });
    await finalRecord('ssh.faults');
    expect(Date.now() - started).toBeLessThan(30_000);
    const report = JSON.parse((await probe.get('netops:job:ssh.faults:report')) ?? '{}') as { problems: string[] };
    // Match on the host prefix only: a base64 fingerprint in another host's line may contain "u2" by chance.
    const forHost = (host: string) => report.problems.find((p) => p.startsWith(`weave on ${host}:`));
    const u1 = forHost('u1');
    const u2 = forHost('u2');
    expect(u1).toMatch(/host key/i);
    expect(u2).toMatch(/refused|unreachable|cannot connect/i);
    // u3 was reached over SSH: its problem (no weave installed on the test host) comes from the command itself.
    expect(forHost('u3')).not.toMatch(/host key|refused/i);
    await finalMessage('ssh.faults');
  }, 60_000);

  it('Slack answering 429 and 500: the reply is posted once when the API is back, nothing doubled, errors counted', async () => {
    const { port, probe, slack, upstream } = stand;
    upstream.mode = 'ok';
    slack.failNext('chat.postMessage', { status: 429, retryAfterS: 1 });
    slack.failNext('chat.postMessage', { status: 500 });
    const ack = await postSlashCommand(port, { command: '/status', text: '', triggerId: 'slack.faults' });
    expect(ack.text).toContain('Queued');
    await finalRecord('slack.faults');
    const message = await finalMessage('slack.faults');
    expect(message.channel).toBe('C0OPS');
    const ts = await probe.hget('netops:job:slack.faults', 'messageTs');
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts);
    // Failed attempts never created a message; exactly one message carries this job.
    expect([...slack.messages.entries()].filter(([t, m]) => t === ts || m.text.includes('slack.faults'))).toHaveLength(
      1,
    );
    expect(posts.length).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /netops_slack_api_errors_total\{method="chat.postMessage",kind="rate_limited",role="all"\} 1/,
    );
    expect(metrics).toMatch(/netops_slack_api_errors_total\{method="chat.postMessage",kind="http_5xx",role="all"\} 1/);
  }, 60_000);
});
