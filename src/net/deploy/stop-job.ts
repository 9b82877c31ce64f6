import type { NomadJob } from '../../clients/nomad/types.js';
import { ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import type { ClusterContext } from '../cluster.js';
import type { DeployDeps } from './apply-deploy.js';
import { deregisterStale } from './consul-sync.js';
import { followEvaluationChain } from './follow-evaluation.js';

/** What a stop did. */
export interface StopResult {
  ok: boolean;
  jobId: string;
  tenant: string;
  /** The stop's evaluation; null when Nomad created none (1.5.1+ answers an unknown job with an empty EvalID). */
  evalId: string | null;
  evalStatus: string;
  removed: string[];
  unreachable: Array<{ host: string; reason: string }>;
}

/** The job as Nomad has it, or a user-safe NotFound ("nothing to stop"). */
export async function readRegisteredJob(
  cluster: ClusterContext,
  jobId: string,
  signal: AbortSignal,
): Promise<NomadJob> {
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

/** Deregisters the job in Nomad, follows the evaluation (if Nomad made one) and sweeps the bot's Consul entries. */
export async function stopJob(
  deps: Pick<DeployDeps, 'cluster' | 'signal' | 'progress' | 'record'>,
  jobId: string,
  tenant: string,
): Promise<StopResult> {
  const { nomad } = deps.cluster;
  const stopped = await nomad.stopJob(jobId, { signal: deps.signal });
  await deps.record?.({ type: 'nomad.stop', evalId: stopped.EvalID, tenant });
  let evalId: string | null = stopped.EvalID || null;
  let evalStatus = 'none';
  if (evalId) {
    await deps.progress(`stopping (eval ${evalId.slice(0, 8)})`);
    const chain = await followEvaluationChain(nomad, evalId, jobId, { signal: deps.signal });
    evalId = chain.evaluation.ID;
    evalStatus = chain.evaluation.Status;
  }
  const sweep = await deregisterStale(deps.cluster, jobId, new Set(), deps.signal);
  await deps.progress(`deregistered ${sweep.removed.length} Consul entr${sweep.removed.length === 1 ? 'y' : 'ies'}`);
  return {
    ok: evalStatus === 'complete' || evalStatus === 'none',
    jobId,
    tenant,
    evalId,
    evalStatus,
    removed: sweep.removed,
    unreachable: sweep.unreachable,
  };
}
