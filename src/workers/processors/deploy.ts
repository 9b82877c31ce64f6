import type { DeployArgs } from '../../commands/index.js';
import { deploySpec } from '../../commands/specs/deploy.js';
import { type ClusterContext, clusterForTenant } from '../../net/cluster.js';
import { applyDeploy, type DeployDeps as NetDeployDeps, verifyUnchanged } from '../../net/deploy/apply-deploy.js';
import { startDeployResult } from '../../net/deploy/deploy-result.js';
import { createPhaseClock, type PhaseClock } from '../../net/deploy/phase-clock.js';
import { buildDeployReport } from '../../report/deploy-report.js';
import { auditInScope } from '../../stores/audit-context.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor, ProcessorContext } from '../processor.js';
import { guardsOf, tenantViewOf } from '../processor-kit.js';
import { buildPendingApprovalReport } from './approval-report.js';
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
  /** Refuses an unusable Nomad (unsupported release, unknown region) before anything is planned. */
  ensureNomad?: (signal: AbortSignal) => Promise<unknown>;
  /** Refuses a tenant whose subnet does not match how Weave was launched on the hosts (net/weave-launch.ts). */
  ensureWeave?: (tenant: string, signal: AbortSignal) => Promise<void>;
}

/** The net/deploy side channels of a worker job: its signal, progress and audit scope. */
export function deployDepsOf(
  ctx: Pick<ProcessorContext, 'signal' | 'progress'>,
  deps: Pick<DeployDeps, 'deploymentTimeoutMs' | 'consulTimeoutMs'>,
  cluster: ClusterContext,
  clock?: PhaseClock,
): NetDeployDeps {
  return {
    cluster,
    signal: ctx.signal,
    progress: ctx.progress,
    record: auditInScope,
    ...(clock ? { phase: clock.mark } : {}),
    ...(deps.deploymentTimeoutMs === undefined ? {} : { deploymentTimeoutMs: deps.deploymentTimeoutMs }),
    ...(deps.consulTimeoutMs === undefined ? {} : { consulTimeoutMs: deps.consulTimeoutMs }),
  };
}

/**
 * `/deploy <job> subnet=<tenant>`: render the template for the tenant and plan; when the tenant (or command)
 * needs an approval, store the plan and stop there (the approval starts the apply); a plan that changes nothing
 * ends at once as "no change" after verifying the running allocations in Consul; otherwise apply under the
 * job's deploy lock (net/deploy/apply-deploy.ts).
 */
export function createDeployProcessor(deps: DeployDeps): Processor<DeployArgs> {
  return async (ctx) => {
    const clock = createPhaseClock();
    const args = ctx.command.args;
    await checkTenantFreeze(deps.guards, args.tenant);
    await deps.ensureNomad?.(ctx.signal);
    // The tenant's Nomad namespace and token (when configured) for everything this write does.
    const cluster = clusterForTenant(deps.cluster, args.tenant);
    // The Weave launch check (`weave status` on every host, about a second on real hosts) and the plan (read-only
    // in Nomad) run side by side; a launch mismatch still wins, as it is the first thing to fix.
    const [weave, planned] = await Promise.allSettled([
      deps.ensureWeave?.(args.tenant, ctx.signal),
      planDeploy({ ...deps, cluster }, args, ctx.signal),
    ]);
    if (weave.status === 'rejected') throw weave.reason;
    if (planned.status === 'rejected') throw planned.reason;
    const plan = planned.value;
    const start = startDeployResult(args.job, plan.jobId, plan.placement.tenant, plan.placement.subnet, plan.lines);
    await auditInScope({ type: 'plan', tenant: plan.placement.tenant, planHash: plan.planHash });
    if (plan.placementFailures.length) {
      return buildDeployReport({
        ...start,
        failure: {
          stage: 'plan',
          message: 'Nomad cannot place every allocation, so nothing was registered',
          details: plan.placementFailures,
        },
      });
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
    clock.mark('plan');
    const net = deployDepsOf(ctx, deps, cluster, clock);
    return withDeployLock(guards, plan.jobId, { by: ctx.requester.userId, jobId: ctx.jobId }, async () => {
      const outcome = plan.unchanged
        ? await verifyUnchanged(net, { template: plan.template, attach: plan.placement.attach }, start)
        : await applyDeploy(
            net,
            {
              job: plan.job,
              template: plan.template,
              jobModifyIndex: plan.jobModifyIndex,
              attach: plan.placement.attach,
            },
            start,
          );
      return buildDeployReport({ ...outcome, phases: clock.phases() });
    });
  };
}

/** /deploy with the cluster gates and, when configured, the write guards. */
export const deployProcessor = defineProcessor(deploySpec, (kit) =>
  createDeployProcessor({
    cluster: kit.cluster,
    config: tenantViewOf(kit),
    jobsDir: kit.config.jobs.dir,
    ensureNomad: kit.gates.ensureNomad,
    ensureWeave: kit.gates.ensureWeave,
    ...guardsOf(kit),
  }),
);
