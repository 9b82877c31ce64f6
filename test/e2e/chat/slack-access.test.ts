import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalStore } from '../../../src/stores/approval-store.js';
import { type HttpBot, startHttpBot } from '../../helpers/http-bot.js';
import { blockActionBody } from '../../helpers/slack-actions.js';
import type { SlackApiStub } from '../../helpers/slack-api-stub.js';
import { signSlackRequest, slashCommandBody } from '../../helpers/slack-signing.js';
import type { SpawnedProcess } from '../../helpers/spawn-bot.js';

const SECRET = 'e2e-access-signing-secret-0123456789';
const TOKEN = 'xoxb-e2e-access-0000-token';

let env: HttpBot;
let slack: SlackApiStub;
let bot: SpawnedProcess;
let port: number;
let probe: Redis;

// The example config's own policy: viewer, operator, approver, admin; C0OPS allows all, C0DEV only some.
beforeAll(async () => {
  env = await startHttpBot({ secret: SECRET, token: TOKEN });
  ({ slack, bot, port } = env);
  probe = new Redis(env.redisUrl);
});

afterAll(async () => {
  probe?.disconnect();
  await env?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const jobKeys = async () => (await probe.keys('netops:job:*')).filter((k) => !k.endsWith(':report'));
let trigger = 0;

async function command(text: string, userId: string, channelId = 'C0OPS') {
  const [cmd = '', ...rest] = text.split(' ');
  const body = slashCommandBody({
    command: cmd,
    text: rest.join(' '),
    triggerId: `acc.${++trigger}`,
    userId,
    channelId,
  });
  const res = await fetch(`http://127.0.0.1:${port}/slack/commands`, {
    method: 'POST',
    body,
    headers: signSlackRequest(SECRET, body, now()),
  });
  return { status: res.status, text: (await res.text()).replaceAll('&lt;', '<').replaceAll('&gt;', '>') };
}

async function press(body: string, headers = signSlackRequest(SECRET, body, now())) {
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body, headers });
  return res.status;
}

/** A press as Slack sends it, with a live response_url of the stand-in (the bot answers the presser through it). */
function pressBody(actionId: string, value: string, userId: string): string {
  const responseUrl = slack.issueResponseUrl({ kind: 'action', channel: 'C0OPS', user: userId, messageTs: '1.000001' });
  return blockActionBody({ actionId, value, userId, responseUrl });
}

