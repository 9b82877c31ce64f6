import { UsageError } from '../../errors.js';
import { slashTextOf } from '../slash-names.js';
import type { CommandSpec } from '../types.js';
import { formatCode } from './format-value.js';
import type { Token } from './tokenize.js';

/** Raw argument text by argument name (positional name or option key), before the spec's schema runs. */
export type RawArgs = Record<string, string>;

/**
 * Maps the tokens after the command words onto the spec: words onto `spec.positional` in order, options onto
 * `spec.options`. Missing positionals stay absent; the schema decides which are required.
 * @throws UsageError for an unknown or repeated option, or more words than the spec has positionals.
 */
export function bindArgs(spec: CommandSpec, tokens: Token[]): RawArgs {
  const raw: RawArgs = Object.create(null);
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'word') {
      words.push(token.value);
      continue;
    }
    if (!spec.options.includes(token.key)) throw unknownOption(spec, token.key);
    if (token.key in raw) throw new UsageError(`option ${token.key}= is given twice`, spec.usage);
    raw[token.key] = token.value;
  }
  if (words.length > spec.positional.length) throw tooManyWords(spec, words);
  spec.positional.forEach((name, i) => {
    const word = words[i];
    if (word !== undefined) raw[name] = word;
  });
  return raw;
}

function unknownOption(spec: CommandSpec, key: string): UsageError {
  const valid =
    spec.options.length === 0 ? 'it takes no options' : `valid options: ${spec.options.map((o) => `${o}=`).join(', ')}`;
  return new UsageError(`unknown option ${formatCode(`${key}=`)} for ${slashTextOf(spec.words)}; ${valid}`, spec.usage);
}

function tooManyWords(spec: CommandSpec, words: string[]): UsageError {
  const extra = words.slice(spec.positional.length).join(' ');
  const expected =
    spec.positional.length === 0
      ? 'it takes no arguments'
      : `it takes at most ${spec.positional.length}: ${spec.positional.map((p) => `<${p}>`).join(' ')}`;
  return new UsageError(`too many arguments: ${formatCode(extra)}; ${expected}`, spec.usage);
}
