import type { CommandArgsByName, CommandName } from './specs/index.js';
import type { ParsedCommand } from './types.js';

/** A parsed command of a given name with its typed args. */
export type ParsedCommandOf<K extends CommandName> = ParsedCommand<CommandArgsByName[K]> & { name: K };

/** Any command the bot knows, discriminated by `name`; `switch (cmd.name)` narrows `args`. */
export type KnownCommand = { [K in CommandName]: ParsedCommandOf<K> }[CommandName];

/**
 * Narrows a parsed command to one command's typed args. Sound for what {@link parseCommand} returns with the
 * default registry, because it validated the args with that very spec's schema.
 */
export function isCommand<K extends CommandName>(
  parsed: ParsedCommand<unknown>,
  name: K,
): parsed is ParsedCommandOf<K> {
  return parsed.name === name;
}
