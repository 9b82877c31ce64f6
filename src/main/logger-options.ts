import { type Config, collectSecretValues, secretPaths } from '../config/index.js';
import type { LoggerOptions } from '../logging.js';

/** Logger redaction derived from the config schema: secret paths and the resolved secret values. */
export function loggerOptionsFor(config: Config): LoggerOptions {
  return { redactPaths: secretPaths(), secretValues: collectSecretValues(config) };
}
