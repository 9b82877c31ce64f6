import { describe, expect, it } from 'vitest';
import { type Token, tokenize } from '../../../../src/commands/grammar/tokenize.js';
import { catchUsageError } from '../expect-usage-error.js';

const w = (value: string): Token => ({ kind: 'word', value });
const o = (key: string, value: string): Token => ({ kind: 'option', key, value });

describe('tokenize', () => {
  it.each<[string, string, Token[]]>([
    ['empty', '', []],
    ['spaces only', '   ', []],
    ['words', '/deploy httpbackend', [w('/deploy'), w('httpbackend')]],
    ['many spaces and tabs', ' a \t  b ', [w('a'), w('b')]],
    ['option', 'subnet=tenant-b', [o('subnet', 'tenant-b')]],
    ['splits at the first =', 'image=repo/x:1=2', [o('image', 'repo/x:1=2')]],
    ['empty value', 'count=', [o('count', '')]],
    ['option key lower-cased', 'Subnet=Tenant', [o('subnet', 'Tenant')]],
    ['double quotes group', '"a b" c', [w('a b'), w('c')]],
    ['single quotes group', "'a b' c", [w('a b'), w('c')]],
    ['quoted option value', 'proto="tcp,udp"', [o('proto', 'tcp,udp')]],
    ['quoted value with spaces', "x='a b'", [o('x', 'a b')]],
    ['= inside quotes does not split', '"a=b"', [w('a=b')]],
    ['= after quoted part splits', '"a"=b', [o('a', 'b')]],
    ['adjacent parts join', 'ab"c d"e', [w('abc de')]],
    ['other quote kind inside', `"it's" 'say "hi"'`, [w("it's"), w('say "hi"')]],
    ['empty quotes are an empty word', '""', [w('')]],
    ['backslash is literal', 'a\\ b', [w('a\\'), w('b')]],
  ])('%s', (_name, input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });

  it.each([
    ['unterminated double quote', 'a "b c', 'character 3'],
    ['unterminated single quote', "don't", 'character 4'],
    ['option without a name', '=x', 'without a name'],
  ])('%s is a usage error', (_name, input, fragment) => {
    expect(catchUsageError(() => tokenize(input)).message).toContain(fragment);
  });
});
