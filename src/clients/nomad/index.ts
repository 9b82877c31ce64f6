export { type AgentSelf, readReportedVersion } from './agent.js';
export { createNomadClient, type NomadClient } from './client.js';
export { msToNs, nsToMs } from './durations.js';
export {
  type BlockingOptions,
  type CallOptions,
  computeBlockingTimeoutMs,
  DEFAULT_WAIT_MS,
  type Indexed,
  MAX_WAIT_MS,
  type NomadClientOptions,
} from './http.js';
export type { RegisterJobOptions } from './jobs.js';
export { nodeAddressOf } from './nodes.js';
export * from './types.js';
