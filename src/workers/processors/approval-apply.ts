import { z } from 'zod';
import { ErrorCode, NetopsError } from '../../errors.js';
import { type ClusterContext, clusterForTenant } from '../../net/cluster.js';
import { applyDeploy } from '../../net/deploy/apply-deploy.js';
import { startDeployResult } from '../../net/deploy/deploy-result.js';
import { createPhaseClock } from '../../net/deploy/phase-clock.js';
import { buildDeployReport } from '../../report/deploy-report.js';
import { describeUser } from '../../report/mention.js';
import type { Report } from '../../report/model.js';
import type { StoredApproval } from '../../stores/approval-store.js';
import { APPROVAL_APPLY_COMMAND } from '../../stores/approval-store.js';
import { auditInScope } from '../../stores/audit-context.js';
import { defineProcessor } from '../define-processor.js';
import type { ApprovalApplyArgs, Processor } from '../processor.js';
import { tenantViewOf } from '../processor-kit.js';
import { type DeployDeps, deployDepsOf } from './deploy.js';
import { readRegisteredJob, stopTenantJob } from './deploy-stop.js';
import { resolveTenant, type TenantConfigView } from './tenant-context.js';
import { checkTenantFreeze, type WriteGuards, withDeployLock } from './write-guards.js';

/**
 * Applies an approved plan exactly as planned: /deploy registers the stored job with EnforceIndex on the
 * plan's JobModifyIndex (a job changed since fails closed), /deploy stop first checks the index is unchanged.
 * Runs under the same tenant freeze and deploy lock as a direct write.
 */
function createApprovalApplyProcessor(
  deps: Pick<DeployDeps, 'deploymentTimeoutMs' | 'consulTimeoutMs' | 'ensureNomad' | 'ensureWeave'> & {
    cluster: ClusterContext;
    config: TenantConfigView;
    guards: WriteGuards;
  },
): Processor<ApprovalApplyArgs> {
  return async (ctx) => {
    const approval = await deps.guards.approvals.get(ctx.command.args.approvalId);
    if (approval?.status !== 'approved') {
      throw new NetopsError(ErrorCode.Forbidden, 'approval not approved', {
        userMessage: `Approval \`${ctx.command.args.approvalId}\` is not approved: nothing was applied.`,
      });
    }
    await checkTenantFreeze(deps.guards, approval.tenant);
    const holder = { by: approval.requester.userId, jobId: ctx.jobId };
    const report = await withDeployLock(deps.guards, approval.nomadJobId, holder, () =>
      approval.commandName === 'deploy-stop' ? applyStop(approval) : applyApprovedDeploy(approval),
    );
    return {
      ...report,
      title: `${report.title} (approved by ${approval.decidedBy})`,
      blocks: [
        {
          kind: 'text',
          text: `Approval \`${approval.id}\`: requested by ${describeUser(approval.requester.userId)}, approved by ${describeUser(approval.decidedBy ?? '?')}, plan \`${approval.planHash}\`.`,
        },
        ...report.blocks,
      ],
      approval: {
        id: approval.id,
        status: 'approved',
        requester: approval.requester.userId,
        approver: approval.decidedBy,
      },
      planHash: approval.planHash,
    };

    async function applyApprovedDeploy(a: StoredApproval): Promise<Report> {
      const placement = resolveTenant(deps.config, a.tenant);
      const start = startDeployResult(String(a.args.job), a.nomadJobId, a.tenant, placement.subnet, a.planLines);
      await auditInScope({ type: 'apply', approvalId: a.id, planHash: a.planHash, tenant: a.tenant });
      await deps.ensureNomad?.(ctx.signal);
      await deps.ensureWeave?.(a.tenant, ctx.signal);
      // The plan was timed when it was made; this run's phases start at the register.
      const clock = createPhaseClock();
      const net = deployDepsOf(ctx, deps, clusterForTenant(deps.cluster, a.tenant), clock);
      const result = await applyDeploy(
        net,
        {
          job: JSON.parse(a.jobJson) as Record<string, unknown>,
          template: JSON.parse(a.templateJson) as Record<string, unknown>,
          jobModifyIndex: a.jobModifyIndex,
          approvalId: a.id,
          attach: placement.attach,
        },
        start,
      );
      return buildDeployReport({ ...result, phases: clock.phases() });
    }

    async function applyStop(a: StoredApproval): Promise<Report> {
      const cluster = clusterForTenant(deps.cluster, a.tenant);
      const current = await readRegisteredJob(cluster, a.nomadJobId, ctx.signal);
      // Nomad's deregister has no EnforceIndex: compare first so a job changed since the plan fails closed.
      if ((current.JobModifyIndex ?? 0) !== a.jobModifyIndex) {
        throw new NetopsError(ErrorCode.Conflict, `approved stop ${a.id} is stale`, {
          userMessage: `Job \`${a.nomadJobId}\` changed in Nomad since the approved plan (index ${a.jobModifyIndex}, now ${current.JobModifyIndex}), so it was not stopped (fail closed). Run the command again for a new approval.`,
        });
      }
      await auditInScope({ type: 'apply', approvalId: a.id, planHash: a.planHash, tenant: a.tenant });
      return stopTenantJob(ctx, cluster, a.nomadJobId, a.tenant);
    }
  };
}

/** The job access/approval-actions.ts queues once an approver approves: its name and args. */
const approvalApplyJob = { name: APPROVAL_APPLY_COMMAND, args: z.object({ approvalId: z.string() }) };

/** The approved apply, only where writes are guarded (without approvals there is nothing to apply). */
export const approvalApplyProcessor = defineProcessor(approvalApplyJob, (kit) =>
  kit.guards
    ? createApprovalApplyProcessor({
        cluster: kit.cluster,
        config: tenantViewOf(kit),
        guards: kit.guards,
        ensureNomad: kit.gates.ensureNomad,
        ensureWeave: kit.gates.ensureWeave,
      })
    : undefined,
);
