import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PUBLIC_SCOPES, report, useNotifyHarness } from './notify-harness.js';

// Replies where the bot is not a member: the command's response_url (5 uses, 30 minutes), and approval presses.
const h = useNotifyHarness();

describe('notify worker through response URLs, against the strict Slack stand-in', () => {
  it('a command from a private channel the bot is not in gets its result through response_url', async () => {
    await h.start();
    const jobId = await h.run(
      'G0PRIVATE',
      async (ctx) => {
        for (let i = 1; i <= 5; i++) await ctx.progress(`step ${i}/5`);
        return report();
      },
      'stand-in',
    );
    await h.settled(jobId);
    // One refused attempt in the channel, nothing posted there, then answers through the response URL only.
    expect(h.method('chat.postMessage')).toHaveLength(1);
    expect(h.slack().messages.size).toBe(0);
    const answers = h.slack().ephemerals.filter((e) => e.user === 'U0ANN' && !e.deleted);
    expect(answers).toHaveLength(1);
    const shown = JSON.stringify(answers[0]?.blocks);
    expect(shown).toContain('*Succeeded*');
    expect(shown).toContain('all good');
    expect(shown).toContain('invite it with `/invite @netops`');
    const url = h.slack().responseUrls[0]!;
    expect(url.uses).toBeLessThanOrEqual(5);
    expect(url.requests.every((r) => r.status === 200 && r.body.replace_original === true)).toBe(true);
    // The whole result is also there for the asking, answered to the user alone (an ack needs no membership).
    const ask = (userId: string) =>
      h.runtime().chat.intake({
        text: `/jobs ${jobId}`,
        userId,
        channelId: 'G0PRIVATE',
        requestId: randomUUID(),
        reply: { kind: 'slack', channel: 'G0PRIVATE' },
      });
    const mine = await ask('U0ANN');
    expect(mine.kind === 'answer' && JSON.stringify(mine.report.blocks)).toContain('all good');
    const theirs = await ask('U0BOB');
    expect(theirs.kind === 'answer' && theirs.report.title).toMatch(/started by someone else/);
  });

  it("an approval decision replaces the plan's buttons through the press's response_url", async () => {
    await h.start({ scopes: PUBLIC_SCOPES });
    const rt = h.runtime();
    const planJobId = `plan-${randomUUID().slice(0, 8)}`;
    const approval = await rt.stores.approvals.save({
      jobId: planJobId,
      commandName: 'deploy',
      commandText: '/deploy httpbackend subnet=tenant-b',
      args: { job: 'httpbackend', tenant: 'tenant-b' },
      requester: { userId: 'U0ANN', channelId: 'C0PUBLIC' },
      reply: { kind: 'slack', channel: 'C0PUBLIC' },
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
    const planJob = await h.run(
      'C0PUBLIC',
      async () =>
        report({ title: 'deploy: awaiting approval', blocks: [{ kind: 'actions', approvalId: approval.id }] }),
      undefined,
      planJobId,
    );
    await h.settled(planJob);
    const plan = (await rt.stores.jobs.get(planJob))!.messageTs!;
    expect(JSON.stringify(h.slack().messages.get(plan)?.blocks)).toContain('netops_reject');
    const updatesBefore = h.method('chat.update').length;
    const press = h.slack().issueResponseUrl({ kind: 'action', channel: 'C0PUBLIC', user: 'U0ANN', messageTs: plan });
    const decided = await rt.chat.decideApproval({
      approvalId: approval.id,
      decision: 'reject',
      userId: 'U0ANN',
      channelId: 'C0PUBLIC',
      reply: { kind: 'slack', channel: 'C0PUBLIC' },
      respond: { url: press, kind: 'action', expiresAt: Date.now() + 30 * 60_000 },
    });
    expect(decided, JSON.stringify(decided)).toMatchObject({ ok: true, planUpdated: true });
    await h.waitFor(() => h.slack().responseUrls.find((u) => u.url === press)?.uses === 1 || undefined, 'the replace');
    await h.settled(planJob);
    const shown = JSON.stringify(h.slack().messages.get(plan)?.blocks);
    expect(shown).toContain('Rejected by');
    expect(shown).not.toContain('netops_reject');
    expect(h.method('chat.update')).toHaveLength(updatesBefore);
    expect(h.method('chat.postEphemeral')).toEqual([]);
  });

  it('tells the user where the result will be when the response URL closes on a job that sits still', async () => {
    await h.start();
    const url = h.slack().issueResponseUrl({ kind: 'command', channel: 'G0PRIVATE', user: 'U0ANN' });
    const requests = () => h.slack().responseUrls[0]!.requests.map((r) => JSON.stringify(r.body.blocks));
    const jobId = await h.run(
      'G0PRIVATE',
      async (ctx) => {
        await ctx.progress('waiting for a slow host');
        // No progress at all until the notice has gone out: it comes from time alone.
        await h.waitFor(() => requests().some((t) => t.includes('for 30 minutes only')), 'the notice');
        return report();
      },
      // The window closes 5 minutes after now + 1.5 s: the notice is due 1.5 s into the job.
      { url, kind: 'command', expiresAt: Date.now() + 5 * 60_000 + 1_500 },
    );
    await h.settled(jobId);
    const sent = requests();
    expect(sent[0]).not.toContain('for 30 minutes only');
    expect(sent.filter((t) => t.includes(`see its result with \`/jobs ${jobId}\``)).length).toBeGreaterThan(0);
    expect(sent.at(-1)).toContain('*Succeeded*');
    expect(sent.length).toBeLessThanOrEqual(5);
  });

  it('warns where the result will be when the response URL closes before the job ends; an expired one posts nothing', async () => {
    await h.start();
    const url = h.slack().issueResponseUrl({ kind: 'command', channel: 'G0PRIVATE', user: 'U0ANN' });
    const closing = await h.run(
      'G0PRIVATE',
      async (ctx) => {
        await ctx.progress('working');
        // Still running when the first answer goes out.
        await h.waitFor(() => h.slack().responseUrls[0]!.requests.length > 0, 'the first answer');
        return report();
      },
      { url, kind: 'command', expiresAt: Date.now() + 4 * 60_000 },
    );
    await h.settled(closing);
    const texts = h.slack().responseUrls[0]!.requests.map((r) => JSON.stringify(r.body.blocks));
    expect(texts.some((t) => t.includes(`see its result with \`/jobs ${closing}\``))).toBe(true);
    expect(texts.at(-1)).toContain('*Succeeded*');

    const expired = await h.run('G0PRIVATE', async () => report(), {
      url: h.slack().issueResponseUrl({ kind: 'command', channel: 'G0PRIVATE', user: 'U0ANN' }),
      kind: 'command',
      expiresAt: Date.now() - 1,
    });
    await h.settled(expired);
    expect(h.slack().responseUrls[1]!.requests).toEqual([]);
  });
});
