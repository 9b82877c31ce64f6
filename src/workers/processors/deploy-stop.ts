import type { DeployStopArgs } from '../../commands/index.js';
import { deployStopSpec } from '../../commands/specs/deploy-stop.js';
import { type ClusterContext, clusterForTenant } from '../../net/cluster.js';
import { readRegisteredJob, stopJob } from '../../net/deploy/stop-job.js';
import { tenantJobId } from '../../net/tenant-job.js';
import type { Report, ReportBlock } from '../../report/model.js';
import { auditInScope } from '../../stores/audit-context.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor, ProcessorContext } from '../processor.js';
import { guardsOf, tenantViewOf } from '../processor-kit.js';
import { buildPendingApprovalReport } from './approval-report.js';
import { hashPlan } from './deploy-plan.js';
import { resolveTenant, type TenantConfigView } from './tenant-context.js';

export { readRegisteredJob };

import { checkTenantFreeze, requestApproval, type WriteGuards, withDeployLock } from './write-guards.js';

/**
 * `/deploy stop <job> subnet=<tenant>`: stop the tenant's job in Nomad and remove the bot's Consul entries for it.
 * In a tenant that needs approval, the "plan" (the job and its modify index) is stored for an approver instead.
 */
function createDeployStopProcessor(deps: {
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

/** The stop itself (net/deploy/stop-job.ts), reported. */
export async function stopTenantJob(
  ctx: Pick<ProcessorContext, 'signal' | 'progress'>,
  cluster: ClusterContext,
  jobId: string,
  tenant: string,
): Promise<Report> {
  const stop = await stopJob(
    { cluster, signal: ctx.signal, progress: ctx.progress, record: auditInScope },
    jobId,
    tenant,
  );
  const blocks: ReportBlock[] = [
    {
      kind: 'fields',
      fields: [
        { label: 'job', value: `\`${jobId}\`` },
        {
          label: 'evaluation',
          value: stop.evalId ? `\`${stop.evalId.slice(0, 8)}\` ${stop.evalStatus}` : 'none (Nomad had no such job)',
        },
        { label: 'Consul entries removed', value: String(stop.removed.length) },
      ],
    },
    ...stop.unreachable.map(
      (u): ReportBlock => ({
        kind: 'alert',
        level: 'warning',
        text: `Consul agent on ${u.host} unreachable; its entries for ${jobId} may remain: ${u.reason}`,
      }),
    ),
  ];
  return {
    command: 'deploy-stop',
    ok: stop.ok,
    title: stop.ok
      ? `stopped ${jobId}, ${stop.removed.length} Consul entries removed`
      : `stop of ${jobId}: evaluation ${stop.evalStatus}`,
    blocks,
    jobId,
    tenant,
    evalId: stop.evalId,
    removed: stop.removed,
  };
}

/** /deploy stop, under the write guards when configured. */
export const deployStopProcessor = defineProcessor(deployStopSpec, (kit) =>
  createDeployStopProcessor({ cluster: kit.cluster, config: tenantViewOf(kit), ...guardsOf(kit) }),
);
