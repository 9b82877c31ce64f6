import { describe, expect, it } from 'vitest';
import { renderSlackMessage, renderSlackThread, type SlackBlock } from '../../../../src/chat/render/render-slack.js';
import type { Report, ReportBlock, StatusView } from '../../../../src/report/model.js';

const base: StatusView = { jobId: 'j1', state: 'queued', commandText: '/deploy web subnet=tenant-b', userId: 'U123' };

const reportOf = (blocks: ReportBlock[], thread?: ReportBlock[]): Report => ({
  command: 'deploy',
  ok: true,
  title: 'deploy web: healthy',
  blocks,
  ...(thread ? { thread } : {}),
});

function sectionText(block: SlackBlock | undefined): string {
  if (block?.type !== 'section' || !('text' in block)) throw new Error(`not a text section: ${JSON.stringify(block)}`);
  return block.text.text;
}

describe('renderSlackMessage: status part', () => {
  it.each([
    [{ state: 'queued' }, '*Queued*'],
    [{ state: 'queued', queuePosition: 2 }, '*Queued (position 2)*'],
    [{ state: 'running', step: 'placing 1/2' }, '*Running: placing 1/2*'],
    [{ state: 'succeeded' }, '*Succeeded*'],
    [{ state: 'failed' }, '*Failed*'],
    [{ state: 'cancelled' }, '*Cancelled*'],
  ] as const)('shows %o as %s', (patch, word) => {
    const { blocks } = renderSlackMessage({ ...base, ...patch });
    expect(sectionText(blocks[0])).toBe(`\`/deploy web subnet=tenant-b\` by <@U123>\n${word}`);
  });

  it('adds elapsed time from the start to the end, or to now while running', () => {
    const started = { ...base, state: 'running' as const, startedAt: 10_000 };
    expect(sectionText(renderSlackMessage(started, undefined, { nowMs: 25_500 }).blocks[0])).toMatch(/· 15s$/);
    expect(sectionText(renderSlackMessage(started).blocks[0])).toMatch(/\*Running\*$/);
    const done = { ...started, state: 'succeeded' as const, finishedAt: 3_730_000 };
    expect(sectionText(renderSlackMessage(done, undefined, { nowMs: 9e12 }).blocks[0])).toMatch(/· 1h 02m$/);
  });

  it('escapes user text and never turns a non-Slack user id into a mention', () => {
    const { blocks, text } = renderSlackMessage({
      ...base,
      commandText: '/deploy <!channel> & `x`',
      userId: '<!here>',
      errorText: 'bad <b>',
    });
    expect(sectionText(blocks[0])).toBe(
      "`/deploy &lt;!channel&gt; &amp; 'x'` by &lt;!here&gt;\n*Queued*\nbad &lt;b&gt;",
    );
    expect(text).toBe('Queued: /deploy &lt;!channel&gt; &amp; `x`');
  });

  it('shows the step history as one context line, newest steps kept when long', () => {
    const short = renderSlackMessage({ ...base, history: ['planned', 'registered'] }).blocks[1];
    expect(short).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Steps: planned → registered' }] });
    const long = renderSlackMessage({ ...base, history: Array.from({ length: 40 }, (_, i) => `step-${i}-done`) });
    const line = long.blocks[1]?.type === 'context' ? long.blocks[1].elements[0]?.text : '';
    expect(line).toMatch(/^Steps: … \d+ earlier → .*step-39-done$/);
    expect(line?.length).toBeLessThanOrEqual(500);
  });
});

