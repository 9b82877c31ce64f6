import { createAgentApi, type NomadAgentApi } from './agent.js';
import { createAllocationsApi, type NomadAllocationsApi } from './allocations.js';
import { createDeploymentsApi, type NomadDeploymentsApi } from './deployments.js';
import { createEvaluationsApi, type NomadEvaluationsApi } from './evaluations.js';
import { createNomadHttp, type NomadClientOptions } from './http.js';
import { createJobsApi, type NomadJobsApi } from './jobs.js';
import { createNodesApi, type NomadNodesApi } from './nodes.js';

/** Every Nomad call the bot makes, one flat object. */
export interface NomadClient
  extends NomadJobsApi,
    NomadEvaluationsApi,
    NomadAllocationsApi,
    NomadDeploymentsApi,
    NomadNodesApi,
    NomadAgentApi {
  /** The agent address the client talks to (for messages). */
  readonly address: string;
}

/**
 * Creates a Nomad HTTP client. Reads (GET) are retried up to 3 times on retryable errors; writes never are,
 * because a repeated register could apply twice (callers use EnforceIndex and decide themselves).
 */
export function createNomadClient(opts: NomadClientOptions): NomadClient {
  const http = createNomadHttp(opts);
  return {
    address: http.address,
    ...createJobsApi(http),
    ...createEvaluationsApi(http),
    ...createAllocationsApi(http),
    ...createDeploymentsApi(http),
    ...createNodesApi(http),
    ...createAgentApi(http),
  };
}
