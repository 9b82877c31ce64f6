import type { NomadClient } from '../../clients/nomad/index.js';
import type { Deployment } from '../../clients/nomad/types.js';
import { TimeoutError } from '../../errors.js';
import { type FollowOptions, remaining } from './follow-evaluation.js';

/** Deployment statuses after which nothing changes any more. */
const TERMINAL = new Set(['successful', 'failed', 'cancelled']);

export interface DeploymentProgress {
  desired: number;
  placed: number;
  healthy: number;
  unhealthy: number;
}

/** Sums the task groups' progress counters. */
export function progressOf(d: Deployment): DeploymentProgress {
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

/**
 * Finds the deployment created by our register (right after register `/job/:id/deployment` may still return
 * the previous one, so it is matched on JobSpecModifyIndex), then follows it with blocking queries until it
 * is successful, failed or cancelled, reporting each change of its counters.
 */
export async function followDeployment(
  nomad: NomadClient,
  jobId: string,
  jobModifyIndex: number,
  opts: FollowOptions & { onProgress?: (p: DeploymentProgress, d: Deployment) => Promise<void> | void },
): Promise<Deployment> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  let index = 0;
  let deployment: Deployment | null = null;
  while (!deployment || (deployment.JobSpecModifyIndex ?? deployment.JobModifyIndex) !== jobModifyIndex) {
    if (Date.now() >= deadline) throw new TimeoutError(`waiting for the deployment of ${jobId}`, timeoutMs);
    const res = await nomad.readJobLatestDeployment(jobId, {
      index,
      waitMs: remaining(deadline, opts.waitMs ?? 10_000),
      signal: opts.signal,
    });
    deployment = res.value;
    index = res.index;
  }
  let last = '';
  index = 0;
  for (;;) {
    const key = JSON.stringify([deployment.Status, progressOf(deployment)]);
    if (key !== last) {
      last = key;
      await opts.onProgress?.(progressOf(deployment), deployment);
    }
    if (TERMINAL.has(deployment.Status)) return deployment;
    if (Date.now() >= deadline) throw new TimeoutError(`deployment ${deployment.ID.slice(0, 8)}`, timeoutMs);
    const res = await nomad.readDeployment(deployment.ID, {
      index,
      waitMs: remaining(deadline, opts.waitMs ?? 10_000),
      signal: opts.signal,
    });
    deployment = res.value;
    index = res.index;
  }
}
