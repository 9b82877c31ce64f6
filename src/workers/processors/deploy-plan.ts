import { createHash } from 'node:crypto';
import type { DeployArgs } from '../../commands/index.js';
import type { ClusterContext } from '../../net/cluster.js';
import { describePlacementFailures, describePlan, isUnchangedPlan } from '../../net/deploy/describe-nomad.js';
import { applyTenant, type TenantPlacement, tenantJobId } from '../../net/tenant-job.js';
import { loadJobTemplate } from './job-template.js';
import { resolveTenant, type TenantConfigView } from './tenant-context.js';

/** What a /deploy plan found: the rendered job and the index the apply must enforce. */
export interface DeployPlan {
  placement: TenantPlacement & { network: string };
  /** The Nomad job id, `<job>-<tenant>`. */
  jobId: string;
  /** The parsed template (services are read from it after the apply). */
  template: Record<string, unknown>;
  /** The job as it will be registered. */
  job: Record<string, unknown>;
  /** Plan diff, one line per task group. */
  lines: string[];
  placementFailures: string[];
  /** Nomad's JobModifyIndex at plan time: the register enforces it (check-and-set). */
  jobModifyIndex: number;
  /** Short hash of the rendered job and the index, to tie an approval and the audit to one exact plan. */
  planHash: string;
  /** The plan changes nothing (diff `None`, only ignores): the deploy ends as "no change". */
  unchanged: boolean;
}

/** Renders the template for the tenant and asks Nomad for a plan with diff. Changes nothing. */
export async function planDeploy(
  deps: { cluster: ClusterContext; config: TenantConfigView; jobsDir: string },
  args: DeployArgs,
  signal: AbortSignal,
): Promise<DeployPlan> {
  const { nomad } = deps.cluster;
  const placement = resolveTenant(deps.config, args.tenant);
  const template = await loadJobTemplate(nomad, deps.jobsDir, args.job, signal);
  const job = applyTenant(template, args.job, placement, {
    ...(args.count ? { count: args.count } : {}),
    ...(args.image ? { image: args.image } : {}),
  });
  const plan = await nomad.planJob(job as never, { diff: true, signal });
  const jobModifyIndex = plan.JobModifyIndex ?? 0;
  return {
    placement,
    jobId: tenantJobId(args.job, placement.tenant),
    template,
    job,
    lines: describePlan(plan),
    placementFailures: describePlacementFailures(plan.FailedTGAllocs as never),
    jobModifyIndex,
    planHash: hashPlan(job, jobModifyIndex),
    unchanged: jobModifyIndex > 0 && isUnchangedPlan(plan),
  };
}

/** sha256 over the rendered job and the enforced index, first 16 hex digits. */
export function hashPlan(job: unknown, jobModifyIndex: number): string {
  return createHash('sha256').update(JSON.stringify(job)).update(`\n${jobModifyIndex}`).digest('hex').slice(0, 16);
}
