import { z } from 'zod';
import { intSchema, nameSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /audit. */
export interface AuditArgs {
  /** Newest records to show. */
  count: number;
  /** Only records by (or approved by) this user id. */
  user?: string;
  /** Only records of this command (spec name, e.g. `deploy`). */
  command?: string;
}

const userSchema = nameSchema(
  (t) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(t),
  "must be a member id like U0123ABC or an @mention picked from Slack's list (a typed @name carries no id)",
);
const commandSchema = z
  .string()
  .transform((t) => t.replace(/^\//, '').toLowerCase())
  .pipe(nameSchema((t) => /^[a-z][a-z0-9-]{0,31}$/.test(t), 'must be a command name like deploy'));

/** `/audit [N] [user=ID] [command=NAME]` */
export const auditSpec = defineCommand<AuditArgs>({
  name: 'audit',
  words: ['audit'],
  summary: 'The audit trail: who ran what, where, approvals and outcomes (admins only)',
  usage: '/audit [N] [user=@name|<user-id>] [command=<name>]',
  details: [
    'N: newest records to show, 1 to 100; default 20.',
    'user=<user-id>: only records by or approved by this Slack member (`user=@ann` picked from the list, or the id).',
    'command=<name>: only records of this command, e.g. deploy or deploy-stop.',
    'Everything: `npm run netops -- audit export [--since 2026-11-29T12:00:00Z|24h]` writes JSON Lines.',
  ],
  examples: ['/audit', '/audit 50 command=deploy', '/audit user=U0123ABC'],
  execution: 'local',
  writes: false,
  positional: ['count'],
  options: ['user', 'command'],
  args: z.object({
    count: intSchema(1, 100).default(20),
    user: userSchema.optional(),
    command: commandSchema.optional(),
  }),
});
