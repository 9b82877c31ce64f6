import { z } from 'zod';
import { nameSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** One command word: lower case letters, digits and `-`. Command words are matched case-insensitively. */
const COMMAND_WORD_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** A command as `/help` takes it: one or two command words, e.g. `deploy`, `cni-bench history`. */
export const HELP_TOPIC_PATTERN = /^[a-z][a-z0-9-]{0,31}(?: [a-z][a-z0-9-]{0,31})?$/;

/** Typed args of /help. */
export interface HelpArgs {
  /** Command to explain, without slash, lower case (`cni-bench history`); undefined lists every command. */
  command?: string;
}

const commandWordSchema = z
  .string()
  .transform((word) => word.replace(/^\//, '').toLowerCase())
  .pipe(nameSchema((word) => COMMAND_WORD_PATTERN.test(word), 'must be a command name like deploy or /cni-bench'));

/** `/netops-help [command]` (Slack may reserve `/help`; see slash-names.ts) */
export const helpSpec = defineCommand<HelpArgs>({
  name: 'help',
  words: ['help'],
  summary: 'List the commands, or explain one with its options and examples',
  usage: '/netops-help [command]',
  details: [
    '[command]: with or without the slash; sub-commands as two words, e.g. `/netops-help cni-bench history`.',
    '`/netops` alone and `/netops help` show the same.',
  ],
  examples: ['/netops-help', '/netops-help deploy', '/netops-help cni-bench history'],
  execution: 'local',
  writes: false,
  positional: ['command', 'subcommand'],
  options: [],
  args: z
    .object({ command: commandWordSchema.optional(), subcommand: commandWordSchema.optional() })
    .transform(({ command, subcommand }) => ({
      command: command === undefined ? undefined : [command, subcommand].filter(Boolean).join(' '),
    })),
});
