import { statSync } from 'node:fs';
import { type AccessPolicy, isApprovalRequired } from '../chat/policy.js';
import { chooseConfigPath } from '../config/config-path.js';
import { type Config, loadConfig } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { WriteGuards } from '../workers/processors/write-guards.js';
import type { Runtime, RuntimeAccess } from './runtime.js';

export interface PolicySourceOptions {
  env: NodeJS.ProcessEnv;
  /** `--config`, when given. */
  path?: string;
  logger: Logger;
  /** How often the config file's mtime is looked at. @defaultValue 1000 */
  checkEveryMs?: number;
  now?: () => number;
}

/**
 * The access side of the config as it is now: the file is re-read when its mtime changes (checked at most once
 * a second), so the worker's second check sees a policy changed after the ack. A file that no longer loads keeps
 * the last good policy (logged), so a typo cannot open or close everything at once.
 */
export function createPolicySource(initial: Config, opts: PolicySourceOptions): RuntimeAccess {
  const now = opts.now ?? Date.now;
  const file = chooseConfigPath(opts.env, process.cwd(), exists, opts.path);
  let current = initial;
  let mtimeMs = readMtime(file);
  let checkedAt = now();

  function refresh(): Config {
    if (now() - checkedAt < (opts.checkEveryMs ?? 1000)) return current;
    checkedAt = now();
    const mtime = readMtime(file);
    if (mtime === mtimeMs) return current;
    mtimeMs = mtime;
    try {
      current = loadConfig(opts.env, opts.path ? { path: opts.path } : {});
      opts.logger.info({ file }, 'config changed: policy reloaded');
    } catch (err) {
      opts.logger.error({ err, file }, 'config changed but does not load: keeping the previous policy');
    }
    return current;
  }

  const policy = initial.policy;
  return {
    policy: () => refresh().policy as AccessPolicy | undefined,
    tenants: () => refresh().tenants.map((t) => t.name),
    ...(policy ? { audit: { retentionDays: policy.audit.retentionDays, maxLen: policy.audit.maxLen } } : {}),
  };
}

function exists(path: string): boolean {
  return readMtime(path) !== undefined;
}

function readMtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The write processors' guards from the policy of the moment and the runtime's stores (made after them). */
export function createWriteGuards(
  access: RuntimeAccess,
  runtime: () => Pick<Runtime, 'approvals' | 'locks'>,
): WriteGuards {
  return {
    approvalRequired: (command, tenant) => isApprovalRequired(access.policy(), command, tenant),
    approvalExpiryMinutes: () => access.policy()?.approvals.expiryMinutes ?? 30,
    approvals: () => runtime().approvals,
    locks: () => runtime().locks,
  };
}
