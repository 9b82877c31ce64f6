import { describe, expect, it } from 'vitest';
import { renderConsoleReport } from '../../../../src/chat/render/render-console.js';
import { linkMentions } from '../../../../src/chat/render/render-mentions.js';
import { renderReportBlocks } from '../../../../src/chat/render/render-slack-blocks.js';
import { escapeMrkdwn } from '../../../../src/chat/render/render-text.js';
import { describeUser } from '../../../../src/report/mention.js';

describe('describeUser (the one user-mention builder)', () => {
  it('writes Slack user ids as neutral @id and other identities as they are', () => {
    expect(describeUser('U0ANN')).toBe('@U0ANN');
    expect(describeUser('W0GRID123')).toBe('@W0GRID123');
    expect(describeUser('console')).toBe('console');
    expect(describeUser('u0lower')).toBe('u0lower');
  });

  it('contains no Slack markup', () => {
    expect(describeUser('U0ANN')).not.toMatch(/[<>]/);
  });
});

describe('linkMentions (Slack renderer only)', () => {
  it('turns neutral @id into a Slack mention after escaping, and nothing else', () => {
    expect(linkMentions(escapeMrkdwn('Approved by @U0ANN (and @W0BOB).'))).toBe('Approved by <@U0ANN> (and <@W0BOB>).');
    expect(linkMentions(escapeMrkdwn('mail ops@U0ANN, <!channel>'))).toBe('mail ops@U0ANN, &lt;!channel&gt;');
  });

  it('makes a Slack mention in a rendered report block but plain text on the console', () => {
    const text = `Cancelled by ${describeUser('U0ANN')} before it started.`;
    expect(JSON.stringify(renderReportBlocks([{ kind: 'text', text }]))).toContain('Cancelled by <@U0ANN> before');
    const console = renderConsoleReport({ command: 'x', ok: true, title: 't', blocks: [{ kind: 'text', text }] });
    expect(console).toContain('Cancelled by @U0ANN before');
    expect(console).not.toContain('<@');
  });
});
