import type { DeployStopArgs } from '../../commands/index.js';
import { ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import { type ClusterContext, clusterForTenant } from '../../net/cluster.js';
import { deregisterStale } from '../../net/deploy/consul-sync.js';
import { followEvaluation } from '../../net/deploy/follow-evaluation.js';
import { tenantJobId } from '../../net/tenant-job.js';
import { auditInScope } from '../../queue/audit-context.js';
import type { Report, ReportBlock } from '../../report/model.js';
import type { Processor, ProcessorContext } from '../processor.js';
import { buildPendingApprovalReport } from './approval-report.js';
import { hashPlan } from './deploy-plan.js';
import { resolveTenant, type TenantConfigView } from './tenant-context.js';
import { checkTenantFreeze, requestApproval, type WriteGuards, withDeployLock } from './write-guards.js';

/**
 * `/deploy stop <job> subnet=<tenant>`: stop the tenant's job in Nomad and remove the bot's Consul entries for it.
 * In a tenant that needs approval, the "plan" (the job and its modify index) is stored for an approver instead.
 */
export function createDeployStopProcessor(deps: {
  cluster: ClusterContext;
  config: TenantConfigView;
  guards?: WriteGuards;
}): Processor<DeployStopArgs> {
  return async (ctx) => {
    const placement = resolveTenant(deps.config, ctx.command.args.tenant);
    const jobId = tenantJobId(ctx.command.args.job, placement.tenant);
    await checkTenantFreeze(deps.guards, placement.tenant);
    const cluster = clusterForTenant(deps.cluster, placement.tenant);
    const current = await readRegisteredJob(cluster, jobId, ctx.signal);
    const guards = deps.guards;
    if (guards?.approvalRequired('deploy-stop', placement.tenant)) {
      const index = current.JobModifyIndex ?? 0;
      const approval = await requestApproval(guards, ctx, {
        tenant: placement.tenant,
        nomadJobId: jobId,
        jobJson: '',
        templateJson: '',
        jobModifyIndex: index,
        planHash: hashPlan({ stop: jobId }, index),
        planLines: [`stop ${jobId} (version ${current.Version ?? '?'}, modify index ${index})`],
      });
      return buildPendingApprovalReport(approval);
    }
    return withDeployLock(guards, jobId, { by: ctx.requester.userId, jobId: ctx.jobId }, () =>
      stopTenantJob(ctx, cluster, jobId, placement.tenant),
    );
  };
}

/** The job as Nomad has it, or a user-safe NotFound ("nothing to stop"). */
export async function readRegisteredJob(cluster: ClusterContext, jobId: string, signal: AbortSignal) {
  try {
    return await cluster.nomad.readJob(jobId, { signal });
  } catch (err) {
    if (isNetopsError(err) && err.code === ErrorCode.NotFound) {
      throw new NetopsError(ErrorCode.NotFound, `job ${jobId} not found`, {
        userMessage: `Job \`${jobId}\` is not registered in Nomad: nothing to stop.`,
      });
    }
    throw err;
  }
}

/** The stop itself: deregister in Nomad, follow the evaluation, sweep the bot's Consul entries. */
export async function stopTenantJob(
  ctx: Pick<ProcessorContext, 'signal' | 'progress'>,
  cluster: ClusterContext,
  jobId: string,
  tenant: string,
): Promise<Report> {
  const { nomad } = cluster;
  const stopped = await nomad.stopJob(jobId, { signal: ctx.signal });
  await auditInScope({ type: 'nomad.stop', evalId: stopped.EvalID, tenant });
  await ctx.progress(`stopping (eval ${stopped.EvalID.slice(0, 8)})`);
  const evaluation = await followEvaluation(nomad, stopped.EvalID, { signal: ctx.signal });
  const sweep = await deregisterStale(cluster, jobId, new Set(), ctx.signal);
  await ctx.progress(`deregistered ${sweep.removed.length} Consul entr${sweep.removed.length === 1 ? 'y' : 'ies'}`);
  const blocks: ReportBlock[] = [
    {
      kind: 'fields',
      fields: [
        { label: 'job', value: `\`${jobId}\`` },
        { label: 'evaluation', value: `\`${stopped.EvalID.slice(0, 8)}\` ${evaluation.Status}` },
        { label: 'Consul entries removed', value: String(sweep.removed.length) },
      ],
    },
    ...sweep.unreachable.map(
      (u): ReportBlock => ({
        kind: 'alert',
        level: 'warning',
        text: `Consul agent on ${u.host} unreachable; its entries for ${jobId} may remain: ${u.reason}`,
      }),
    ),
  ];
  const ok = evaluation.Status === 'complete';
  return {
    command: 'deploy-stop',
    ok,
    title: ok
      ? `stopped ${jobId}, ${sweep.removed.length} Consul entries removed`
      : `stop of ${jobId}: evaluation ${evaluation.Status}`,
    blocks,
    jobId,
    tenant,
    evalId: stopped.EvalID,
    removed: sweep.removed,
  };
}
