import { UsageError } from '../errors.js';
import { formatCode } from './grammar/format-value.js';
import type { CommandRegistry } from './registry.js';
import { commandWordOf, HELP_SLASH } from './slash-names.js';
import type { CommandSpec } from './types.js';

/**
 * The spec a help topic names: words as typed after the slash (`cni-bench history`, `/deploy`) or a spec name
 * (`cni-bench-history`), case-insensitive.
 * @throws UsageError when no command matches exactly.
 */
export function resolveHelpTopic(registry: CommandRegistry, topic: string): CommandSpec {
  const [first = '', ...more] = topic.trim().toLowerCase().split(/\s+/);
  const words = [commandWordOf(first), ...more];
  const found = registry.find(words);
  if (found && found.rest.length === 0) return found.spec;
  const byName = words.length === 1 ? registry.get(words[0] ?? '') : undefined;
  if (byName) return byName;
  throw new UsageError(
    `no command ${formatCode(`/${words.join(' ')}`)}; type \`${HELP_SLASH}\` to see the commands`,
    `${HELP_SLASH} [command]`,
  );
}
