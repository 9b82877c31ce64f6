import { z } from 'zod';
import type { BlockingOptions, CallOptions, Indexed, NomadHttp } from './http.js';
import { encodePathSegment } from './http.js';
import { type AllocationStub, allocationStubSchema, type Deployment, deploymentSchema } from './types.js';

/** Deployment endpoints. */
export interface NomadDeploymentsApi {
  /**
   * `GET /v1/job/:id/deployment` (blocking): the latest deployment, or `null` (JSON literal) when there is
   * none. Right after register this may still be the previous one: match `JobSpecModifyIndex`.
   */
  readJobLatestDeployment(id: string, opts?: BlockingOptions): Promise<Indexed<Deployment | null>>;
  /** `GET /v1/deployment/:id` (blocking). */
  readDeployment(id: string, opts?: BlockingOptions): Promise<Indexed<Deployment>>;
  /** `GET /v1/deployment/allocations/:id`. */
  listDeploymentAllocations(id: string, opts?: CallOptions): Promise<AllocationStub[]>;
}

/** Builds the deployment endpoints on top of the shared HTTP core. */
export function createDeploymentsApi(http: NomadHttp): NomadDeploymentsApi {
  return {
    readJobLatestDeployment(id, opts = {}) {
      return http.call({
        name: 'nomad.jobs.deployment',
        method: 'GET',
        path: `/job/${encodePathSegment(id)}/deployment`,
        blocking: { index: opts.index, waitMs: opts.waitMs },
        schema: deploymentSchema.nullable(),
        signal: opts.signal,
      });
    },
    readDeployment(id, opts = {}) {
      return http.call({
        name: 'nomad.deployments.read',
        method: 'GET',
        path: `/deployment/${encodePathSegment(id)}`,
        blocking: { index: opts.index, waitMs: opts.waitMs },
        schema: deploymentSchema,
        signal: opts.signal,
      });
    },
    async listDeploymentAllocations(id, opts = {}) {
      const res = await http.call({
        name: 'nomad.deployments.allocations',
        method: 'GET',
        path: `/deployment/allocations/${encodePathSegment(id)}`,
        schema: z.array(allocationStubSchema),
        signal: opts.signal,
      });
      return res.value;
    },
  };
}
