import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../../src/chat/render/render-table.js';
import { escapeMrkdwn, stripControlChars, truncateLines } from '../../../../src/chat/render/render-text.js';

describe('truncateLines', () => {
  it('leaves short text alone', () => {
    expect(truncateLines('a\nb', 10)).toBe('a\nb');
  });

  it('drops whole trailing lines and counts them', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(10));
    expect(truncateLines([a, b, c, d].join('\n'), 40)).toBe(`${a}\n${b}\n… 2 lines omitted`);
  });

  it('cuts a single overlong line instead of showing nothing', () => {
    const out = truncateLines('x'.repeat(100), 40);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out).toMatch(/^x+…\n… 1 line omitted$/);
  });

  it('never exceeds the limit and keeps a prefix of the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '\n', 'é'), maxLength: 400 }),
        fc.integer({ min: 25, max: 300 }),
        (text, max) => {
          const out = truncateLines(text, max);
          expect(out.length).toBeLessThanOrEqual(max);
          if (out !== text) {
            const kept = out.replace(/\n?… \d+ lines? omitted$/, '').replace(/…$/, '');
            expect(text.startsWith(kept)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('escaping', () => {
  it('escapes the three Slack control characters', () => {
    expect(escapeMrkdwn('<@U1> & <!channel>')).toBe('&lt;@U1&gt; &amp; &lt;!channel&gt;');
  });

  it('strips terminal escape sequences and control characters but keeps newlines and tabs', () => {
    expect(stripControlChars('a\x1b[31mred\x1b[0m\x07\tb\nc\x1b]')).toBe('ared\tb\nc]');
  });
});

describe('formatTable', () => {
  it('aligns columns under a rule and pads short rows', () => {
    expect(formatTable(['a', 'long'], [['xyz', '1'], ['q']])).toEqual(['a    long', '---  ----', 'xyz  1', 'q']);
  });

  it('flattens multi-line cells so rows stay one line', () => {
    expect(formatTable(['c'], [['one\ntwo']])).toEqual(['c', '-------', 'one two']);
  });
});
