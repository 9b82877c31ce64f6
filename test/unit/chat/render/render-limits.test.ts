import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlackBlock } from '../../../../src/chat/render/render-blocks.js';
import { renderSlackMessage, renderSlackThread } from '../../../../src/chat/render/render-slack.js';
import type { Report, ReportBlock, StatusView } from '../../../../src/report/model.js';

// Strings that stress every size rule: long, multi-line, full of characters that grow when escaped.
const hostileChar = fc.constantFrom('a', 'b', ' ', '\n', '&', '<', '>', '"', '\\', '`', '*', 'é', '→', '\u0007');
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: hostileChar, maxLength }),
    fc.nat({ max: 12_000 }).map((n) => 'line of output\n'.repeat(Math.ceil(n / 15))),
  );

const reportBlock: fc.Arbitrary<ReportBlock> = fc.oneof(
  fc.record({ kind: fc.constant('heading' as const), text: text(400) }),
  fc.record({ kind: fc.constant('text' as const), text: text(8000) }),
  fc.record({
    kind: fc.constant('fields' as const),
    fields: fc.array(fc.record({ label: text(100), value: text(3000) }), { maxLength: 30 }),
  }),
  fc.record({
    kind: fc.constant('table' as const),
    columns: fc.array(text(20), { minLength: 1, maxLength: 6 }),
    rows: fc.array(fc.array(text(60), { maxLength: 7 }), { maxLength: 300 }),
    caption: fc.option(text(300), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('alert' as const),
    level: fc.constantFrom('info', 'warning', 'danger'),
    text: text(5000),
  }),
  fc.record({ kind: fc.constant('code' as const), text: text(8000) }),
  fc.record({ kind: fc.constant('image' as const), path: text(200), title: text(200), altText: text(50) }),
) as fc.Arbitrary<ReportBlock>;

const report: fc.Arbitrary<Report> = fc.record({
  command: fc.constant('isolation-check'),
  ok: fc.boolean(),
  title: text(1000),
  blocks: fc.array(reportBlock, { maxLength: 80 }),
  thread: fc.option(fc.array(reportBlock, { maxLength: 80 }), { nil: undefined }),
});

const status: fc.Arbitrary<StatusView> = fc.record({
  jobId: fc.constant('job-1'),
  state: fc.constantFrom('queued', 'running', 'succeeded', 'failed', 'cancelled'),
  commandText: text(2000),
  userId: fc.oneof(fc.constant('U123ABC'), text(100)),
  step: fc.option(text(1000), { nil: undefined }),
  history: fc.option(fc.array(text(300), { maxLength: 100 }), { nil: undefined }),
  queuePosition: fc.option(fc.nat(), { nil: undefined }),
  startedAt: fc.option(fc.nat({ max: 1e12 }), { nil: undefined }),
  errorText: fc.option(text(5000), { nil: undefined }),
});

/** Every Slack limit the renderer promises, checked on one message's blocks. */
function expectWithinLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
  for (const block of blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'section' && 'text' in block) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    if (block.type === 'section' && 'fields' in block) {
      expect(block.fields.length).toBeGreaterThan(0);
      expect(block.fields.length).toBeLessThanOrEqual(10);
      for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'context') for (const el of block.elements) expect(el.text.length).toBeLessThanOrEqual(3000);
  }
}

/** All mrkdwn strings of a message; `<` may only open the mention the renderer itself writes. */
function collectMrkdwn(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section') return 'text' in block ? [block.text.text] : block.fields.map((f) => f.text);
    if (block.type === 'context') return block.elements.map((el) => el.text);
    return [];
  });
}

describe('Slack limits hold for any report and status', () => {
  it('keeps the message within every limit and lets no raw < or > through', () => {
    fc.assert(
      fc.property(status, fc.option(report, { nil: undefined }), fc.nat({ max: 1e12 }), (s, r, nowMs) => {
        const message = renderSlackMessage(s, r, { nowMs });
        expectWithinLimits(message.blocks);
        expect(message.text.length).toBeLessThanOrEqual(1500);
        for (const mrkdwn of collectMrkdwn(message.blocks)) {
          expect(mrkdwn.replace(/<@U123ABC>/g, '')).not.toMatch(/[<>]/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every thread message within the limits and loses no block', () => {
    fc.assert(
      fc.property(report, (r) => {
        const thread = renderSlackThread(r);
        for (const blocks of thread) {
          expect(blocks.length).toBeGreaterThan(0);
          expectWithinLimits(blocks);
        }
        const message = renderSlackMessage({ jobId: 'j', state: 'succeeded', commandText: '/x', userId: 'U1' }, r);
        const notice = message.blocks.at(-1);
        const noticeText = notice?.type === 'context' ? (notice.elements[0]?.text ?? '') : '';
        const overflow = Number(/^… (\d+) more blocks? in the thread$/.exec(noticeText)?.[1] ?? 0);
        const threadOwn = renderSlackThread({ ...r, blocks: [] }).flat().length;
        expect(thread.flat().length).toBe(overflow + threadOwn);
      }),
      { numRuns: 150 },
    );
  });
});
