import { type DecodeFailure, decodeJsonArray } from '../../clients/decode-json.js';
import { type JobListStub, jobListStubSchema } from '../../clients/nomad/index.js';
import { joinSlabs } from '../../clients/upstream-body.js';
import type { ReportBlock } from '../../report/model.js';

/**
 * The job lists of /status (the cluster's namespace first, then each tenant namespace), each an undecoded body
 * in slabs (readCappedSlabs).
 */
export interface StatusJobsTask {
  bodies: Uint8Array[][];
  tenants: string[];
}

/** The jobs table, or the first list that did not decode (its index in `bodies`) and why. */
export type StatusJobsResult = { ok: true; block: ReportBlock } | { ok: false; list: number; failure: DecodeFailure };

/**
 * Decodes every job list (each stub validated with `jobListStubSchema`, as `listJobs` does) and tallies it into
 * the /status jobs table, a stub at a time. Meant for a worker thread (status-jobs-thread.ts): the lists of a large cluster are tens of MB.
 */
export function tallyJobLists(task: StatusJobsTask): StatusJobsResult {
  const tally = createJobTally(task.tenants);
  for (const [list, slabs] of task.bodies.entries()) {
    const decoded = decodeJsonArray(joinSlabs(slabs).toString('utf8'), jobListStubSchema, (job) => tally.add(job));
    if (!decoded.ok) return { ok: false, list, failure: decoded.failure };
  }
  return { ok: true, block: tally.block() };
}

/**
 * Jobs listed by name per tenant in /status; the rest are counted. A 40,000-job cluster once gave one table cell
 * of 40,000 names (and quadratic work building it, issue 17 item 7); a reply cannot show that anyway.
 */
export const STATUS_JOBS_LISTED_PER_TENANT = 50;

interface TenantJobs {
  listed: string[];
  total: number;
  states: Map<string, number>;
}

/** The jobs table of /status, tallied one job at a time: a job list is never held whole. */
export interface JobTally {
  /** Counts a job once, however many namespace lists name it (the same namespace and ID). */
  add(job: Pick<JobListStub, 'ID' | 'Namespace' | 'Status'>): void;
  /** Jobs per tenant: a job belongs to the tenant whose name ends its ID, `(none)` otherwise. */
  block(): ReportBlock;
}

/**
 * Linear in the number of jobs: each job is matched against the (few) tenant names once and appended in place;
 * only its key is kept (for the duplicate check) and, for the first 50 of a tenant, its line.
 */
export function createJobTally(tenantNames: readonly string[]): JobTally {
  // Longest first, so that `-b` does not claim the jobs of `tenant-b`.
  const suffixes = [...tenantNames].sort((a, b) => b.length - a.length).map((t) => ({ tenant: t, suffix: `-${t}` }));
  const byTenant = new Map<string, TenantJobs>();
  const seen = new Set<string>();
  return {
    add(job) {
      const key = `${job.Namespace ?? ''}/${job.ID}`;
      if (seen.has(key)) return;
      seen.add(key);
      const tenant = suffixes.find((s) => job.ID.endsWith(s.suffix))?.tenant ?? '(none)';
      let entry = byTenant.get(tenant);
      if (!entry) {
        entry = { listed: [], total: 0, states: new Map() };
        byTenant.set(tenant, entry);
      }
      entry.total++;
      entry.states.set(job.Status, (entry.states.get(job.Status) ?? 0) + 1);
      if (entry.listed.length < STATUS_JOBS_LISTED_PER_TENANT) entry.listed.push(`${job.ID} (${job.Status})`);
    },
    block() {
      return {
        kind: 'table',
        columns: ['tenant', 'jobs'],
        rows: [...byTenant.entries()].map(([t, e]) => [t, describe(e)]),
      };
    },
  };
}

function describe(e: TenantJobs): string {
  if (e.total <= e.listed.length) return e.listed.join(', ');
  const states = [...e.states.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
  return `${e.listed.join(', ')}, … and ${e.total - e.listed.length} more (${e.total} jobs: ${states})`;
}
