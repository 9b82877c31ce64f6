/** Public surface of the command grammar: text in, typed command or UsageError out. No I/O. */
export { parseCommand } from './grammar/parse.js';

export { buildHelpReport } from './help.js';

export { isCommand } from './known-command.js';
export * as names from './names.js';

export { commandRegistry, createRegistry } from './registry.js';

export * from './specs/index.js';
