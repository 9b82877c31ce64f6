export { NOMAD_SERVICE_ID_PREFIX, validateServiceDefinition } from './agent-services.js';
export type { ConsulCallOptions } from './call.js';
export { type ConsulClient, type ConsulClientOptions, createConsulClient } from './client.js';
export { type ConsulDnsAnswer, type ConsulDnsOptions, dialTcp, resolveConsulDns } from './dns.js';
export { createFailoverConsulClient, isConsulDown } from './failover.js';
export { type TcpConnector, TunnelAgent } from './tunnel-agent.js';
export * from './types.js';
