import { z } from 'zod';
import type { BlockingOptions, CallOptions, Indexed, NomadHttp } from './http.js';
import { encodePathSegment } from './http.js';
import { type Allocation, type AllocationStub, allocationSchema, allocationStubSchema } from './types.js';

/** Allocation endpoints. */
export interface NomadAllocationsApi {
  /** `GET /v1/job/:id/allocations` (blocking); `all` also lists allocations of an earlier job with this ID. */
  listJobAllocations(id: string, opts?: BlockingOptions & { all?: boolean }): Promise<Indexed<AllocationStub[]>>;
  /** `GET /v1/allocation/:id`: the full allocation with task events and resources. */
  readAllocation(id: string, opts?: CallOptions): Promise<Allocation>;
}

/** Builds the allocation endpoints on top of the shared HTTP core. */
export function createAllocationsApi(http: NomadHttp): NomadAllocationsApi {
  return {
    listJobAllocations(id, opts = {}) {
      return http.call({
        name: 'nomad.jobs.allocations',
        method: 'GET',
        path: `/job/${encodePathSegment(id)}/allocations`,
        query: opts.all ? { all: true } : undefined,
        blocking: { index: opts.index, waitMs: opts.waitMs },
        schema: z.array(allocationStubSchema),
        signal: opts.signal,
      });
    },
    async readAllocation(id, opts = {}) {
      const res = await http.call({
        name: 'nomad.allocations.read',
        method: 'GET',
        path: `/allocation/${encodePathSegment(id)}`,
        schema: allocationSchema,
        signal: opts.signal,
      });
      return res.value;
    },
  };
}
