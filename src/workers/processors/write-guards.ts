import { ErrorCode, NetopsError } from '../../errors.js';
import { describeUser } from '../../report/mention.js';
import type { ApprovalStore, PendingApproval, StoredApproval } from '../../stores/approval-store.js';
import { auditInScope } from '../../stores/audit-context.js';
import type { LockHolder, LockStore } from '../../stores/lock-store.js';

/**
 * What guards the writes (/deploy, /deploy stop): the approval rules of the moment, the approval store and the
 * locks. The rules are functions because the policy is re-read when the config file changes; main/runtime.ts
 * builds the stores before the processors and passes them here (workers never import the access side).
 */
export interface WriteGuards {
  /** Whether this write in this tenant needs an approver (policy.approvals, as the config says now). */
  approvalRequired: (commandName: string, tenant: string) => boolean;
  /** How long a plan waits for its approver. */
  approvalExpiryMinutes: () => number;
  approvals: ApprovalStore;
  locks: LockStore;
  now?: () => number;
}

/** Throws a user-safe Conflict when the tenant is frozen with /lock, naming who, when and why. */
export async function checkTenantFreeze(guards: WriteGuards | undefined, tenant: string): Promise<void> {
  const freeze = await guards?.locks.tenantFreeze(tenant);
  if (!freeze) return;
  await auditInScope({ type: 'write.refused', tenant, detail: `tenant locked by ${freeze.by}` });
  throw new NetopsError(ErrorCode.Conflict, `tenant ${tenant} is locked`, {
    userMessage: `Tenant ${tenant} is locked by ${describeHolder(freeze)}${freeze.reason ? `: ${freeze.reason}` : ''}. Nothing was changed; \`/unlock ${tenant}\` lifts it.`,
  });
}

/**
 * Runs `fn` holding the deploy lock of a Nomad job (one deploy or stop per job and tenant at a time); a second
 * one is told who holds it and since when.
 */
export async function withDeployLock<T>(
  guards: WriteGuards | undefined,
  nomadJobId: string,
  holder: { by: string; jobId: string },
  fn: () => Promise<T>,
): Promise<T> {
  if (!guards) return fn();
  const locks = guards.locks;
  const got = await locks.acquireDeploy(nomadJobId, holder);
  if (!got.ok) {
    await auditInScope({ type: 'write.refused', detail: `deploy lock of ${nomadJobId} held by ${got.holder.by}` });
    throw new NetopsError(ErrorCode.Conflict, `deploy lock of ${nomadJobId} is held`, {
      userMessage: `Another deploy or stop of \`${nomadJobId}\` is running: started by ${describeHolder(got.holder)}${got.holder.jobId ? ` (job \`${got.holder.jobId}\`)` : ''}. Nothing was changed; try again when it has finished.`,
      retryable: false,
    });
  }
  try {
    return await fn();
  } finally {
    await locks.releaseDeploy(nomadJobId, holder.jobId);
  }
}

/** What a write fills in when it asks for an approval; the rest comes from the job's own context. */
export type ApprovalRequest = Pick<
  PendingApproval,
  'tenant' | 'nomadJobId' | 'jobJson' | 'templateJson' | 'jobModifyIndex' | 'planHash' | 'planLines'
>;

/**
 * Stores a pending approval for this job's write (expiring per policy) and audits it: the one path for both
 * /deploy and /deploy stop, so their approvals and audit records stay alike.
 */
export async function requestApproval(
  guards: WriteGuards,
  ctx: {
    jobId: string;
    command: { name: string; text: string; args: object };
    requester: PendingApproval['requester'];
    reply?: PendingApproval['reply'];
  },
  request: ApprovalRequest,
): Promise<StoredApproval> {
  const now = guards.now?.() ?? Date.now();
  const approval = await guards.approvals.save({
    jobId: ctx.jobId,
    commandName: ctx.command.name,
    commandText: ctx.command.text,
    args: { ...ctx.command.args },
    requester: ctx.requester,
    reply: ctx.reply ?? { kind: 'console' },
    ...request,
    createdAt: now,
    expiresAt: now + guards.approvalExpiryMinutes() * 60_000,
  });
  await auditInScope({
    type: 'approval.pending',
    approvalId: approval.id,
    tenant: approval.tenant,
    planHash: approval.planHash,
    user: ctx.requester.userId,
  });
  return approval;
}

function describeHolder(h: LockHolder): string {
  return `${describeUser(h.by)} since ${new Date(h.since).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
