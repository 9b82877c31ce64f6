/** Public surface of the command grammar: text in, typed command or UsageError out. No I/O. */
export { DEFAULT_MAX_COMMAND_CHARS, type ParseOptions, parseCommand } from './grammar/parse.js';
export { sanitizeText } from './grammar/sanitize.js';
export { type Token, tokenize } from './grammar/tokenize.js';
export { buildHelpReport, formatUsage, type HelpFields, type HelpOptions } from './help.js';
export { resolveHelpTopic } from './help-topic.js';
export { isCommand, type KnownCommand, type ParsedCommandOf } from './known-command.js';
export * as names from './names.js';
export { describeRatings, RATING_THRESHOLDS, type Rating, rateRatio } from './ratings.js';
export { type CommandRegistry, commandRegistry, createRegistry } from './registry.js';
export {
  commandWordOf,
  HELP_SLASH,
  SLACK_RESERVED_COMMANDS,
  slashNameOf,
  slashTextOf,
  UMBRELLA_WORD,
} from './slash-names.js';
export * from './specs/index.js';
export type { CommandSpec, ExecutionKind, ParsedCommand } from './types.js';
