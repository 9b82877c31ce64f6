import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest, slashCommandBody } from '../helpers/slack-signing.js';
import { type HttpBot, SECRET, startHttpBot } from './receiver-harness.js';

let http: HttpBot;
let probe: Redis;
beforeAll(async () => {
  http = await startHttpBot();
  probe = new Redis(http.redisUrl);
});
afterAll(async () => {
  probe?.disconnect();
  await http?.close();
});

const now = () => Math.floor(Date.now() / 1000);
async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`http://127.0.0.1:${http.port}/slack/commands`, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text() };
}
/** The job of an ack: `as job `id`` when queued, `job `id` is on it` for a duplicate. */
const idOf = (text: string) => /job `([^`]+)`/.exec(text)?.[1];
const tally: Record<string, number> = {};
const count = (family: string) => {
  tally[family] = (tally[family] ?? 0) + 1;
};
afterAll(() => console.log(`hostile receiver replay/identity: ${JSON.stringify(tally)}`));

describe('hostile receiver: replays and identity (family "replay")', () => {
  it('replay: a signed /lock replayed after /unlock is answered, not run again', async () => {
    const lock = slashCommandBody({ command: '/netops', text: 'lock tenant-b', triggerId: 'lock.replay.1' });
    const lockHeaders = signSlackRequest(SECRET, lock, now());
    expect((await post(lock, lockHeaders)).text).toMatch(/locked|frozen/i);
    const unlock = slashCommandBody({ command: '/netops', text: 'unlock tenant-b', triggerId: 'unlock.replay.1' });
    expect((await post(unlock, signSlackRequest(SECRET, unlock, now()))).status).toBe(200);
    const replay = await post(lock, lockHeaders);
    expect(replay.status).toBe(200);
    expect(replay.text).toMatch(/already handled/);
    expect(await probe.exists('netops:tenant-lock:tenant-b')).toBe(0);
    count('replay');
  });

  it('replay: a request without trigger_id, posted twice with the same signature, makes one job', async () => {
    const fields = new URLSearchParams(slashCommandBody({ command: '/netops', text: 'status', triggerId: 'x' }));
    fields.delete('trigger_id');
    const body = fields.toString();
    const headers = signSlackRequest(SECRET, body, now());
    const first = await post(body, headers);
    const second = await post(body, headers);
    expect(idOf(first.text)).toMatch(/^req-[0-9a-f]{32}$/);
    expect(second.text).toMatch(/Already received/);
    expect(idOf(second.text)).toBe(idOf(first.text));
    expect(await probe.exists(`netops:job:${idOf(first.text)}`)).toBe(1);
    count('replay');
  });

  it('identity: two users with equal trigger_ids get two jobs', async () => {
    const ann = slashCommandBody({ command: '/netops', text: 'status', triggerId: 'same.trigger.1', userId: 'U0ANN' });
    const bob = slashCommandBody({ command: '/netops', text: 'status', triggerId: 'same.trigger.1', userId: 'U0BOB' });
    const a = await post(ann, signSlackRequest(SECRET, ann, now()));
    const b = await post(bob, signSlackRequest(SECRET, bob, now()));
    expect(idOf(a.text)).toBe('same.trigger.1');
    expect(idOf(b.text)).toMatch(/^same\.trigger\.1-[0-9a-f]{12}$/);
    expect(await probe.hget(`netops:job:${idOf(a.text)}`, 'userId')).toBe('U0ANN');
    expect(await probe.hget(`netops:job:${idOf(b.text)}`, 'userId')).toBe('U0BOB');
    // Bob's replay stays Bob's job.
    const again = await post(bob, signSlackRequest(SECRET, bob, now()));
    expect(again.text).toMatch(/Already received/);
    expect(idOf(again.text)).toBe(idOf(b.text));
    count('identity');
  });

  it('identity: a timestamp a year ahead is refused (401) and nothing is queued', async () => {
    const body = slashCommandBody({ command: '/netops', text: 'status', triggerId: 'future.1' });
    expect((await post(body, signSlackRequest(SECRET, body, now() + 365 * 24 * 3600))).status).toBe(401);
    // 10 s past the 300 s window, not 1: the bot reads its clock after the request travelled, and on a loaded
    // machine a second boundary between the two took a +301 s stamp to exactly 300 s (allowed).
    expect((await post(body, signSlackRequest(SECRET, body, now() + 310))).status).toBe(401);
    expect(await probe.keys('netops:*future.1*')).toEqual([]);
    count('identity');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'identity: user or channel id %s is refused as unknown, never an internal error',
    async (key) => {
      for (const [userId, channelId] of [
        [key, 'C0OPS'],
        ['U0ANN', key],
      ] as const) {
        const body = slashCommandBody({
          command: '/netops',
          text: 'status',
          triggerId: `proto.${key}.${userId}`,
          userId,
          channelId,
        });
        const res = await post(body, signSlackRequest(SECRET, body, now()));
        expect(res.status).toBe(200);
        expect(res.text).not.toMatch(/Internal error/);
        expect(res.text).toMatch(/no role in netops-bot|not configured for netops-bot/);
      }
      count('identity');
    },
  );
});
