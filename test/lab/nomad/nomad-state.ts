import { StateIndex } from './http/state-index.js';
import type { Job } from './job-types.js';
import type { Allocation, Deployment, Evaluation, NodeRecord } from './state-types.js';

/** The key of a job in the state: Nomad keys jobs by namespace and ID (`nomad/state/schema.go` "jobs" id index). */
export function jobKey(namespace: string, jobId: string): string {
  return `${namespace}\n${jobId}`;
}

/** Everything the emulated Nomad server knows, plus the one global index every change bumps. */
export class NomadState {
  readonly index = new StateIndex(10);
  /** Jobs by `jobKey(namespace, id)`. */
  readonly jobs = new Map<string, Job>();
  readonly evals = new Map<string, Evaluation>();
  readonly allocs = new Map<string, Allocation>();
  readonly deployments = new Map<string, Deployment>();
  /** Namespaces that exist (`default` always). */
  readonly namespaces: Set<string>;

  constructor(
    readonly nodes: readonly NodeRecord[],
    namespaces: readonly string[] = [],
  ) {
    this.namespaces = new Set(['default', ...namespaces]);
  }

  /** Records a change; returns the new index to stamp on the changed objects. */
  touch(): number {
    return this.index.bump();
  }

  /** A job by namespace and ID. */
  job(namespace: string, jobId: string): Job | undefined {
    return this.jobs.get(jobKey(namespace, jobId));
  }

  /** Allocations of one job, oldest first. */
  allocsOfJob(namespace: string, jobId: string): Allocation[] {
    return [...this.allocs.values()]
      .filter((a) => a.JobID === jobId && a.Namespace === namespace)
      .sort((a, b) => a.CreateIndex - b.CreateIndex);
  }

  /** Deployments of one job, newest first. */
  deploymentsOfJob(namespace: string, jobId: string): Deployment[] {
    return [...this.deployments.values()]
      .filter((d) => d.JobID === jobId && d.Namespace === namespace)
      .sort((a, b) => b.CreateIndex - a.CreateIndex);
  }

  /** The latest deployment of a job (highest CreateIndex), if any. */
  latestDeployment(namespace: string, jobId: string): Deployment | undefined {
    return this.deploymentsOfJob(namespace, jobId)[0];
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
