import type { DeployArgs } from '../../commands/index.js';
import { type ClusterContext, clusterForTenant } from '../../net/cluster.js';
import { auditInScope } from '../../queue/audit-context.js';
import { buildDeployReport } from '../../report/deploy-report.js';
import type { Processor } from '../processor.js';
import { buildPendingApprovalReport } from './approval-report.js';
import { applyDeploy, startDeployOutcome } from './deploy-apply.js';
import { planDeploy } from './deploy-plan.js';
import type { TenantConfigView } from './tenant-context.js';
import { checkTenantFreeze, requestApproval, type WriteGuards, withDeployLock } from './write-guards.js';

export interface DeployDeps {
  cluster: ClusterContext;
  config: TenantConfigView;
  jobsDir: string;
  /** Upper bound for the Nomad deployment to finish. @defaultValue 300 000 */
  deploymentTimeoutMs?: number;
  /** Upper bound for Consul checks of the new instances to pass. @defaultValue 60 000 */
  consulTimeoutMs?: number;
  /** Approvals, tenant freezes and the per-job deploy lock; without them the deploy is unguarded (tests). */
  guards?: WriteGuards;
}

/**
 * `/deploy <job> subnet=<tenant>`: render the template for the tenant and plan; when the tenant (or command)
 * needs an approval, store the plan and stop there (the approval starts the apply); otherwise apply at once
 * under the job's deploy lock: register with check-and-set, follow evaluation and deployment, register the
 * real overlay IPs in Consul and verify Consul DNS.
 */
export function createDeployProcessor(deps: DeployDeps): Processor<DeployArgs> {
  return async (ctx) => {
    const args = ctx.command.args;
    await checkTenantFreeze(deps.guards, args.tenant);
    // The tenant's Nomad namespace and token (when configured) for everything this write does.
    const tenantDeps = { ...deps, cluster: clusterForTenant(deps.cluster, args.tenant) };
    const plan = await planDeploy(tenantDeps, args, ctx.signal);
    const outcome = startDeployOutcome(args.job, plan.jobId, plan.placement.tenant, plan.placement.subnet);
    outcome.plan = plan.lines;
    await auditInScope({ type: 'plan', tenant: plan.placement.tenant, planHash: plan.planHash });
    if (plan.placementFailures.length) {
      outcome.failure = {
        stage: 'plan',
        message: 'Nomad cannot place every allocation, so nothing was registered',
        details: plan.placementFailures,
      };
      return buildDeployReport(outcome);
    }
    const guards = deps.guards;
    if (guards?.approvalRequired('deploy', plan.placement.tenant)) {
      const approval = await requestApproval(guards, ctx, {
        tenant: plan.placement.tenant,
        nomadJobId: plan.jobId,
        jobJson: JSON.stringify(plan.job),
        templateJson: JSON.stringify(plan.template),
        jobModifyIndex: plan.jobModifyIndex,
        planHash: plan.planHash,
        planLines: plan.lines,
      });
      await ctx.progress(`planned: ${plan.lines.join('; ')}; awaiting approval ${approval.id}`);
      return buildPendingApprovalReport(approval);
    }
    await ctx.progress(`planned: ${plan.lines.join('; ')}`);
    return withDeployLock(guards, plan.jobId, { by: ctx.requester.userId, jobId: ctx.jobId }, () =>
      applyDeploy(ctx, tenantDeps, outcome, {
        job: plan.job,
        template: plan.template,
        jobModifyIndex: plan.jobModifyIndex,
      }),
    );
  };
}