/** The ephemeral answer the presser got after `after` (ephemerals so far), through the press's response_url. */
async function ephemeralFor(userId: string, after: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const answer = slack.ephemerals.slice(after).find((e) => e.user === userId && e.via === 'response_url');
    if (answer) return answer.text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ephemeral answer for ${userId}:\n${bot.output().slice(-2000)}`);
}

describe('access over the real Slack HTTP path (deny by default, example policy)', () => {
  it.each([
    ['an unknown user', '/status', 'U0STRANGER', 'C0OPS', /<@U0STRANGER> has no role in netops-bot/],
    ['an unconfigured channel', '/status', 'U0OPERATOR', 'C0ELSEWHERE', /channel \(C0ELSEWHERE\) is not configured/],
    [
      'a tenant the channel does not allow',
      '/deploy httpbackend subnet=tenant-b',
      'U0OPERATOR',
      'C0DEV',
      /\/deploy in tenant tenant-b is not allowed in this channel \(C0DEV\)/,
    ],
    [
      'a role without the command',
      '/deploy httpbackend subnet=tenant-b',
      'U0VIEWER',
      'C0OPS',
      /<@U0VIEWER> has no role that allows \/deploy; roles: viewer/,
    ],
    ['a non-admin asking for the audit', '/audit', 'U0OPERATOR', 'C0OPS', /\/audit is for admins/],
  ])('refuses %s in the ack and queues nothing', async (_name, text, userId, channelId, message) => {
    const before = await jobKeys();
    const res = await command(text, userId, channelId);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(message);
    expect(await jobKeys()).toEqual(before);
  });

  it('/help lists only what the caller may run', async () => {
    const viewer = await command('/help', 'U0VIEWER');
    expect(viewer.text).toContain('/isolation-check');
    expect(viewer.text).not.toContain('/deploy');
    const operator = await command('/help', 'U0OPERATOR');
    expect(operator.text).toContain('/deploy');
    expect(operator.text).not.toContain('/audit');
    const stranger = await command('/help', 'U0STRANGER');
    expect(stranger.text).toMatch(/no role in netops-bot/);
  });

  it('rejects an unsigned or tampered button payload with 401 and decides nothing', async () => {
    const approvals = createApprovalStore(probe);
    const a = await approvals.save({
      jobId: 'plan-tamper',
      commandName: 'deploy',
      commandText: '/deploy httpbackend subnet=tenant-b',
      args: { job: 'httpbackend', tenant: 'tenant-b' },
      requester: { userId: 'U0OPERATOR', channelId: 'C0OPS' },
      reply: { kind: 'slack', channel: 'C0OPS' },
      tenant: 'tenant-b',
      nomadJobId: 'httpbackend-tenant-b',
      jobJson: '{}',
      templateJson: '{}',
      jobModifyIndex: 1,
      planHash: 'feedface',
      planLines: [],
      createdAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    const body = blockActionBody({ actionId: 'netops_approve', value: a.id, userId: 'U0APPROVER' });
    expect(await press(body, { 'content-type': 'application/x-www-form-urlencoded' })).toBe(401);
    const signed = signSlackRequest(SECRET, body, now());
    const tampered = body.replace('U0APPROVER', 'U0APPROVES');
    expect(await press(tampered, signed)).toBe(401);
    expect(await press(body, signSlackRequest(SECRET, body, now() - 600))).toBe(401);
    expect((await approvals.get(a.id))?.status).toBe('pending');
    expect(await probe.exists(`netops:job:apply-${a.id}`)).toBe(0);
  });

  it('signed presses: the requester and a viewer are told why not; an expired approval stays undecided', async () => {
    const approvals = createApprovalStore(probe);
    const base = {
      jobId: 'plan-x',
      commandName: 'deploy',
      commandText: '/deploy httpbackend subnet=tenant-b',
      args: { job: 'httpbackend', tenant: 'tenant-b' },
      requester: { userId: 'U0OPERATOR', channelId: 'C0OPS' },
      reply: { kind: 'slack' as const, channel: 'C0OPS' },
      tenant: 'tenant-b',
      nomadJobId: 'httpbackend-tenant-b',
      jobJson: '{}',
      templateJson: '{}',
      jobModifyIndex: 1,
      planHash: 'feedface',
      planLines: [],
      createdAt: Date.now(),
    };
    const a = await approvals.save({ ...base, expiresAt: Date.now() + 60_000 });
    let mark = slack.ephemerals.length;
    const self = pressBody('netops_approve', a.id, 'U0OPERATOR');
    expect(await press(self)).toBe(200);
    expect(await ephemeralFor('U0OPERATOR', mark)).toMatch(/a different user with the approver role must approve/);
    mark = slack.ephemerals.length;
    const viewer = pressBody('netops_approve', a.id, 'U0VIEWER');
    expect(await press(viewer)).toBe(200);
    expect(await ephemeralFor('U0VIEWER', mark)).toMatch(/needs the approver role/);
    expect((await approvals.get(a.id))?.status).toBe('pending');

    const old = await approvals.save({ ...base, expiresAt: Date.now() - 1_000 });
    mark = slack.ephemerals.length;
    const late = pressBody('netops_approve', old.id, 'U0APPROVER');
    expect(await press(late)).toBe(200);
    expect(await ephemeralFor('U0APPROVER', mark)).toMatch(/expired at .*nothing was applied/);
    expect((await approvals.get(old.id))?.status).toBe('pending');
    expect(await probe.exists(`netops:job:apply-${old.id}`)).toBe(0);

    mark = slack.ephemerals.length;
    const reject = pressBody('netops_reject', a.id, 'U0APPROVER');
    expect(await press(reject)).toBe(200);
    // No plan message exists for this hand-made approval, so the decision is told to the presser alone.
    expect(await ephemeralFor('U0APPROVER', mark)).toMatch(/Rejected by <@U0APPROVER>/);
    expect(await approvals.get(a.id)).toMatchObject({ status: 'rejected', decidedBy: 'U0APPROVER' });
    mark = slack.ephemerals.length;
    const replay = pressBody('netops_approve', a.id, 'U0APPROVER');
    expect(await press(replay)).toBe(200);
    expect(await ephemeralFor('U0APPROVER', mark)).toMatch(/already rejected/);
    // Never through chat.postEphemeral, which needs the bot in the channel.
    expect(slack.calls.filter((c) => c.method === 'chat.postEphemeral')).toEqual([]);
  });
});
