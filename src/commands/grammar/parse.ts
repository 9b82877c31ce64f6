import { UsageError } from '../../errors.js';
import { resolveHelpTopic } from '../help-topic.js';
import { type CommandRegistry, commandRegistry } from '../registry.js';
import { slashTextOf } from '../slash-names.js';
import type { ParsedCommand } from '../types.js';
import { bindArgs } from './bind-args.js';
import { formatIssues } from './format-issues.js';
import { refuseInvisible } from './invisible.js';
import { resolveCommand } from './resolve-command.js';
import { sanitizeText } from './sanitize.js';
import { type Token, tokenize } from './tokenize.js';

/** Longest command accepted, in characters after sanitizing. Slack's own limit is about 4,000. */
const DEFAULT_MAX_COMMAND_CHARS = 2000;
// Raw text this many times the limit is refused before sanitizing: no Slack markup shrinks text that much.
const RAW_SLACK_FACTOR = 16;

export interface ParseOptions {
  /** @defaultValue {@link DEFAULT_MAX_COMMAND_CHARS} */
  maxLength?: number;
  /** @defaultValue {@link commandRegistry} */
  registry?: CommandRegistry;
}

/**
 * Parses command text as typed in chat (`/deploy …`, `deploy …`, `/netops deploy …`) into a known command with
 * validated, typed args. Pure: no I/O.
 * @throws UsageError with a readable message (and the command's usage line when the command is known).
 */
export function parseCommand(text: string, opts: ParseOptions = {}): ParsedCommand {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_COMMAND_CHARS;
  const registry = opts.registry ?? commandRegistry;
  if (text.length > maxLength * RAW_SLACK_FACTOR) throw tooLong(text.length, maxLength);
  refuseInvisible(text);
  const clean = sanitizeText(text);
  const length = [...clean].length;
  if (length > maxLength) throw tooLong(length, maxLength);

  const { spec, rest } = resolveCommand(tokenize(clean), registry);
  const raw = bindArgs(spec, rest);
  const result = spec.args.safeParse(raw);
  if (!result.success) {
    throw new UsageError(formatIssues(spec, raw, result.error.issues).join('\n'), spec.usage);
  }
  const args = result.data as Record<string, unknown>;
  if (spec.name === 'help' && typeof args.command === 'string') resolveHelpTopic(registry, args.command);
  return { name: spec.name, args, text: [slashTextOf(spec.words), ...rest.map(renderToken)].join(' ') };
}

function tooLong(length: number, maxLength: number): UsageError {
  return new UsageError(`command is too long (${length} characters, at most ${maxLength})`);
}

/** Writes a token back so that tokenizing the result gives the same token. */
function renderToken(token: Token): string {
  return token.kind === 'word' ? quoteIfNeeded(token.value) : `${token.key}=${quoteIfNeeded(token.value)}`;
}

function quoteIfNeeded(value: string): string {
  if (value !== '' && !/[\s"'=]/.test(value)) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}
