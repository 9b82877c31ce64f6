import { createLogger } from '../../../src/logging.js';
import { HttpError } from '../nomad/http/http-error.js';
import { readToken } from '../nomad/http/router.js';
import { createApiServer } from '../nomad/http/serve.js';
import { createCatalogRoutes } from './catalog-routes.js';
import { CatalogState } from './catalog-state.js';
import { startDnsServer, toDnsInstances } from './dns-server.js';

/**
 * Process entry of the shared catalog (root namespace). Settings from the environment: CONSUL_LAB_BIND,
 * CONSUL_LAB_CATALOG_PORT, CONSUL_LAB_DNS_PORT, CONSUL_LAB_ACL_TOKEN.
 */
const env = process.env;
const logger = createLogger({ name: 'lab-consul-catalog' });
const bind = env.CONSUL_LAB_BIND || '192.168.56.1';
const port = Number(env.CONSUL_LAB_CATALOG_PORT || 8501);
const aclToken = env.CONSUL_LAB_ACL_TOKEN || undefined;
const catalog = new CatalogState();
const server = createApiServer({
  routes: createCatalogRoutes(catalog),
  indexHeader: 'X-Consul-Index',
  currentIndex: () => catalog.index.value,
  authorize: (ctx) => {
    if (aclToken && readToken(ctx.headers, 'X-Consul-Token') !== aclToken)
      throw new HttpError(403, 'Permission denied');
  },
  describeDecodeError: (message) => `Request decode failed: ${message}`,
  methodNotAllowedText: 'method not allowed',
  onUnexpectedError: (err) => logger.error({ err }, 'request failed'),
});
server.listen(port, bind, () => logger.info({ bind, port }, 'lab consul catalog listening'));
await startDnsServer({
  address: bind,
  port: Number(env.CONSUL_LAB_DNS_PORT || 8600),
  logger,
  lookup: async (service, tag) =>
    toDnsInstances(
      catalog
        .instancesOf(service)
        .filter((i) => !tag || i.service.value.Tags.includes(tag))
        .map((i) => ({
          Node: { Node: i.node.Node, Address: i.node.Address },
          Service: i.service.value,
          Checks: i.checks as { Status: string }[],
        })),
    ),
});
setInterval(() => catalog.expireNodes(), 2000);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
