import { createLogger } from '../../../src/logging.js';
import { deterministicUuid } from '../nomad/http/stable-ids.js';
import { startAgent } from './agent-server.js';
import { CHECK_REAP_INTERVAL_MS } from './agent-state.js';

/**
 * Process entry of one Consul agent, run inside its host's namespace by ./start.ts. Settings from the
 * environment: CONSUL_LAB_NODE, CONSUL_LAB_ADDRESS, CONSUL_LAB_HTTP_PORT, CONSUL_LAB_DNS_PORT,
 * CONSUL_LAB_CATALOG_URL, CONSUL_LAB_ACL_TOKEN, CONSUL_LAB_CLIENT_ADDR (default 127.0.0.1, Consul's client_addr),
 * CONSUL_LAB_LOCAL_SOCKET (the lab Nomad's way to this host's agent).
 */
const env = process.env;
const node = env.CONSUL_LAB_NODE || 'u1';
const logger = createLogger({ name: `lab-consul-${node}` });
const agent = await startAgent({
  node,
  nodeId: deterministicUuid(`consul-node-${node}`),
  address: env.CONSUL_LAB_ADDRESS || '127.0.0.1',
  clientAddr: env.CONSUL_LAB_CLIENT_ADDR || '127.0.0.1',
  ...(env.CONSUL_LAB_LOCAL_SOCKET ? { localSocket: env.CONSUL_LAB_LOCAL_SOCKET } : {}),
  datacenter: 'dc1',
  httpPort: Number(env.CONSUL_LAB_HTTP_PORT || 8500),
  dnsPort: Number(env.CONSUL_LAB_DNS_PORT || 8600),
  catalogUrl: env.CONSUL_LAB_CATALOG_URL || 'http://192.168.56.1:8501',
  aclToken: env.CONSUL_LAB_ACL_TOKEN || undefined,
  // As real agents: the reaper runs every check_reap_interval (30 s); the 1 min minimum is in AgentState.reap.
  reapIntervalMs: CHECK_REAP_INTERVAL_MS,
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
