import { StateIndex } from './http/state-index.js';
import type { Job } from './job-types.js';
import type { Allocation, Deployment, Evaluation, NodeRecord } from './state-types.js';

/** Everything the emulated Nomad server knows, plus the one global index every change bumps. */
export class NomadState {
  readonly index = new StateIndex(10);
  readonly jobs = new Map<string, Job>();
  readonly evals = new Map<string, Evaluation>();
  readonly allocs = new Map<string, Allocation>();
  readonly deployments = new Map<string, Deployment>();

  constructor(readonly nodes: readonly NodeRecord[]) {}

  /** Records a change; returns the new index to stamp on the changed objects. */
  touch(): number {
    return this.index.bump();
  }

  /** Allocations of one job, oldest first. */
  allocsOfJob(jobId: string): Allocation[] {
    return [...this.allocs.values()].filter((a) => a.JobID === jobId).sort((a, b) => a.CreateIndex - b.CreateIndex);
  }

  /** The latest deployment of a job (highest CreateIndex), if any. */
  latestDeployment(jobId: string): Deployment | undefined {
    let latest: Deployment | undefined;
    for (const d of this.deployments.values()) {
      if (d.JobID === jobId && (!latest || d.CreateIndex > latest.CreateIndex)) latest = d;
    }
    return latest;
  }

  /** Allocations that still hold resources on their node. */
  liveAllocs(): Allocation[] {
    return [...this.allocs.values()].filter((a) => isAllocLive(a));
  }
}

/** True while an allocation is wanted and has not finished: it counts against its node's capacity. */
export function isAllocLive(alloc: Allocation): boolean {
  return alloc.DesiredStatus === 'run' && (alloc.ClientStatus === 'pending' || alloc.ClientStatus === 'running');
}

/** Nomad timestamps: JSON times are RFC 3339, `*Time` numbers are unix nanoseconds. */
export function nowNs(): number {
  return Date.now() * 1e6;
}
