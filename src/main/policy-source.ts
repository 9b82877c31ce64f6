import { statSync } from 'node:fs';
import { type AccessPolicy, isApprovalRequired } from '../access/policy.js';
import { chooseConfigPath } from '../config/config-path.js';
import { type Config, loadConfigAsync } from '../config/index.js';
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

/** RuntimeAccess plus a way to wait for a reload in flight (tests, and a caller that must see a change). */
export interface PolicySource extends RuntimeAccess {
  /** Checks the file now and resolves once any reload it starts (or one already running) has finished. */
  reload(): Promise<void>;
}

/**
 * The access side of the config as it is now: the file's mtime is looked at (at most once a second) when the
 * policy is asked for, and a changed file is re-read in the background, off the event loop (issue 17 item 8:
 * a key file replaced by a FIFO once froze the bot, `/dev/zero` grew it to 3 GB). The policy of the moment is
 * served meanwhile; the new one applies as soon as it has loaded. A file that no longer loads keeps the last
 * good policy (logged), so a typo cannot open or close everything at once.
 */
export function createPolicySource(initial: Config, opts: PolicySourceOptions): PolicySource {
  const now = opts.now ?? Date.now;
  const file = chooseConfigPath(opts.env, process.cwd(), exists, opts.path);
  let current = initial;
  let mtimeMs = readMtime(file);
  let checkedAt = now();
  let inFlight: Promise<void> | undefined;

  function startReload(): Promise<void> {
    inFlight ??= loadConfigAsync(opts.env, opts.path ? { path: opts.path } : {})
      .then((config) => {
        current = config;
        opts.logger.info({ file }, 'config changed: policy reloaded');
      })
      .catch((err) => {
        opts.logger.error({ err, file }, 'config changed but does not load: keeping the previous policy');
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  function check(): Promise<void> | undefined {
    checkedAt = now();
    const mtime = readMtime(file);
    if (mtime === mtimeMs) return inFlight;
    mtimeMs = mtime;
    return startReload();
  }

  function refresh(): Config {
    if (now() - checkedAt >= (opts.checkEveryMs ?? 1000)) void check();
    return current;
  }

  const policy = initial.policy;
  return {
    policy: () => refresh().policy as AccessPolicy | undefined,
    tenants: () => refresh().tenants.map((t) => t.name),
    ...(policy ? { audit: { retentionDays: policy.audit.retentionDays, maxLen: policy.audit.maxLen } } : {}),
    reload: async () => {
      await check();
    },
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

/** The write processors' guards from the policy of the moment and the runtime's stores. */
export function createWriteGuards(
  access: RuntimeAccess,
  stores: Pick<Runtime['stores'], 'approvals' | 'locks'>,
): WriteGuards {
  return {
    approvalRequired: (command, tenant) => isApprovalRequired(access.policy(), command, tenant),
    approvalExpiryMinutes: () => access.policy()?.approvals.expiryMinutes ?? 30,
    approvals: stores.approvals,
    locks: stores.locks,
  };
}
