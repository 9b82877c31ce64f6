import type { Config } from './schema.js';
import { secretPaths, selectPath } from './secrets.js';

/** What replaces a secret in redacted output; the same text pino's redaction uses. */
export const REDACTED = '[REDACTED]';

/**
 * A copy of the config with every set secret replaced by `[REDACTED]` (unset ones stay unset, so the copy
 * still tells which front end is configured). For `/status` and debug output.
 */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config) as Config;
  for (const path of secretPaths()) {
    for (const { parent, key } of selectPath(copy, path)) if (parent[key] !== undefined) parent[key] = REDACTED;
  }
  return copy;
}
