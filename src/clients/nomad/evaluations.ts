import { z } from 'zod';
import type { BlockingOptions, CallOptions, Indexed, NomadHttp } from './http.js';
import { encodePathSegment } from './http.js';
import { type Evaluation, evaluationSchema } from './types.js';

/** Evaluation endpoints. */
export interface NomadEvaluationsApi {
  /** `GET /v1/evaluation/:id` (blocking): follow until Status is no longer `pending`. */
  readEvaluation(id: string, opts?: BlockingOptions): Promise<Indexed<Evaluation>>;
  /** `GET /v1/job/:id/evaluations`: the job's evaluations (to find the one that superseded a canceled eval). */
  listJobEvaluations(jobId: string, opts?: CallOptions): Promise<Evaluation[]>;
}

/** Builds the evaluation endpoints on top of the shared HTTP core. */
export function createEvaluationsApi(http: NomadHttp): NomadEvaluationsApi {
  return {
    readEvaluation(id, opts = {}) {
      return http.call({
        name: 'nomad.evaluations.read',
        method: 'GET',
        path: `/evaluation/${encodePathSegment(id)}`,
        blocking: { index: opts.index, waitMs: opts.waitMs },
        schema: evaluationSchema,
        signal: opts.signal,
      });
    },
    async listJobEvaluations(jobId, opts = {}) {
      const res = await http.call({
        name: 'nomad.jobs.evaluations',
        method: 'GET',
        path: `/job/${encodePathSegment(jobId)}/evaluations`,
        schema: z.array(evaluationSchema),
        signal: opts.signal,
      });
      return res.value;
    },
  };
}
