import { describe, expect, it } from 'vitest';
import { toAckResponse } from '../../../../src/chat/slack/slack-ack.js';
import { buildHelpReport, commandRegistry } from '../../../../src/commands/index.js';
import type { Report } from '../../../../src/report/model.js';
import { checkBlocks } from '../../../helpers/slack-stand-in/block-limits.js';

const sectionTexts = (blocks: unknown[]) =>
  blocks.flatMap((b) => {
    const text = (b as { text?: { text?: unknown } }).text?.text;
    return typeof text === 'string' ? [text] : [];
  });
const decodeEntities = (s: string) => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

describe('the ack of an answer', () => {
  it('/help for a user allowed every command lists all of them, within Slack limits', () => {
    const ack = toAckResponse({ kind: 'answer', report: buildHelpReport(commandRegistry) as unknown as Report });
    const blocks = ack.blocks ?? [];
    expect(checkBlocks(blocks)).toBeUndefined();
    const texts = sectionTexts(blocks);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(3000);
    const shown = decodeEntities(texts.join('\n'));
    expect(shown).not.toMatch(/lines? omitted/);
    for (const spec of commandRegistry.all()) expect(shown).toContain(spec.usage);
    // The table continues in a second section under the same header rather than dropping rows.
    expect(texts.filter((t) => t.startsWith('```\ncommand')).length).toBeGreaterThan(1);
  });

  it('keeps a large answer within the message budget and says how much did not fit', () => {
    const report: Report = {
      command: 'jobs',
      ok: true,
      title: 'a <big> & long answer',
      blocks: Array.from({ length: 80 }, (_, i) => ({ kind: 'text' as const, text: `line ${i} ${'x'.repeat(200)}` })),
    };
    const ack = toAckResponse({ kind: 'answer', report });
    expect(checkBlocks(ack.blocks)).toBeUndefined();
    expect(JSON.stringify(ack.blocks)).toMatch(/… \d+ more blocks do not fit here/);
    expect(ack.text).toBe('a &lt;big&gt; &amp; long answer');
  });
});
