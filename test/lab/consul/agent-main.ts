import { createLogger } from '../../../src/logging.js';
import { deterministicUuid } from '../nomad/http/stable-ids.js';
import { startAgent } from './agent-server.js';

/**
 * Process entry of one Consul agent, run inside its host's namespace by ./start.ts. Settings from the
 * environment: CONSUL_LAB_NODE, CONSUL_LAB_ADDRESS, CONSUL_LAB_HTTP_PORT, CONSUL_LAB_DNS_PORT,
 * CONSUL_LAB_CATALOG_URL, CONSUL_LAB_ACL_TOKEN, CONSUL_LAB_REAP_MS.
 */
const env = process.env;
const node = env.CONSUL_LAB_NODE || 'u1';
const logger = createLogger({ name: `lab-consul-${node}` });
const agent = await startAgent({
  node,
  nodeId: deterministicUuid(`consul-node-${node}`),
  address: env.CONSUL_LAB_ADDRESS || '127.0.0.1',
  datacenter: 'dc1',
  httpPort: Number(env.CONSUL_LAB_HTTP_PORT || 8500),
  dnsPort: Number(env.CONSUL_LAB_DNS_PORT || 8600),
  catalogUrl: env.CONSUL_LAB_CATALOG_URL || 'http://192.168.56.1:8501',
  aclToken: env.CONSUL_LAB_ACL_TOKEN || undefined,
  // Real agents reap every 30 s with a 1 min minimum; the lab reaps every 5 s and honours any value.
  reapIntervalMs: Number(env.CONSUL_LAB_REAP_MS || 5000),
  syncIntervalMs: 3000,
  logger,
});
logger.info({ node }, 'lab consul agent listening');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    agent.close();
    process.exit(0);
  });
}
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
