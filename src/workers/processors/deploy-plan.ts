import { createHash } from 'node:crypto';
import type { DeployArgs } from '../../commands/index.js';
import { ErrorCode, NetopsError } from '../../errors.js';
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
  await checkDatacenters(nomad, job, args.job, signal);
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

/**
 * The job's datacenters must have nodes: Nomad would only report an evaluation that places nothing. Names may
 * use `*` (Nomad 1.5+ treats datacenters as glob patterns; "*" is the 1.5+ default).
 */
async function checkDatacenters(
  nomad: ClusterContext['nomad'],
  job: Record<string, unknown>,
  template: string,
  signal: AbortSignal,
): Promise<void> {
  const wanted = (job.Datacenters as string[] | null | undefined) ?? [];
  if (wanted.length === 0) return;
  const nodes = await nomad.listNodes({ signal });
  const real = [...new Set(nodes.map((n) => n.Datacenter ?? ''))].filter(Boolean).sort();
  const glob = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  if (wanted.some((dc) => real.some((r) => glob(dc).test(r)))) return;
  throw new NetopsError(ErrorCode.NotFound, `no nodes in datacenters ${wanted.join(', ')}`, {
    userMessage: `jobs/${template}.nomad.hcl deploys to Nomad datacenter(s) ${wanted.map((d) => `\`${d}\``).join(', ')}, which have no nodes; the cluster's datacenters: ${real.map((d) => `\`${d}\``).join(', ') || 'none'}.`,
  });
}
