import type { CallOptions, NomadHttp, UndecodedAnswer } from './http.js';
import { encodePathSegment } from './http.js';
import {
  type JobListStub,
  jobListSchema,
  type NomadJob,
  nomadJobSchema,
  type PlanResponse,
  planResponseSchema,
  type RegisterResponse,
  registerResponseSchema,
  type StopResponse,
  stopResponseSchema,
} from './types.js';

/** Options of `registerJob`. */
interface RegisterJobOptions extends CallOptions {
  /** Check-and-set: with `jobModifyIndex` 0 only create, with n > 0 only update if the job is still at n. */
  enforceIndex?: boolean;
  jobModifyIndex?: number;
}

/** Job endpoints: parse, plan, register, read, stop. */
export interface NomadJobsApi {
  /** `POST /v1/jobs/parse`: HCL → job JSON (bare Job object). HCL errors come back as 400 with Nomad's text. */
  parseJob(hcl: string, opts?: CallOptions & { canonicalize?: boolean }): Promise<NomadJob>;
  /** `POST /v1/job/:id/plan`: dry run; returns the current JobModifyIndex for a later EnforceIndex register. */
  planJob(job: NomadJob, opts?: CallOptions & { diff?: boolean }): Promise<PlanResponse>;
  /** `POST /v1/job/:id`. Never retried by the client; EnforceIndex mismatches become UpstreamConflictError. */
  registerJob(job: NomadJob, opts?: RegisterJobOptions): Promise<RegisterResponse>;
  /** `GET /v1/job/:id`. */
  readJob(id: string, opts?: CallOptions): Promise<NomadJob>;
  /** `GET /v1/jobs[?prefix=]`: job stubs (ID, Name, Type, Status). */
  listJobs(opts?: CallOptions & { prefix?: string }): Promise<JobListStub[]>;
  /**
   * `GET /v1/jobs` left undecoded, for a caller that decodes it off the event loop (a 40,000-job list is ~26 MB
   * of JSON) with `jobListStubSchema` per stub. Same deadline, size cap, retries and errors as `listJobs`.
   */
  readJobList(opts?: CallOptions): Promise<UndecodedAnswer>;
  /** `DELETE /v1/job/:id[?purge=true]`. */
  stopJob(id: string, opts?: CallOptions & { purge?: boolean }): Promise<StopResponse>;
}

/** Builds the job endpoints on top of the shared HTTP core. */
export function createJobsApi(http: NomadHttp): NomadJobsApi {
  return {
    async parseJob(hcl, opts = {}) {
      const res = await http.call({
        name: 'nomad.jobs.parse',
        method: 'POST',
        path: '/jobs/parse',
        body: { JobHCL: hcl, Canonicalize: opts.canonicalize ?? true },
        schema: nomadJobSchema,
        signal: opts.signal,
      });
      return res.value;
    },
    async planJob(job, opts = {}) {
      const res = await http.call({
        name: 'nomad.jobs.plan',
        method: 'POST',
        path: `/job/${encodePathSegment(job.ID)}/plan`,
        body: { Job: job, Diff: opts.diff ?? true },
        schema: planResponseSchema,
        signal: opts.signal,
      });
      return res.value;
    },
    async registerJob(job, opts = {}) {
      const body: Record<string, unknown> = { Job: job };
      if (opts.enforceIndex) {
        body.EnforceIndex = true;
        body.JobModifyIndex = opts.jobModifyIndex ?? 0;
      }
      const res = await http.call({
        name: 'nomad.jobs.register',
        method: 'POST',
        path: `/job/${encodePathSegment(job.ID)}`,
        body,
        schema: registerResponseSchema,
        signal: opts.signal,
      });
      return res.value;
    },
    async readJob(id, opts = {}) {
      const res = await http.call({
        name: 'nomad.jobs.read',
        method: 'GET',
        path: `/job/${encodePathSegment(id)}`,
        schema: nomadJobSchema,
        signal: opts.signal,
      });
      return res.value;
    },
    async listJobs(opts = {}) {
      const res = await http.call({
        name: 'nomad.jobs.list',
        method: 'GET',
        path: '/jobs',
        query: opts.prefix ? { prefix: opts.prefix } : undefined,
        schema: jobListSchema,
        signal: opts.signal,
      });
      return res.value;
    },
    readJobList(opts = {}) {
      return http.readUndecoded({ name: 'nomad.jobs.list', path: '/jobs', signal: opts.signal });
    },
    async stopJob(id, opts = {}) {
      const res = await http.call({
        name: 'nomad.jobs.stop',
        method: 'DELETE',
        path: `/job/${encodePathSegment(id)}`,
        query: opts.purge ? { purge: true } : undefined,
        schema: stopResponseSchema,
        signal: opts.signal,
      });
      return res.value;
    },
  };
}
