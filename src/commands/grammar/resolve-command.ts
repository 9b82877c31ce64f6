import { UsageError } from '../../errors.js';
import type { CommandRegistry } from '../registry.js';
import { commandWordOf, HELP_SLASH, slashNameOf, UMBRELLA_WORD } from '../slash-names.js';
import type { CommandSpec } from '../types.js';
import { measureEditDistance } from './edit-distance.js';
import { formatCode } from './format-value.js';
import type { Token } from './tokenize.js';

/** Largest typo distance for which "did you mean" is offered. */
const MAX_SUGGESTION_DISTANCE = 2;

/** The spec a command line names, and the tokens after its words. */
export interface ResolvedCommand {
  spec: CommandSpec;
  rest: Token[];
}

/**
 * Finds the spec named by the leading words of `tokens`. Accepts `/deploy …`, `deploy …`, `/netops deploy …` and
 * the Slack names of reserved words (`/netops-status`); `/netops` alone means help. Command words are
 * case-insensitive.
 * @throws UsageError for empty input, a line that starts with an option, or an unknown command.
 */
export function resolveCommand(tokens: Token[], registry: CommandRegistry): ResolvedCommand {
  let rest = dropUmbrella(tokens);
  if (rest === undefined) {
    const help = registry.get('help');
    if (help) return { spec: help, rest: [] };
    rest = [];
  }
  const first = rest[0];
  if (first === undefined) throw new UsageError(`empty command: type \`${HELP_SLASH}\` to see the commands`);
  if (first.kind !== 'word') {
    throw new UsageError(
      `a command starts with its name, got ${formatCode(`${first.key}=${first.value}`)}; ${listCommands(registry)}`,
    );
  }
  const leadingWords: string[] = [];
  for (const token of rest) {
    if (token.kind !== 'word') break;
    leadingWords.push(leadingWords.length === 0 ? commandWordOf(token.value) : token.value);
  }
  const found = registry.find(leadingWords);
  if (!found) throw unknownCommand(stripSlash(first.value), registry);
  return { spec: found.spec, rest: rest.slice(found.spec.words.length) };
}

/** Tokens without a leading `/netops`; undefined when `/netops` was all there was. */
function dropUmbrella(tokens: Token[]): Token[] | undefined {
  const first = tokens[0];
  if (first?.kind !== 'word' || stripSlash(first.value).toLowerCase() !== UMBRELLA_WORD) return tokens;
  return tokens.length === 1 ? undefined : tokens.slice(1);
}

function stripSlash(word: string): string {
  return word.startsWith('/') ? word.slice(1) : word;
}

function unknownCommand(word: string, registry: CommandRegistry): UsageError {
  const typed = word.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const candidate of listFirstWords(registry)) {
    const distance = measureEditDistance(typed, candidate, MAX_SUGGESTION_DISTANCE);
    if (distance <= MAX_SUGGESTION_DISTANCE && (!best || distance < best.distance))
      best = { word: candidate, distance };
  }
  const suggestion = best ? `; did you mean \`${slashNameOf(best.word)}\`?` : '';
  return new UsageError(`unknown command ${formatCode(`/${word}`)}${suggestion}\n${listCommands(registry)}`);
}

function listFirstWords(registry: CommandRegistry): string[] {
  return [...new Set(registry.all().map((spec) => spec.words[0] ?? ''))];
}

function listCommands(registry: CommandRegistry): string {
  return `commands: ${listFirstWords(registry)
    .map((word) => slashNameOf(word))
    .join(', ')} (type \`${HELP_SLASH}\` for details)`;
}
