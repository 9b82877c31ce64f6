import { describe, expect, it } from 'vitest';
import { createConsoleNotifier } from '../../../../src/chat/console/console-notifier.js';
import type { Report, StatusView } from '../../../../src/report/model.js';

const queued: StatusView = { jobId: 'j1', state: 'queued', commandText: '/cni-bench weave', userId: 'local' };
const report: Report = { command: 'cni-bench', ok: true, title: 'done', blocks: [{ kind: 'text', text: 'tcp good' }] };

describe('createConsoleNotifier', () => {
  it('prints each state change once and the full result at the end', async () => {
    const out: string[] = [];
    let nowMs = 5_000;
    const notifier = createConsoleNotifier({ write: (t) => out.push(t), nowMs: () => nowMs });
    const ref = await notifier.post({ channel: 'console', userId: 'local' }, queued);
    expect(ref).toEqual({ channel: 'console', ts: '1' });
    const running = { ...queued, state: 'running' as const, step: 'tcp 1/3', startedAt: 1_000 };
    await notifier.update(ref, running);
    nowMs = 8_000;
    await notifier.update(ref, running);
    await notifier.update(ref, { ...running, step: 'udp 2/3' });
    const done = { ...running, state: 'succeeded' as const, finishedAt: 21_000 };
    await notifier.update(ref, done, report);
    await notifier.update(ref, done, report);
    expect(notifier.detailParts(ref, report)).toEqual([]);
    expect(out).toEqual([
      '[1] /cni-bench weave\n',
      '[1] Queued\n',
      '[1] Running: tcp 1/3 · 4.0s\n',
      '[1] Running: udp 2/3 · 7.0s\n',
      '/cni-bench weave by local\nSucceeded · 20s\n\ntcp good\n',
    ]);
  });

  it('numbers each reply', async () => {
    const notifier = createConsoleNotifier({ write: () => {} });
    const a = await notifier.post({ channel: 'console', userId: 'u' }, queued);
    const b = await notifier.post({ channel: 'console', userId: 'u' }, queued);
    expect([a.ts, b.ts]).toEqual(['1', '2']);
  });
});
