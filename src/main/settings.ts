import { type NetopsEnv, readNetopsEnv } from '../config/env.js';
import { type Config, loadConfigAsync } from '../config/index.js';

/** What a process is built from: the checked environment and the loaded config file. */
export interface ProcessSettings {
  /** Every NETOPS_* variable and LOG_LEVEL, checked (config/env.ts). */
  env: NetopsEnv;
  /** The raw environment: the config's `{ env: NAME }` secrets and NETOPS_FRONTEND are read from it. */
  processEnv: NodeJS.ProcessEnv;
  config: Config;
  /** `--config`, when given (else NETOPS_CONFIG or the default path, config/config-path.ts). */
  configPath?: string;
}

/**
 * Reads the environment, then the config file. The environment first: a typo such as `NETOPS_ROLE=wrker` is the
 * error shown even when the config does not load either.
 */
export async function loadSettings(
  processEnv: NodeJS.ProcessEnv,
  opts: { configPath?: string | undefined } = {},
): Promise<ProcessSettings> {
  const env = readNetopsEnv(processEnv);
  const config = await loadConfigAsync(processEnv, opts.configPath ? { path: opts.configPath } : {});
  return { env, processEnv, config, ...(opts.configPath ? { configPath: opts.configPath } : {}) };
}
