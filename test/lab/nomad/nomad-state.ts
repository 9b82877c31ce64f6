import { StateIndex } from './http/state-index.js';
import type { Job } from './job-types.js';
import type { Allocation, Deployment, Evaluation, NodeRecord } from './state-types.js';

/** The key of a job in the state: Nomad keys jobs by namespace and ID (`nomad/state/schema.go` "jobs" id index). */
export function jobKey(namespace: string, jobId: string): string {
  return `${namespace}\n${jobId}`;
}

/**
 * The memdb tables whose index the read endpoints answer with (nomad/state/schema.go table names; HEAD
 * nomad/state/state_store.go `Index(table)` reads the "index" table, 0 for a table never written).
 */
export type NomadTable = 'jobs' | 'evals' | 'allocs' | 'deployment' | 'nodes' | 'namespaces';

/**
 * Raft index at which the lab's nodes and the default namespace were written, before the API answers anything:
 * a new cluster's jobs, evals, allocs and deployment tables are still at 0, its nodes table is not.
 */
export const BOOT_INDEX = 9;

/** Everything the emulated Nomad server knows, plus the one global raft index every change bumps. */
export class NomadState {
  readonly index = new StateIndex(BOOT_INDEX);
  /** The raft index of the last delete per table (a purge bumps the table without leaving an object). */
  readonly #deletedAt = new Map<NomadTable, number>();
  /** Jobs by `jobKey(namespace, id)`. */
  readonly jobs = new Map<string, Job>();
  readonly evals = new Map<string, Evaluation>();
  readonly allocs = new Map<string, Allocation>();
  readonly deployments = new Map<string, Deployment>();
  /** Lab-only switches that make the server produce rarer real states (set by tests). */
  readonly options = { deploymentsStartInitializing: false };
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

  /**
   * The index of one table, as `state.Index(table)`: the raft index of its last write. Writes stamp the
   * objects' ModifyIndex with the index they were made at, so the table index is the highest of those (or of
   * the last delete); 0 while nothing was ever written (HEAD nomad/state/state_store.go Index; no floor at 1:
   * command/agent/http.go:881-883 setIndex writes the value as it is).
   */
  tableIndex(table: NomadTable): number {
    const objects: Iterable<{ ModifyIndex?: number }> =
      table === 'jobs'
        ? this.jobs.values()
        : table === 'evals'
          ? this.evals.values()
          : table === 'allocs'
            ? this.allocs.values()
            : table === 'deployment'
              ? this.deployments.values()
              : [];
    let max = table === 'nodes' || table === 'namespaces' ? BOOT_INDEX : 0;
    for (const o of objects) max = Math.max(max, o.ModifyIndex ?? 0);
    return Math.max(max, this.#deletedAt.get(table) ?? 0);
  }

  /** Records that a delete from `table` happened at `index` (the table index moves although no object does). */
  markDeleted(table: NomadTable, index: number): void {
    this.#deletedAt.set(table, Math.max(index, this.#deletedAt.get(table) ?? 0));
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
