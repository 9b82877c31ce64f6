import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BENCH_TESTS } from '../../../../src/commands/bench-tests.js';
import { parseCommand } from '../../../../src/commands/grammar/parse.js';
import {
  HOST_PATTERN,
  isImageRef,
  isWorkload,
  JOB_ID_PATTERN,
  JOB_NAME_PATTERN,
  NETWORK_PATTERN,
  PROTOCOLS,
  TENANT_PATTERN,
} from '../../../../src/commands/names.js';
import { commandRegistry } from '../../../../src/commands/registry.js';
import { HELP_TOPIC_PATTERN } from '../../../../src/commands/specs/help.js';
import { UsageError } from '../../../../src/errors.js';

// The strict test for every string-valued arg a parsed command may carry. A new arg without an entry here fails
// the property, so nobody adds an unchecked string to the grammar by accident.
const STRING_ARG_CHECKS: Record<string, (value: string) => boolean> = {
  job: (v) => JOB_NAME_PATTERN.test(v),
  tenant: (v) => TENANT_PATTERN.test(v),
  image: isImageRef,
  a: isWorkload,
  b: isWorkload,
  network: (v) => NETWORK_PATTERN.test(v),
  other: (v) => NETWORK_PATTERN.test(v),
  third: (v) => NETWORK_PATTERN.test(v),
  from: (v) => HOST_PATTERN.test(v),
  to: (v) => HOST_PATTERN.test(v),
  jobId: (v) => JOB_ID_PATTERN.test(v),
  user: (v) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v),
  // Free text (a /lock reason): trimmed, non-empty, bounded, no control characters.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the check is that none are there.
  reason: (v) => v === v.trim() && v.length > 0 && v.length <= 200 && !/[\u0000-\u001f\u007f]/.test(v),
  command: (v) => HELP_TOPIC_PATTERN.test(v),
};

function checkArg(key: string, value: unknown): void {
  if (value === undefined || typeof value === 'number') {
    if (typeof value === 'number') expect(Number.isInteger(value)).toBe(true);
    return;
  }
  if (key === 'ports') {
    expect((value as number[]).every((port) => Number.isInteger(port) && port >= 1 && port <= 65_535)).toBe(true);
    return;
  }
  if (key === 'published') {
    expect(typeof value).toBe('boolean');
    return;
  }
  if (key === 'tests') {
    expect((value as string[]).every((t) => (BENCH_TESTS as readonly string[]).includes(t))).toBe(true);
    return;
  }
  if (key === 'protos') {
    expect((value as string[]).every((proto) => (PROTOCOLS as readonly string[]).includes(proto))).toBe(true);
    return;
  }
  const check = STRING_ARG_CHECKS[key];
  expect(check, `no strict check for arg ${key}`).toBeDefined();
  expect(typeof value).toBe('string');
  expect(check?.(value as string), `${key}=${JSON.stringify(value)}`).toBe(true);
}

const commandWords = [...new Set(commandRegistry.all().flatMap((spec) => spec.words))];
const optionKeys = [...new Set(commandRegistry.all().flatMap((spec) => spec.options))];
const goodValues = [
  'web',
  'tenant-b',
  'a1',
  'u1',
  'weave',
  '10s',
  '2',
  '80,443',
  'icmp,tcp',
  'nginx:1.25',
  'tenant:t1',
];
const nasty = [
  '',
  ' ',
  ';',
  '|',
  '&',
  '$(',
  '`',
  '<',
  '>',
  '"',
  "'",
  '\\',
  '*',
  '?',
  '~',
  '!',
  '#',
  '=',
  '\u00A0',
  '\u200B',
  '“',
  '<http://a|a>',
  '&lt;',
  '\n',
];

const unicodeText = fc.string({ unit: 'binary', maxLength: 12 });
const value = fc.oneof(
  fc.constantFrom(...goodValues),
  unicodeText,
  fc
    .tuple(fc.constantFrom(...goodValues), fc.constantFrom(...nasty), fc.constantFrom(...goodValues, ''))
    .map((p) => p.join('')),
);
const token = fc.oneof(
  value,
  fc.tuple(fc.constantFrom(...optionKeys), value).map(([key, v]) => `${key}=${v}`),
  fc.constantFrom(...commandWords),
);
const prefix = fc.constantFrom('/', '', '/netops ', 'netops ', '/NETOPS /', ' ');
const freeCommandLine = fc
  .tuple(prefix, fc.constantFrom(...commandWords, 'Deploy', 'CNI-BENCH', 'depoy'), fc.array(token, { maxLength: 6 }))
  .map(([head, word, tokens]) => `${head}${word} ${tokens.join(' ')}`);
// Shaped after a real spec (its words, about its positional count, some of its options), so most lines reach the
// arg schemas and the generated values are judged by the strict patterns rather than by the word matcher.
const specLine = fc.constantFrom(...commandRegistry.all()).chain((spec) =>
  fc
    .tuple(
      prefix,
      fc.array(value, { minLength: spec.positional.length, maxLength: spec.positional.length + 1 }),
      fc.subarray(spec.options).chain((keys) => fc.tuple(...keys.map((key) => value.map((v) => `${key}=${v}`)))),
    )
    .map(([head, words, options]) => `${head}${spec.words.join(' ')} ${[...words, ...options].join(' ')}`),
);
const commandLine = fc.oneof(freeCommandLine, specLine);

function parseOrUsageError(text: string): void {
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(text);
  } catch (err) {
    expect(err, `threw a non-usage error for ${JSON.stringify(text)}`).toBeInstanceOf(UsageError);
    return;
  }
  expect(commandRegistry.get(parsed.name)).toBeDefined();
  for (const [key, arg] of Object.entries(parsed.args)) checkArg(key, arg);
  // The normalized text is itself a valid command that means the same thing.
  expect(parseCommand(parsed.text)).toEqual(parsed);
}

describe('parseCommand: property', () => {
  it('arbitrary strings give a ParsedCommand with strictly valid args, or a UsageError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), parseOrUsageError), { numRuns: 2000 });
  });

  it('command-shaped strings give a ParsedCommand with strictly valid args, or a UsageError', () => {
    let parsedCount = 0;
    fc.assert(
      fc.property(commandLine, (text) => {
        parseOrUsageError(text);
        try {
          parseCommand(text);
          parsedCount++;
        } catch {
          // counted only to prove the generator also reaches valid commands
        }
      }),
      { numRuns: 3000 },
    );
    expect(parsedCount).toBeGreaterThan(150);
  });
});
