import type { AuditArgs, LockArgs, UnlockArgs } from '../commands/index.js';
import { UsageError } from '../errors.js';
import { describeUser } from '../report/mention.js';
import type { Report } from '../report/model.js';
import type { AuditLog, AuditRecord, AuditSink } from '../stores/audit-log.js';
import type { LockStore } from '../stores/lock-store.js';
import type { Caller } from './policy.js';

/** What the chat-side access commands (/audit, /lock, /unlock) read and write. */
export interface AccessCommandDeps {
  auditLog: Pick<AuditLog, 'listRecent'>;
  locks: Pick<LockStore, 'freezeTenant' | 'unfreezeTenant'>;
  audit: AuditSink;
  /** Tenant names of the config, so a typo cannot freeze a tenant that does not exist. */
  tenants: () => readonly string[];
}

/** `/audit [N] [user=] [command=]`: the newest matching records, newest first. Authorized (admins) before. */
export async function answerAudit(deps: AccessCommandDeps, args: AuditArgs): Promise<Report> {
  const stats = { skipped: 0 };
  const records = await deps.auditLog.listRecent(
    {
      count: args.count,
      ...(args.user ? { user: args.user } : {}),
      ...(args.command ? { command: args.command } : {}),
    },
    stats,
  );
  const rows = records.map((r) => [
    r.at.replace('T', ' ').slice(0, 19),
    r.type,
    r.user ?? '',
    r.command ?? '',
    r.jobId ?? '',
    describeRecord(r),
  ]);
  return {
    command: 'audit',
    ok: true,
    title: `audit: ${records.length} record${records.length === 1 ? '' : 's'}`,
    blocks: [
      { kind: 'table', columns: ['time (UTC)', 'event', 'user', 'command', 'job', 'detail'], rows },
      ...(stats.skipped > 0
        ? [
            {
              kind: 'alert' as const,
              level: 'warning' as const,
              text: `${stats.skipped} malformed audit record(s) skipped.`,
            },
          ]
        : []),
      { kind: 'text', text: 'Everything as JSON Lines: `npm run netops -- audit export [--since 24h]`.' },
    ],
    records,
  };
}

function describeRecord(r: AuditRecord): string {
  const parts = [
    r.outcome,
    r.tenant ? `tenant ${r.tenant}` : undefined,
    r.approver ? `approver ${r.approver}` : undefined,
    r.approvalId ? `approval ${r.approvalId}` : undefined,
    r.host ? `${r.host}: ${r.template} exit ${r.exitCode}` : undefined,
    r.evalId ? `eval ${r.evalId.slice(0, 8)}` : undefined,
    r.deploymentId ? `deployment ${r.deploymentId.slice(0, 8)}` : undefined,
    r.detail,
  ];
  const text = parts.filter(Boolean).join(', ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `/lock <tenant> [reason]`: freezes the tenant's deploys and stops. */
export async function answerLock(deps: AccessCommandDeps, args: LockArgs, who: Caller): Promise<Report> {
  checkTenant(deps, args.tenant);
  const { created, holder } = await deps.locks.freezeTenant(args.tenant, who.userId, args.reason);
  await deps.audit({
    type: created ? 'tenant.locked' : 'tenant.lock-refused',
    user: who.userId,
    channel: who.channelId,
    command: 'lock',
    tenant: args.tenant,
    detail: created ? args.reason : `already locked by ${holder.by}`,
  });
  const since = new Date(holder.since).toISOString().slice(0, 16).replace('T', ' ');
  const text = created
    ? `Tenant ${args.tenant} is locked: deploys and stops there are refused until \`/unlock ${args.tenant}\`.`
    : `Tenant ${args.tenant} was already locked by ${describeUser(holder.by)} since ${since} UTC${holder.reason ? `: ${holder.reason}` : ''}.`;
  return {
    command: 'lock',
    ok: created,
    title: created ? `locked ${args.tenant}` : `${args.tenant} already locked`,
    blocks: [{ kind: 'text', text }],
    tenant: args.tenant,
    lock: holder,
  };
}

/** `/unlock <tenant>`: lifts a freeze. */
export async function answerUnlock(deps: AccessCommandDeps, args: UnlockArgs, who: Caller): Promise<Report> {
  checkTenant(deps, args.tenant);
  const removed = await deps.locks.unfreezeTenant(args.tenant);
  await deps.audit({
    type: removed ? 'tenant.unlocked' : 'tenant.unlock-noop',
    user: who.userId,
    channel: who.channelId,
    command: 'unlock',
    tenant: args.tenant,
    ...(removed ? { detail: `was locked by ${removed.by}` } : {}),
  });
  return {
    command: 'unlock',
    ok: true,
    title: removed ? `unlocked ${args.tenant}` : `${args.tenant} was not locked`,
    blocks: [
      {
        kind: 'text',
        text: removed
          ? `Tenant ${args.tenant} is unlocked (it was locked by ${describeUser(removed.by)}).`
          : `Tenant ${args.tenant} was not locked: nothing changed.`,
      },
    ],
    tenant: args.tenant,
  };
}

function checkTenant(deps: AccessCommandDeps, tenant: string): void {
  const known = deps.tenants();
  if (!known.includes(tenant)) {
    throw new UsageError(`unknown tenant \`${tenant}\`; known tenants: ${known.join(', ') || 'none configured'}`);
  }
}
