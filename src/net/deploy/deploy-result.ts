import type { DeployOutcome } from '../../report/deploy-report.js';

/**
 * Everything a /deploy run found out: the outcome the report is built from (`report/deploy-report.ts`, one
 * definition of its fields), with the fields the report may do without always set here.
 */
export type DeployResult = DeployOutcome & Required<Pick<DeployOutcome, 'change' | 'supersededEvals'>>;

/** A result with nothing done yet. */
export function startDeployResult(
  job: string,
  jobId: string,
  tenant: string,
  subnet: string,
  plan: string[] = [],
): DeployResult {
  return {
    ok: false,
    change: 'applied',
    job,
    jobId,
    tenant,
    subnet,
    plan,
    evalId: null,
    supersededEvals: [],
    deployment: null,
    allocations: [],
    service: null,
    consul: [],
    nomadRegistrations: [],
    dns: null,
    removed: [],
    warnings: [],
    failure: null,
  };
}
