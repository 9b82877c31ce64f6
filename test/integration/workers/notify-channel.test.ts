import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLIC_SCOPES, png, report, useNotifyHarness } from './notify-harness.js';

// Replies in channels: pacing and coalescing, 429s, detail parts posted once, refused messages and charts.
const h = useNotifyHarness();

/**
 * The pacer reserves one slot a second per message and per channel; a call may leave a little after its slot on a
 * busy machine, so the gaps seen by Slack vary by that much. Over the run the pace holds: (n-1) seconds from
 * first to last, less the lateness of the first call, and no two calls close together.
 */
function expectPacedAboutOneASecond(at: number[]) {
  for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(500);
  if (at.length > 1) expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual((at.length - 1) * 1_000 - 400);
}

describe('notify worker in channels, against the strict Slack stand-in', () => {
  it('a chart refused for membership is posted zero times and reported once; no orphan file is left', async () => {
    await h.start({ scopes: PUBLIC_SCOPES });
    const chart = join(h.dir(), 'weave-vs-bare.png');
    await writeFile(chart, png);
    const jobId = await h.run('C0PUBLIC', async () =>
      report({ thread: [{ kind: 'text', text: 'probe detail' }], files: [{ path: chart, title: 'weave' }] }),
    );
    await h.settled(jobId);
    expect(h.slack().uploads).toEqual([]);
    expect(h.method('files.getUploadURLExternal')).toHaveLength(1);
    expect(h.method('files.completeUploadExternal')).toHaveLength(1);
    expect(h.slack().orphanFiles()).toEqual([]);
    // The thread detail was posted once (chat:write.public covers messages in a public channel).
    const thread = [...h.slack().messages.values()].filter((m) => m.threadTs !== undefined);
    expect(thread).toHaveLength(1);
    const final = JSON.stringify((await h.messageOf(jobId))?.blocks);
    expect(final.match(/chart `weave-vs-bare.png` could not be posted/g)).toHaveLength(1);
    expect(final).toContain('/invite @netops');
  });

  it('a 30-step job stays under Slack update tier: updates coalesce, the final state is delivered', async () => {
    await h.start();
    const jobId = await h.run('C0OPS', async (ctx) => {
      for (let i = 1; i <= 30; i++) {
        await ctx.progress(`placing ${i}/30`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return report();
    });
    await h.settled(jobId);
    const updates = h.method('chat.update');
    expect(h.slack().rateLimited).toEqual([]);
    // 30 steps in ~1.5 s: about one render per second, never one per step.
    expect(updates.length).toBeLessThanOrEqual(6);
    expectPacedAboutOneASecond(updates.map((u) => u.at));
    expect(JSON.stringify((await h.messageOf(jobId))?.blocks)).toContain('*Succeeded*');
    expect(h.method('chat.postMessage')).toHaveLength(1);
  });

  it('replies to many commands in one channel are posted about one a second, each once, without a 429', async () => {
    await h.start();
    const jobs = await Promise.all(Array.from({ length: 6 }, () => h.run('C0OPS', async () => report())));
    for (const jobId of jobs) await h.settled(jobId);
    const posts = h.method('chat.postMessage');
    expect(posts).toHaveLength(6);
    expectPacedAboutOneASecond(posts.map((p) => p.at));
    expect(h.slack().rateLimited).toEqual([]);
    for (const jobId of jobs) expect(JSON.stringify((await h.messageOf(jobId))?.blocks)).toContain('*Succeeded*');
  });

  it('a 429 delays that channel only', async () => {
    await h.start();
    let refused = false;
    h.slack().intercept((call) => {
      if (call.method !== 'chat.update' || call.body.channel !== 'C0OPS' || refused) return undefined;
      refused = true;
      return { status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } };
    });
    const slow = await h.run('C0OPS', async (ctx) => {
      await ctx.progress('one');
      return report();
    });
    await h.waitFor(() => refused, 'the 429 in C0OPS');
    const other = await h.run('C0B', async (ctx) => {
      await ctx.progress('two');
      return report();
    });
    await h.settled(other);
    const otherDone = h
      .method('chat.update')
      .filter((c) => c.body.channel === 'C0B')
      .at(-1)!.at;
    await h.settled(slow);
    const retried = h.method('chat.update').filter((c) => c.body.channel === 'C0OPS');
    // C0B finished while C0OPS waited out its Retry-After; C0OPS then got its final state.
    expect(retried.at(-1)!.at).toBeGreaterThan(otherDone);
    expect(retried.at(-1)!.at - retried[0]!.at).toBeGreaterThanOrEqual(2_900);
    expect(JSON.stringify((await h.messageOf(slow))?.blocks)).toContain('*Succeeded*');
  });

  it('a final message Slack refuses is replaced by a plain one with the result, not left at Running', async () => {
    await h.start();
    // An empty text block renders an empty section: Slack answers invalid_blocks.
    const jobId = await h.run('C0OPS', async () => report({ blocks: [{ kind: 'text', text: '' }] }));
    await h.settled(jobId);
    const shown = JSON.stringify((await h.messageOf(jobId))?.blocks);
    expect(shown).toContain('*Succeeded*');
    expect(shown).toContain('status: all good');
    expect(shown).toContain(`see it with \`/jobs ${jobId}\``);
  });

  it('a 429 on a later thread message never posts an earlier one twice', async () => {
    await h.start();
    const thread = Array.from({ length: 60 }, (_, i) => ({ kind: 'text' as const, text: `detail ${i}` }));
    let refusals = 0;
    h.slack().intercept((call) => {
      if (call.method !== 'chat.postMessage' || !call.body.thread_ts) return undefined;
      if (!JSON.stringify(call.body.blocks).includes('detail 50') || refusals > 0) return undefined;
      refusals += 1;
      return { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
    });
    const jobId = await h.run('C0OPS', async () => report({ thread }));
    await h.settled(jobId);
    expect(refusals).toBe(1);
    const posted = [...h.slack().messages.values()].filter((m) => m.threadTs !== undefined).map((m) => m.text);
    expect(posted).toEqual(['Details (1/2)', 'Details (2/2)']);
  });
});
