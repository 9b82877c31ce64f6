import type { Redis } from 'ioredis';
import { type AccessPolicy, authorize, isAdmin, listRoles, mayRun, NO_POLICY_MESSAGE } from '../access/policy.js';
import { createIntake, type Intake } from '../chat/intake.js';
import { createRateLimitedIntake, type RateLimitOptions } from '../chat/rate-limit.js';
import { buildHelpReport, commandRegistry, parseCommand } from '../commands/index.js';
import type { Logger } from '../logging.js';
import { instrumentIntake } from '../observability/instrument.js';
import type { Metrics } from '../observability/metrics.js';
import { createAdmission } from '../queue/admit-request.js';
import type { Canceller } from '../queue/cancel.js';
import type { Producer } from '../queue/producer.js';
import { createRequestClaims } from '../queue/request-claims.js';
import type { AuditLog } from '../stores/audit-log.js';
import type { JobStore } from '../stores/job-store.js';
import type { LockStore } from '../stores/lock-store.js';

/** The intake with access checks (when configured), metrics and the per-user rate limit in front. */
export function buildIntake(
  opts: {
    logger: Logger;
    metrics?: Metrics;
    rateLimit?: RateLimitOptions;
    access?: { policy: () => AccessPolicy | undefined; tenants: () => readonly string[] };
  },
  deps: {
    prefix: string;
    redis: Redis;
    producer: Producer;
    stores: { jobs: JobStore; locks: LockStore; audit: AuditLog };
    cancel: Canceller;
  },
): Intake {
  const { prefix, redis, producer, stores, cancel } = deps;
  const access = opts.access;
  const metrics = opts.metrics;
  const baseIntake = createIntake({
    parse: parseCommand,
    registry: commandRegistry,
    producer,
    store: stores.jobs,
    cancel,
    buildHelp: (o) => buildHelpReport(commandRegistry, o),
    audit: stores.audit.append,
    claims: createRequestClaims(redis, { prefix }),
    admit: createAdmission({ redis, jobs: stores.jobs, audit: stores.audit, prefix }),
    access: {
      auditLog: stores.audit,
      locks: stores.locks,
      audit: stores.audit.append,
      tenants: () => access?.tenants() ?? [],
    },
    ...(access
      ? {
          authorize: (spec, command, who) => authorize(access.policy(), spec, command.args, who),
          allowed: (spec, who) => mayRun(access.policy(), spec, who),
          isAdmin: (who) => isAdmin(access.policy(), who.userId),
          describeAccess: (who) => describeMissingAccess(access.policy(), who.userId),
        }
      : {}),
    logger: opts.logger,
  });
  const counted = metrics ? instrumentIntake(baseIntake, metrics) : baseIntake;
  return opts.rateLimit
    ? createRateLimitedIntake(counted, opts.rateLimit, {
        redis,
        prefix,
        onLimited: (reason) =>
          metrics?.commands.inc({ outcome: reason === 'flood' ? 'rate_limited' : 'oversized', command: '' }),
      })
    : counted;
}

/** Why a caller sees no commands in /help: no policy at all, or no role for this user. */
function describeMissingAccess(policy: AccessPolicy | undefined, userId: string): string | undefined {
  if (!policy) return NO_POLICY_MESSAGE;
  if (listRoles(policy, userId).length === 0)
    return `${userId} has no role in netops-bot: an admin must add it to policy.users (or to a group in policy.groups).`;
  return undefined;
}
