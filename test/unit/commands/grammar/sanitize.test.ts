import { describe, expect, it } from 'vitest';
import { sanitizeText } from '../../../../src/commands/grammar/sanitize.js';

describe('sanitizeText', () => {
  it.each([
    ['link with label', '/isolation-check <http://a1|a1> b1', '/isolation-check a1 b1'],
    ['bare link', 'see <http://x.example/y>', 'see http://x.example/y'],
    ['https link with different label', '<https://a.b/c?d=1|a.b>', 'a.b'],
    ['mailto with label', '<mailto:a@b|a@b>', 'a@b'],
    ['mailto without label', '<mailto:a@b>', 'a@b'],
    ['user mention with name', '<@U123|ann>', '@ann'],
    ['user mention without name', '<@U123>', '@U123'],
    ['mention as user= keeps the member id', '/audit user=<@U0ANN|ann> 5', '/audit user=U0ANN 5'],
    ['Grid mention as user= keeps the id', '/netops audit user=<@W0123ABC>', '/netops audit user=W0123ABC'],
    ['mention elsewhere reads as the name', '/lock t1 ask <@U0ANN|ann>', '/lock t1 ask @ann'],
    ['only a whole user= option', '/lock t1 xuser=<@U0ANN|ann>', '/lock t1 xuser=@ann'],
    ['channel with name', '<#C123|chan>', '#chan'],
    ['channel without name', '<#C123>', '#C123'],
    ['special here', '<!here>', '@here'],
    ['special channel', '<!channel>', '@channel'],
    ['user group', '<!subteam^S1|@ops>', '@ops'],
    ['entities', 'a &amp; b &lt;c&gt;', 'a & b <c>'],
    ['entities decoded once, after links', '&lt;http://x|y&gt; &amp;lt;', '<http://x|y> &lt;'],
    ['smart double quotes', '“a b” „c‟', '"a b" "c"'],
    ['smart single quotes and prime', '‘a’ ′b′', "'a' 'b'"],
    ['nbsp and unicode spaces', 'a\u00A0b\u2003c\u202Fd\u205Fe\u3000f', 'a b c d e f'],
    ['zero-width removed', 'we\u200Bave\u200C\u200D\uFEFF', 'weave'],
    ['bidi controls removed', 'a\u202Eb\u2066c', 'abc'],
    ['control characters removed', 'a\u0000b\u0007c\u007Fd\u009Be', 'abcde'],
    ['newlines and tabs become spaces', 'a\nb\tc\r\nd', 'a b c  d'],
    ['trimmed', '  \u00A0 /status \u3000 ', '/status'],
    ['unchanged plain text', '/deploy httpbackend subnet=tenant-b', '/deploy httpbackend subnet=tenant-b'],
    ['emoji kept', 'ok 🚀', 'ok 🚀'],
    ['lone angle bracket kept', 'a < b', 'a < b'],
    ['angle brackets that are not Slack markup kept', 'a <b> c<d|e>', 'a <b> c<d|e>'],
    ['brackets with spaces are not a link', '<http://x y>', '<http://x y>'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  it('is linear on hostile markup (100 k unmatched brackets)', () => {
    const started = performance.now();
    sanitizeText('<'.repeat(50_000) + '|'.repeat(50_000));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
