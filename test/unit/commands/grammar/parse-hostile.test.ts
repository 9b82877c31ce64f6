import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/commands/grammar/parse.js';
import { catchUsageError } from '../expect-usage-error.js';

const SHELL_METACHARACTERS = [
  ';',
  '|',
  '&',
  '$',
  '`',
  '<',
  '>',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  "'",
  '"',
  '\\',
  ' ',
  '\n',
  '*',
  '?',
  '~',
  '!',
  '#',
];

// Every position that takes a name or a value; `{}` is where the hostile value goes, the second column is the
// argument name the error must mention.
const NAME_POSITIONS: Array<[string, string]> = [
  ['/deploy {} subnet=t', 'job'],
  ['/deploy web subnet={}', 'subnet'],
  ['/deploy web subnet=t image={}', 'image'],
  ['/deploy web subnet=t count={}', 'count'],
  ['/deploy stop {} subnet=t', 'job'],
  ['/deploy stop web subnet={}', 'subnet'],
  ['/isolation-check {} b1', 'a'],
  ['/isolation-check a1 {}', 'b'],
  ['/isolation-check a1 b1 port={}', 'port'],
  ['/isolation-check a1 b1 proto={}', 'proto'],
  ['/cni-bench {}', 'network'],
  ['/cni-bench weave from={}', 'from'],
  ['/cni-bench weave to={}', 'to'],
  ['/cni-bench weave duration={}', 'duration'],
  ['/cni-bench weave streams={}', 'streams'],
  ['/cni-bench weave repeat={}', 'repeat'],
  ['/cni-bench history {}', 'network'],
  ['/cni-bench history weave limit={}', 'limit'],
  ['/cni-bench compare {} weave flannel', 'network'],
  ['/cni-bench compare weave flannel {}', 'third'],
  ['/jobs limit={}', 'limit'],
  ['/cancel {}', 'job-id'],
  ['/help {}', 'command'],
];

/** Quotes `value` so that it reaches the schema as one token, whatever it contains. */
function quoteWhole(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

describe('parseCommand: hostile input', () => {
  describe.each(NAME_POSITIONS)('%s', (template, argName) => {
    it.each(SHELL_METACHARACTERS.map((ch) => [JSON.stringify(ch), ch]))(
      'rejects %s inside the value, naming %s',
      (_label, ch) => {
        const text = template.replace('{}', quoteWhole(`a1${ch}b`));
        const error = catchUsageError(() => parseCommand(text));
        expect(error.message).toContain(`${argName}: `);
      },
    );

    it('rejects it unquoted too (any UsageError will do)', () => {
      for (const ch of SHELL_METACHARACTERS) {
        catchUsageError(() => parseCommand(template.replace('{}', `a1${ch}b`)));
      }
    });

    it('rejects = inside the value', () => {
      catchUsageError(() => parseCommand(template.replace('{}', 'a1=b')));
    });

    it.each([
      ['emoji', 'web🚀'],
      ['right-to-left script', 'שלום'],
      ['combining mark', 'we\u0301b'],
      ['Cyrillic look-alike', 'wеb'],
      ['fullwidth letters', 'ｗｅｂ'],
      ['HTML entity that decodes to a metacharacter', 'a1&lt;b'],
      ['angle brackets that look like markup', 'a1<x>b'],
      ['angle brackets around the whole value', '<a1>'],
      ['Slack link whose label is hostile', '<http://a1|a1;reboot>'],
      ['command substitution', '$(reboot)'],
      ['option-looking value', '--rm'],
      ['path traversal', '../../etc/passwd'],
    ])('rejects %s', (_label, value) => {
      const error = catchUsageError(() => parseCommand(template.replace('{}', quoteWhole(value))));
      expect(error.message).toContain(`${argName}: `);
    });
  });

  it('rejects 10 KB of text quickly, without echoing it', () => {
    for (const filler of ['x', '🚀', 'a b ', 'שׁ\u0301', '<http://a|a>']) {
      const text = `/deploy ${filler.repeat(Math.ceil(10_240 / filler.length))} subnet=t`;
      const started = performance.now();
      const error = catchUsageError(() => parseCommand(text));
      expect(performance.now() - started).toBeLessThan(200);
      expect(error.userMessage?.length ?? 0).toBeLessThan(200);
    }
  });

  it('rejects 10 MB of text without sanitizing it', () => {
    const error = catchUsageError(() => parseCommand(`/deploy ${'a'.repeat(10 * 1024 * 1024)}`));
    expect(error.message).toContain('command is too long');
  });

  it('echoes at most 40 characters of a bad value, without backticks that would break formatting', () => {
    const error = catchUsageError(() => parseCommand(`/deploy "${'`'.repeat(30)}${'x'.repeat(100)}" subnet=t`));
    const echoed = error.message.split('got ')[1] ?? '';
    expect(echoed.startsWith('`')).toBe(true);
    expect(echoed.slice(1).split('`')[0]).toBe(`${"'".repeat(30)}${'x'.repeat(10)}…`);
  });

  it('rejects a command word in a look-alike script', () => {
    expect(catchUsageError(() => parseCommand('/dеploy web subnet=t')).message).toContain('unknown command');
  });

  it.each([
    ['/deploy stop subnet=t', 'missing <job>'],
    ['/cni-bench history', 'missing <network>'],
  ])('sub-command words win over a positional of the parent: %s', (text, message) => {
    expect(catchUsageError(() => parseCommand(text)).message).toContain(message);
  });
});
