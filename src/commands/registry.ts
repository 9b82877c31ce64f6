import { ErrorCode, NetopsError } from '../errors.js';
import { slashTextOf } from './slash-names.js';
import { allSpecs } from './specs/index.js';
import type { CommandSpec } from './types.js';

/** The commands the grammar knows, looked up by name or by the words typed after the slash. */
export interface CommandRegistry {
  /** Every spec, in registration order. */
  all(): CommandSpec[];
  /**
   * The spec whose words are the longest prefix of `words` (matched case-insensitively), so sub-commands
   * (`cni-bench history`) win over their parent; `rest` holds the remaining words as typed.
   */
  find(words: string[]): { spec: CommandSpec; rest: string[] } | undefined;
  /** The spec with this name (`cni-bench-history`), if any. */
  get(name: string): CommandSpec | undefined;
}

const WORD = /^[a-z][a-z0-9-]*$/;

/**
 * Builds a registry.
 * @throws NetopsError (code Internal) when two specs share a name or words, or a spec has no words or no example,
 * so a broken catalogue fails at start-up rather than on some user's command.
 */
export function createRegistry(specs: readonly CommandSpec[]): CommandRegistry {
  const byName = new Map<string, CommandSpec>();
  const byWords = new Map<string, CommandSpec>();
  for (const spec of specs) {
    checkSpecShape(spec);
    const key = spec.words.join(' ');
    if (byName.has(spec.name)) throw invalidCatalogue(`two commands are named ${spec.name}`);
    const clash = byWords.get(key);
    if (clash) throw invalidCatalogue(`commands ${clash.name} and ${spec.name} both use the words "${key}"`);
    byName.set(spec.name, spec);
    byWords.set(key, spec);
  }
  const maxWords = Math.max(0, ...specs.map((spec) => spec.words.length));
  const list = [...specs];
  return {
    all: () => [...list],
    get: (name) => byName.get(name),
    find(words) {
      for (let count = Math.min(maxWords, words.length); count > 0; count--) {
        const spec = byWords.get(words.slice(0, count).join(' ').toLowerCase());
        if (spec) return { spec, rest: words.slice(count) };
      }
      return undefined;
    },
  };
}

function checkSpecShape(spec: CommandSpec): void {
  if (spec.words.length === 0 || !spec.words.every((word) => WORD.test(word))) {
    throw invalidCatalogue(`command ${spec.name} needs lower-case words, got [${spec.words.join(', ')}]`);
  }
  if (spec.examples.length === 0) throw invalidCatalogue(`command ${spec.name} has no example`);
  // Usage and examples show the name users type in Slack, so help never suggests a name Slack refuses.
  const typed = slashTextOf(spec.words);
  const shown = [spec.usage, ...spec.examples].find((line) => line !== typed && !line.startsWith(`${typed} `));
  if (shown !== undefined)
    throw invalidCatalogue(`command ${spec.name} shows "${shown}", which does not start with ${typed}`);
  const argNames = [...spec.positional, ...spec.options];
  if (new Set(argNames).size !== argNames.length) throw invalidCatalogue(`command ${spec.name} repeats an argument`);
}

function invalidCatalogue(problem: string): NetopsError {
  return new NetopsError(ErrorCode.Internal, `invalid command catalogue: ${problem}`);
}

/** The registry of every command the bot supports. */
export const commandRegistry: CommandRegistry = createRegistry(allSpecs);
