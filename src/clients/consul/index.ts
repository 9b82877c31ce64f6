export { type ConsulClient, createConsulClient } from './client.js';
export { type ConsulDnsAnswer, dialTcp, resolveConsulDns } from './dns.js';
export { createFailoverConsulClient, isConsulDown } from './failover.js';
export type { TcpConnector } from './tunnel-agent.js';
export * from './types.js';
