import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/queue/embedded-redis.js';
import { BOT_TOKEN, botEnv, stopAll, writeBotConfig } from '../../faults/bot-processes.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../../helpers/slack-api-stub.js';
import { type SocketModeStub, startSocketModeStub } from '../../helpers/socket-mode-stub.js';
import { type SpawnedProcess, spawnEntry, waitForOutput } from '../../helpers/spawn-bot.js';
import { waitFor } from '../../helpers/wait-for.js';

const APP_TOKEN = 'xapp-1-A0NETOPS-socket-test';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let webApi: SlackApiStub;
let socket: SocketModeStub;
let bot: SpawnedProcess;
let probe: Redis;
let metricsPort: number;

beforeAll(async () => {
  redis = await startTestRedis();
  webApi = await startSlackApiStub({ token: BOT_TOKEN });
  socket = await startSocketModeStub({ appToken: APP_TOKEN, webApiUrl: webApi.url });
  metricsPort = await findFreePort();
  const config = writeBotConfig({ slackApiUrl: socket.url }).fileFor(await findFreePort());
  bot = spawnEntry(
    'start.ts',
    botEnv(config, redis.url, { SLACK_APP_TOKEN: APP_TOKEN, NETOPS_METRICS_PORT: String(metricsPort) }),
  );
  await waitForOutput(bot, /slack front end started/, 30_000);
  probe = new Redis(redis.url);
});
afterAll(async () => {
  probe?.disconnect();
  await stopAll(bot ? [bot] : []);
  await socket?.close();
  await webApi?.close();
  await redis?.stop();
});

/** A slash command as Slack puts it in a Socket Mode envelope (python-slack-sdk mock_socket_mode_server.py). */
function slashPayload(triggerId: string, command = '/cni-bench', text = 'history weave'): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'example',
    enterprise_id: 'E0GRID',
    channel_id: 'C0OPS',
    channel_name: 'ops',
    user_id: 'U0ANN',
    user_name: 'ann',
    command,
    text,
    api_app_id: 'A0NETOPS',
    response_url: 'https://hooks.slack.invalid/commands/T0001/1/abc',
    trigger_id: triggerId,
  };
}

/** The reply messages the Web API stand-in holds for a job (its header names the command and the user). */
const repliesFor = (text: string) =>
  [...webApi.messages.values()].filter((m) => m.threadTs === undefined && m.text.includes(text));

async function expectOneFinalReply(jobId: string): Promise<void> {
  await waitFor(
    async () => ((await probe.hget(`netops:job:${jobId}`, 'state')) === 'succeeded' ? true : undefined),
    `job ${jobId} to succeed`,
    20_000,
    () => bot.output().slice(-3000),
  );
  await waitFor(
    () => (webApi.calls.some((c) => c.method === 'chat.update' || c.method === 'chat.postMessage') ? true : undefined),
    'a reply',
  );
}

describe('Socket Mode end to end: the real bot process against a Socket Mode stand-in', () => {
  it('opens two connections with app-token handshakes, and a command is acked on its envelope and answered', async () => {
    await waitFor(() => (socket.live().length === 2 ? true : undefined), 'two live connections', 20_000);
    expect(socket.opened()).toBe(2);
    const before = webApi.messages.size;
    const envelope = socket.sendSlashCommand(slashPayload('sm.1'));
    const outcome = await envelope.outcome;
    expect(outcome).toMatchObject({ acked: true, payload: { response_type: 'ephemeral' } });
    expect(JSON.stringify(outcome)).toContain('as job `sm.1`');
    await expectOneFinalReply('sm.1');
    await waitFor(() => (webApi.messages.size === before + 1 ? true : undefined), 'one reply message');
    // The workspace and Grid organisation stay with the requester: job data and the command's audit records.
    const data = JSON.parse((await probe.hget('netops:netops-read:sm.1', 'data')) ?? '{}') as {
      requester?: Record<string, string>;
    };
    expect(data.requester).toEqual({ userId: 'U0ANN', channelId: 'C0OPS', teamId: 'T0001', enterpriseId: 'E0GRID' });
    const audit = await probe.xrange('netops:audit', '-', '+');
    const records = audit.map(([, fields]) => JSON.parse(fields[3] ?? '{}') as Record<string, string>);
    const forJob = records.filter((r) => r.jobId === 'sm.1');
    expect(forJob.map((r) => r.type)).toEqual(expect.arrayContaining(['command', 'job.running', 'job.succeeded']));
    for (const r of forJob) expect(r).toMatchObject({ team: 'T0001', enterprise: 'E0GRID' });
  });

  it('a refresh of one connection: commands go to the other, the refreshed one comes back', async () => {
    const [first, second] = socket.live();
    expect(first && second).toBeTruthy();
    const openedBefore = socket.opened();
    socket.disconnect(first!);
    const envelope = socket.sendSlashCommand(slashPayload('sm.2'), second);
    expect(await envelope.outcome).toMatchObject({ acked: true });
    await expectOneFinalReply('sm.2');
    await waitFor(
      () => (socket.opened() === openedBefore + 1 && socket.live().length === 2 ? true : undefined),
      'the reconnect',
      30_000,
      () => bot.output().slice(-3000),
    );
  });

  it('a command that arrives just before its connection is refreshed runs once and gets one reply', async () => {
    await waitFor(() => (socket.live().length === 2 ? true : undefined), 'two live connections', 30_000);
    const [first, second] = socket.live();
    // The envelope and the disconnect arrive together: the ack cannot go out on a closing connection.
    const lost = socket.sendSlashCommandThenDisconnect(
      slashPayload('sm.3', '/deploy', 'httpbackend subnet=tenant-b'),
      first!,
    );
    expect(await lost.outcome).toEqual({ acked: false, error: 'operation_timeout' });
    // Slack showed the user a failure, so nothing of that command may run or be posted.
    await waitForOutput(bot, /ack not sent \(Socket Mode connection closing\): job withdrawn/, 10_000);
    expect(await probe.exists('netops:job:sm.3'), bot.output().slice(-2500)).toBe(0);
    expect(await probe.exists('netops:netops-write:sm.3')).toBe(0);
    // The user sends it again (a new trigger_id), on the connection that is still open: it runs once.
    const again = socket.sendSlashCommand(slashPayload('sm.4'), second);
    expect(await again.outcome).toMatchObject({ acked: true });
    await expectOneFinalReply('sm.4');
    expect(repliesFor('/deploy httpbackend')).toEqual([]);
    const replies = [...webApi.messages.values()].filter(
      (m) => JSON.stringify(m.blocks).includes('sm.4') || m.text.includes('history weave'),
    );
    expect(replies.length).toBeGreaterThan(0);
    // Job records only (the notifier keeps per-job delivery keys beside them).
    const jobKeys = (await probe.keys('netops:job:sm.*')).filter((k) => /^netops:job:sm\.\d+$/.test(k)).sort();
    expect(jobKeys).toEqual(['netops:job:sm.1', 'netops:job:sm.2', 'netops:job:sm.4']);
  });
});
