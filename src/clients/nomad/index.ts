export { readReportedVersion } from './agent.js';
export { createNomadClient, type NomadClient } from './client.js';

export { nodeAddressOf } from './nodes.js';
export * from './types.js';
