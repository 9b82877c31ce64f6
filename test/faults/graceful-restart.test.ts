import { describe, expect, it } from 'vitest';
import type { SpawnedProcess } from '../helpers/spawn-bot.js';
import { waitFor } from '../helpers/wait-for.js';
import { useFaultStand } from './fault-stand.js';
import { postSlashCommand } from './slack-client.js';

const COMMANDS = 120;
const CONCURRENCY = 6;
const userOf = (i: number) => `U0G${i % 30}`;

const stand = useFaultStand({
  upstreamMode: 'ok',
  // Every job waits on the cluster a little, so restarts always find jobs in flight.
  upstreamDelayMs: 300,
  config: { users: Array.from({ length: 30 }, (_, i) => userOf(i)) },
  env: { NETOPS_RATE_LIMIT: '600,100' },
});
const start = (entry: 'bot.ts' | 'worker.ts'): Promise<SpawnedProcess> => stand.start(entry);

describe('graceful restarts of the bot and the worker under a stream of commands', () => {
  it('SIGTERM to either process loses no acknowledged command and runs none twice', async () => {
    const { port, probe, slack, upstream } = stand;
    let bot = await start('bot.ts');
    let worker = await start('worker.ts');
    const acked = new Set<string>();
    const unanswered: number[] = [];
    let next = 0;
    const sendOne = async (i: number) => {
      const r = await postSlashCommand(port, { command: '/status', text: '', triggerId: `gr.${i}`, userId: userOf(i) });
      if (r.status === 200 && /Queued|Already received/.test(r.text)) acked.add(`gr.${i}`);
      else unanswered.push(i);
    };
    const stream = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COMMANDS) {
          await sendOne(next++);
          // About 7 commands a second: the stream outlasts both restarts.
          await new Promise((r) => setTimeout(r, 800));
        }
      }),
    );
    // Restart the worker, then the bot, while commands keep coming.
    await waitFor(() => next > COMMANDS / 4, 'a quarter of the stream');
    const workerExit = await worker.stop('SIGTERM');
    expect(workerExit).toBe(0);
    worker = await start('worker.ts');
    await waitFor(() => next > COMMANDS / 2, 'half of the stream');
    expect(await bot.stop('SIGTERM')).toBe(0);
    bot = await start('bot.ts');
    await stream;
    // The bot was down for a moment mid-stream: requests sent then got no answer (how many depends on timing,
    // possibly none). Slack redelivers them (same trigger id) and the bot, back now, takes them. It also
    // redelivers requests that were answered too late for it: three acknowledged ones are sent again, and must
    // be recognised, not run twice (the count of /v1/jobs calls below).
    const redelivered = unanswered.splice(0);
    for (const i of redelivered) await sendOne(i);
    expect(unanswered).toEqual([]);
    expect(acked.size).toBe(COMMANDS);
    for (const i of [0, COMMANDS / 2, COMMANDS - 1]) {
      const again = await postSlashCommand(port, {
        command: '/status',
        text: '',
        triggerId: `gr.${i}`,
        userId: userOf(i),
      });
      expect(again.text).toMatch(/Already received/);
    }

    const ids = [...acked];
    await waitFor(
      async () => {
        const states = await Promise.all(ids.map((id) => probe.hget(`netops:job:${id}`, 'state')));
        return states.every((s) => s === 'succeeded' || s === 'failed');
      },
      'every acknowledged command to finish',
      // A deadline for a hang, not a speed check: in CI this file shares two cores with a lab suite.
      300_000,
      async () => {
        const open = [];
        for (const id of ids) {
          const r = await probe.hgetall(`netops:job:${id}`);
          if (r.state !== 'succeeded' && r.state !== 'failed') open.push(`${id}: ${r.state} ${r.history ?? ''}`);
        }
        return `${open.length} not finished:\n${open.slice(0, 10).join('\n')}\n${worker.output().slice(-3000)}`;
      },
    );
    // Exactly one processor run per command: each /status run lists Nomad nodes once.
    await new Promise((r) => setTimeout(r, 1_000));
    // /status lists Nomad's jobs once per run (worker start-up checks read the nodes too).
    expect(upstream.calls.filter((c) => c.path === '/v1/jobs')).toHaveLength(COMMANDS);
    // All replies go to one channel: Slack takes about one new message a second there and 50 updates a minute
    // per workspace (the bot keeps to both), so 120 replies need two minutes or more.
    await waitFor(
      async () => {
        const ts = await Promise.all(ids.map((id) => probe.hget(`netops:job:${id}`, 'messageTs')));
        return ts.every((t) => t && /Succeeded|Failed/.test(JSON.stringify(slack.messages.get(t)?.blocks)));
      },
      'every reply to show its result',
      COMMANDS * 1_500 + 30_000,
    );
    // Kept to Slack's pace across both restarts: never a 429.
    expect(slack.rateLimited.map((c) => `${c.method} ${c.body.channel}`)).toEqual([]);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts)).toHaveLength(COMMANDS);
    expect(worker.output()).not.toMatch(/"level":50/);
  }, 900_000);
});
