import type { CommandSpec } from '../types.js';
import { auditSpec } from './audit.js';
import { cancelSpec } from './cancel.js';
import { cniBenchSpec } from './cni-bench.js';
import { cniBenchCompareSpec } from './cni-bench-compare.js';
import { cniBenchHistorySpec } from './cni-bench-history.js';
import { deploySpec } from './deploy.js';
import { deployStopSpec } from './deploy-stop.js';
import { helpSpec } from './help.js';
import { isolationCheckSpec } from './isolation-check.js';
import { jobsSpec } from './jobs.js';
import { lockSpec } from './lock.js';
import { statusSpec } from './status.js';
import { unlockSpec } from './unlock.js';

export type { AuditArgs } from './audit.js';

export type { CniBenchArgs } from './cni-bench.js';

export type { DeployArgs } from './deploy.js';
export type { DeployStopArgs } from './deploy-stop.js';
export type { HelpArgs } from './help.js';

export type { LockArgs } from './lock.js';
export type { StatusArgs } from './status.js';
export type { UnlockArgs } from './unlock.js';
export { auditSpec, deploySpec, deployStopSpec, helpSpec, statusSpec };

/** Every command by spec name, in the order /help lists them: the three main commands first. */
export const specsByName = {
  deploy: deploySpec,
  'deploy-stop': deployStopSpec,
  'isolation-check': isolationCheckSpec,
  'cni-bench': cniBenchSpec,
  'cni-bench-history': cniBenchHistorySpec,
  'cni-bench-compare': cniBenchCompareSpec,
  status: statusSpec,
  jobs: jobsSpec,
  cancel: cancelSpec,
  lock: lockSpec,
  unlock: unlockSpec,
  audit: auditSpec,
  help: helpSpec,
} as const;

/** Spec name of a command the bot knows. */
export type CommandName = keyof typeof specsByName;

/** Typed args of each command, by spec name, derived from the specs so they cannot drift. */
export type CommandArgsByName = {
  [K in CommandName]: (typeof specsByName)[K] extends CommandSpec<infer Args> ? Args : never;
};

/** Every command, in the order /help lists them. */
export const allSpecs: readonly CommandSpec[] = Object.freeze(Object.values(specsByName));
