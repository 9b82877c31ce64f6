import { z } from 'zod';
import { entityName, intInRange } from './fields.js';

const nameList = (what: string) =>
  z.array(z.string().min(1).max(64), { error: `must be a list of ${what} (or '*')` }).default([]);

/**
 * Who may do what (issue 7). Deny by default: without this section only /help answers, and it says how to
 * write one. Roles grant commands (spec names such as `deploy`, `deploy-stop`, or `*`) in tenants (names or `*`);
 * users and Slack user groups (static membership, so the ack never waits on Slack) get roles; channels narrow
 * what may run there. Roles named `approver` and `admin` carry the right to approve; `admin` may also read the
 * audit trail and cancel other users' jobs.
 */
export function createPolicySchema() {
  const grant = z.strictObject({
    commands: nameList('command names').describe('the commands (spec names or *) of this grant'),
    tenants: nameList('tenant names').describe('the tenants (names or *) of this grant'),
  });
  const requirement = z.enum(['required', 'none'], { error: 'must be required or none' });
  return z.strictObject({
    roles: z.record(entityName(), grant).default({}).describe('the roles: { <role>: { commands, tenants } }'),
    users: z
      .record(entityName(), z.array(entityName()))
      .default({})
      .describe('the users: { <slack user id>: [roles] }'),
    groups: z
      .record(
        entityName(),
        z.strictObject({ members: z.array(entityName()).default([]), roles: z.array(entityName()).default([]) }),
      )
      .default({})
      .describe('the Slack user groups: { <group id>: { members: [user ids], roles: [roles] } }'),
    channels: z
      .record(entityName(), grant)
      .default({})
      .describe('the Slack channels: { <channel id>: { commands, tenants } } (channel rules apply to Slack only)'),
    approvals: z
      .strictObject({
        tenants: z.record(entityName(), requirement).default({}),
        commands: z.record(entityName(), requirement).default({}),
        expiryMinutes: z
          .number({ error: 'must be a number of minutes' })
          // Under a minute nobody can press Approve in time (1e-9 was accepted): from 1 minute to a week.
          .min(1, { error: 'must be at least 1 minute' })
          .max(7 * 24 * 60, { error: 'must be at most a week' })
          .default(30),
      })
      .prefault({})
      .describe('the approvals section'),
    console: z
      .strictObject({ user: entityName().default('console') })
      .prefault({})
      .describe('the identity of the console and CLI when --as is not given'),
    audit: z
      .strictObject({
        retentionDays: intInRange(1, 3650).default(30),
        maxLen: intInRange(100, 10_000_000).default(100_000),
      })
      .prefault({})
      .describe('the audit section'),
  });
}

/** The policy section as loaded (defaults applied). */
export type PolicyConfig = z.output<ReturnType<typeof createPolicySchema>>;
