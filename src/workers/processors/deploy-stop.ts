import type { DeployStopArgs } from '../../commands/index.js';
import { ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import type { ClusterContext } from '../../net/cluster.js';
import { deregisterStale } from '../../net/deploy/consul-sync.js';
import { followEvaluation } from '../../net/deploy/follow-evaluation.js';
import { tenantJobId } from '../../net/tenant-job.js';
import type { Report, ReportBlock } from '../../report/model.js';
import type { Processor } from '../processor.js';
import { resolveTenant, type TenantConfigView } from './tenant-context.js';

/** `/deploy stop <job> subnet=<tenant>`: stop the tenant's job in Nomad and remove the bot's Consul entries for it. */
export function createDeployStopProcessor(deps: {
  cluster: ClusterContext;
  config: TenantConfigView;
}): Processor<DeployStopArgs> {
  return async (ctx) => {
    const { nomad } = deps.cluster;
    const placement = resolveTenant(deps.config, ctx.command.args.tenant);
    const jobId = tenantJobId(ctx.command.args.job, placement.tenant);
    try {
      await nomad.readJob(jobId, { signal: ctx.signal });
    } catch (err) {
      if (isNetopsError(err) && err.code === ErrorCode.NotFound) {
        throw new NetopsError(ErrorCode.NotFound, `job ${jobId} not found`, {
          userMessage: `Job \`${jobId}\` is not registered in Nomad: nothing to stop.`,
        });
      }
      throw err;
    }
    const stopped = await nomad.stopJob(jobId, { signal: ctx.signal });
    await ctx.progress(`stopping (eval ${stopped.EvalID.slice(0, 8)})`);
    const evaluation = await followEvaluation(nomad, stopped.EvalID, { signal: ctx.signal });
    const sweep = await deregisterStale(deps.cluster, jobId, new Set(), ctx.signal);
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
    const report: Report = {
      command: 'deploy-stop',
      ok,
      title: ok
        ? `stopped ${jobId}, ${sweep.removed.length} Consul entries removed`
        : `stop of ${jobId}: evaluation ${evaluation.Status}`,
      blocks,
      jobId,
      tenant: placement.tenant,
      evalId: stopped.EvalID,
      removed: sweep.removed,
    };
    return report;
  };
}
