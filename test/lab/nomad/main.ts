import { createLogger } from '../../../src/logging.js';
import { type LabHost, runOnHost } from '../host-exec.js';
import { CONSUL_PORT, getHostAddress, getNodeName, LAB_HOSTS, NOMAD_PORT, UNDERLAY_GATEWAY } from '../topology.js';
import { createNomadServer } from './nomad-server.js';
import { selectNomadProfile } from './version-profiles.js';

/**
 * Process entry of the emulated Nomad server (started detached by ./start.ts). Settings come from the
 * environment: NOMAD_LAB_BIND, NOMAD_LAB_PORT, NOMAD_LAB_CONSUL_PORT, NOMAD_LAB_ACL_TOKEN,
 * NOMAD_LAB_CONSUL_TOKEN, NOMAD_LAB_NODE_MEMORY_MB, NOMAD_LAB_VERSION, NOMAD_LAB_REGION, NOMAD_LAB_DATACENTER,
 * NOMAD_LAB_NAMESPACES (comma-separated), NOMAD_LAB_EVAL_DELAY_MS, NOMAD_LAB_MULTIREGION (`1`: deployments start
 * initializing).
 */
const env = process.env;
const logger = createLogger({ name: 'lab-nomad' });
const bind = env.NOMAD_LAB_BIND || UNDERLAY_GATEWAY;
const port = Number(env.NOMAD_LAB_PORT || NOMAD_PORT);
const nomad = createNomadServer({
  hosts: LAB_HOSTS.map((host) => ({ host, nodeName: getNodeName(host), address: getHostAddress(host) })),
  profile: selectNomadProfile(env.NOMAD_LAB_VERSION || undefined),
  region: env.NOMAD_LAB_REGION || 'global',
  datacenter: env.NOMAD_LAB_DATACENTER || 'dc1',
  namespaces: (env.NOMAD_LAB_NAMESPACES || '').split(',').filter(Boolean),
  multiregionDeployments: env.NOMAD_LAB_MULTIREGION === '1',
  ...(env.NOMAD_LAB_EVAL_DELAY_MS ? { evalDelayMs: Number(env.NOMAD_LAB_EVAL_DELAY_MS) } : {}),
  runOnHost: (host, argv, opts) => runOnHost(host as LabHost, argv, opts),
  logger,
  consulPort: Number(env.NOMAD_LAB_CONSUL_PORT || CONSUL_PORT),
  consulToken: env.NOMAD_LAB_CONSUL_TOKEN || undefined,
  aclToken: env.NOMAD_LAB_ACL_TOKEN || undefined,
  nodeMemoryMB: Number(env.NOMAD_LAB_NODE_MEMORY_MB || 1024),
});
// A port already taken (another lab's leftover server) must stop this one, not leave it half alive: start.ts
// waits for the line below, so it never mistakes the other server for this one.
nomad.server.on('error', (err) => {
  logger.error({ err, bind, port }, 'lab nomad cannot listen');
  process.exit(1);
});
nomad.server.listen(port, bind, () => logger.info({ bind, port }, 'lab nomad listening'));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void nomad.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
// A bug in a handler must not take the lab down; it is logged and the request gets a 500.
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
