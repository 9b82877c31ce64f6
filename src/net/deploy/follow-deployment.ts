import { BlockingCursor } from '../../clients/nomad/blocking-cursor.js';
import type { NomadClient } from '../../clients/nomad/index.js';
import type { Deployment, Evaluation, NomadJob } from '../../clients/nomad/types.js';
import { TimeoutError } from '../../errors.js';
import { type FollowOptions, remaining } from './follow-evaluation.js';

/** Deployment statuses after which nothing changes any more (initializing, pending, blocked, unblocking are not). */
const TERMINAL = new Set(['successful', 'failed', 'cancelled']);

export interface DeploymentProgress {
  desired: number;
  placed: number;
  healthy: number;
  unhealthy: number;
}

/** Sums the task groups' progress counters. */
function progressOf(d: Deployment): DeploymentProgress {
  const groups = Object.values(d.TaskGroups ?? {});
  const sum = (pick: (g: (typeof groups)[number]) => number | null | undefined) =>
    groups.reduce((n, g) => n + (pick(g) ?? 0), 0);
  return {
    desired: sum((g) => g.DesiredTotal),
    placed: sum((g) => g.PlacedAllocs),
    healthy: sum((g) => g.HealthyAllocs),
    unhealthy: sum((g) => g.UnhealthyAllocs),
  };
}

/** True when the deployment tracks this version of the job's spec (JobSpecModifyIndex is 0.8.4+). */
function isDeploymentOf(d: Deployment, job: Pick<NomadJob, 'JobModifyIndex' | 'Version'>): boolean {
  const spec = d.JobSpecModifyIndex ?? d.JobModifyIndex;
  return spec === job.JobModifyIndex && (d.JobVersion ?? job.Version) === job.Version;
}

/**
 * Finds the deployment of the job's current spec. The evaluation names the deployment it worked on
 * (scheduler setStatus: `eval.DeploymentID = s.deployment.GetID()`, the new one or the job's latest); it is
 * used when it tracks the spec the job now has. Otherwise the job's latest deployment is polled until one
 * does. The spec is read from the job itself, never from the register reply: from 1.11.2 an unchanged
 * register answers the job's ModifyIndex (nomad/job_endpoint.go:331-332), which no deployment carries.
 */
export async function findDeployment(
  nomad: NomadClient,
  jobId: string,
  job: Pick<NomadJob, 'JobModifyIndex' | 'Version'>,
  evaluation: Pick<Evaluation, 'DeploymentID'>,
  opts: FollowOptions,
): Promise<Deployment> {
  if (evaluation.DeploymentID) {
    const named = await nomad.readDeployment(evaluation.DeploymentID, { signal: opts.signal });
    if (isDeploymentOf(named.value, job)) return named.value;
  }
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  // A new cluster's deployment table has index 0: such a query cannot block, so the cursor backs off.
  const cursor = new BlockingCursor(opts.pacing);
  for (;;) {
    const index = await cursor.next(opts.signal);
    const res = await nomad.readJobLatestDeployment(jobId, {
      index,
      waitMs: remaining(deadline, opts.waitMs ?? 10_000),
      signal: opts.signal,
    });
    if (res.value && isDeploymentOf(res.value, job)) return res.value;
    if (Date.now() >= deadline) throw new TimeoutError(`waiting for the deployment of ${jobId}`, timeoutMs);
    cursor.update(res.index);
  }
}

/** Follows a deployment with blocking queries until it is successful, failed or cancelled, reporting each change. */
export async function followDeployment(
  nomad: NomadClient,
  first: Deployment,
  opts: FollowOptions & { onProgress?: (p: DeploymentProgress, d: Deployment) => Promise<void> | void },
): Promise<Deployment> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  let deployment = first;
  let last = '';
  const cursor = new BlockingCursor(opts.pacing);
  for (;;) {
    const key = JSON.stringify([deployment.Status, progressOf(deployment)]);
    if (key !== last) {
      last = key;
      await opts.onProgress?.(progressOf(deployment), deployment);
    }
    if (TERMINAL.has(deployment.Status)) return deployment;
    if (Date.now() >= deadline) throw new TimeoutError(`deployment ${deployment.ID.slice(0, 8)}`, timeoutMs);
    const res = await nomad.readDeployment(deployment.ID, {
      index: await cursor.next(opts.signal),
      waitMs: remaining(deadline, opts.waitMs ?? 10_000),
      signal: opts.signal,
    });
    deployment = res.value;
    cursor.update(res.index);
  }
}