describe('renderSlackMessage: report blocks', () => {
  it('maps each kind of block', () => {
    const { blocks, text } = renderSlackMessage(
      { ...base, state: 'succeeded' },
      reportOf([
        { kind: 'heading', text: 'Result' },
        { kind: 'text', text: '*2* healthy' },
        { kind: 'alert', level: 'danger', text: 'leak' },
        { kind: 'alert', level: 'warning', text: 'slow' },
        { kind: 'code', text: 'a\nb' },
        { kind: 'image', path: '/tmp/x/chart.png', title: 'Chart', altText: 'c' },
      ]),
    );
    expect(text).toBe('deploy web: healthy');
    expect(blocks.slice(1)).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Result', emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: '*2* healthy' } },
      { type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: leak' } },
      { type: 'section', text: { type: 'mrkdwn', text: ':warning: slow' } },
      { type: 'section', text: { type: 'mrkdwn', text: '```\na\nb\n```' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'chart: Chart (`chart.png`, in the thread)' }] },
    ]);
  });

  it('renders a table as aligned monospace columns', () => {
    const { blocks } = renderSlackMessage(
      base,
      reportOf([
        {
          kind: 'table',
          columns: ['node', 'ip'],
          rows: [
            ['u1', '10.32.0.1'],
            ['u-long', '10.32.0.22'],
          ],
        },
      ]),
    );
    expect(sectionText(blocks[1])).toBe(
      '```\nnode    ip\n------  ----------\nu1      10.32.0.1\nu-long  10.32.0.22\n```',
    );
  });

  it('splits fields into sections of at most 10', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `k${i}`, value: `v${i}` }));
    const { blocks } = renderSlackMessage(base, reportOf([{ kind: 'fields', fields }]));
    const counts = blocks.slice(1).map((b) => (b.type === 'section' && 'fields' in b ? b.fields.length : -1));
    expect(counts).toEqual([10, 10, 3]);
    expect(JSON.stringify(blocks)).toContain('"*k22*\\nv22"');
  });

  it('cuts long text at 3000 characters on a line boundary and says how much is missing', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `row ${i}`);
    const { blocks } = renderSlackMessage(base, reportOf([{ kind: 'code', text: lines.join('\n') }]));
    const body = sectionText(blocks[1]);
    expect(body.length).toBeLessThanOrEqual(3000);
    expect(body.endsWith('\n```')).toBe(true);
    const shown = body.split('\n').filter((l) => l.startsWith('row ')).length;
    expect(body).toContain(`… ${500 - shown} lines omitted`);
  });

  it('keeps a code fence closed even when the code contains backticks', () => {
    const { blocks } = renderSlackMessage(base, reportOf([{ kind: 'code', text: 'x ``` y' }]));
    expect(sectionText(blocks[1]).match(/```/g)).toHaveLength(2);
  });

  it('caps headings at 150 characters', () => {
    const { blocks } = renderSlackMessage(base, reportOf([{ kind: 'heading', text: 'h'.repeat(400) }]));
    expect(blocks[1]?.type === 'header' && blocks[1].text.text.length).toBe(150);
  });

  it('moves what exceeds 50 blocks into the thread and says so', () => {
    const many = Array.from({ length: 70 }, (_, i): ReportBlock => ({ kind: 'text', text: `item ${i}` }));
    const r = reportOf(many, [{ kind: 'text', text: 'thread item' }]);
    const { blocks } = renderSlackMessage({ ...base, history: ['a'] }, r);
    expect(blocks).toHaveLength(50);
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '… 23 more blocks in the thread' }],
    });
    const thread = renderSlackThread(r).flat();
    expect(thread.map(sectionText)).toEqual([
      ...many.slice(47).map((b) => (b.kind === 'text' ? b.text : '')),
      'thread item',
    ]);
  });

  it.each([
    ['quotes and ampersands', '"&'],
    ['ampersands', '&'],
    ['control characters', '\u0007'],
  ])('stays within every limit with worst-case status text and a full report (%s)', (_, unit) => {
    const hostile = (n: number) => unit.repeat(n);
    const status: StatusView = {
      ...base,
      state: 'running',
      commandText: hostile(2000),
      step: hostile(2000),
      userId: hostile(100),
      history: Array.from({ length: 100 }, () => hostile(200)),
      errorText: hostile(5000),
    };
    const blocks = Array.from({ length: 60 }, (): ReportBlock => ({ kind: 'text', text: hostile(2000) }));
    const message = renderSlackMessage(status, reportOf(blocks));
    expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(12_000);
    expect(sectionText(message.blocks[0]).length).toBeLessThanOrEqual(3000);
    expect(message.blocks.at(-1)?.type).toBe('context');
  });
});

describe('renderSlackThread', () => {
  it('is empty when the report has no thread and nothing overflowed', () => {
    expect(renderSlackThread(reportOf([{ kind: 'text', text: 'x' }]))).toEqual([]);
  });

  it('chunks long threads into messages of at most 50 blocks', () => {
    const thread = Array.from({ length: 120 }, (_, i): ReportBlock => ({ kind: 'text', text: `t${i}` }));
    expect(renderSlackThread(reportOf([], thread)).map((m) => m.length)).toEqual([50, 50, 20]);
  });
});
