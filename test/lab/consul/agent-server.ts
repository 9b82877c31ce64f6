import type { Socket } from 'node:dgram';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { HttpError } from '../nomad/http/http-error.js';
import { readToken } from '../nomad/http/router.js';
import { createApiServer } from '../nomad/http/serve.js';
import { type AgentIdentity, createAgentRoutes, createCatalogProxy } from './agent-routes.js';
import { AgentState, toAgentCheck, toAgentService } from './agent-state.js';
import { startDnsServer, toDnsInstances } from './dns-server.js';

/** Settings of one agent. */
export interface AgentOptions extends AgentIdentity {
  httpPort: number;
  dnsPort: number;
  catalogUrl: string;
  aclToken?: string;
  reapIntervalMs: number;
  syncIntervalMs: number;
  logger: Logger;
}

/**
 * A Consul client agent: local services and checks (run from this process's namespace), pushed to the
 * shared catalog on every change and periodically (the heartbeat that keeps `serfHealth` passing), DNS on
 * `dnsPort` answered from the catalog, and the reaper for DeregisterCriticalServiceAfter.
 */
export async function startAgent(opts: AgentOptions): Promise<{ server: Server; dns: Socket; close(): void }> {
  let syncTimer: NodeJS.Timeout | undefined;
  const authHeaders: Record<string, string> = opts.aclToken ? { 'X-Consul-Token': opts.aclToken } : {};
  const sync = async () => {
    const body = {
      Node: opts.node,
      ID: opts.nodeId,
      Address: opts.address,
      Datacenter: opts.datacenter,
      Services: [...agent.services.values()].map(toAgentService),
      Checks: [...agent.checks.values()].map((c) => toAgentCheck(opts.node, c, agent.services.get(c.serviceId))),
    };
    await fetch(`${opts.catalogUrl}/v1/internal/lab/sync`, {
      method: 'PUT',
      headers: { ...authHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    }).catch((err: unknown) => opts.logger.warn({ err }, 'catalog sync failed'));
  };
  const scheduleSync = () => {
    clearTimeout(syncTimer);
    syncTimer = setTimeout(() => void sync(), 20);
  };
  const agent = new AgentState(opts.node, opts.logger, scheduleSync);
  const server = createApiServer({
    routes: createAgentRoutes(agent, opts, createCatalogProxy(opts.catalogUrl)),
    indexHeader: 'X-Consul-Index',
    currentIndex: () => agent.index.value,
    authorize: (ctx) => {
      if (opts.aclToken && readToken(ctx.headers, 'X-Consul-Token') !== opts.aclToken) {
        throw new HttpError(403, 'Permission denied');
      }
    },
    describeDecodeError: (message) => `Request decode failed: ${message}`,
    methodNotAllowedText: 'method not allowed',
    onUnexpectedError: (err) => opts.logger.error({ err }, 'request failed'),
  });
  await new Promise<void>((resolve) => server.listen(opts.httpPort, opts.address, resolve));
  const dns = await startDnsServer({
    address: opts.address,
    port: opts.dnsPort,
    logger: opts.logger,
    lookup: async (service, tag) => {
      const params = new URLSearchParams({ passing: 'true', ...(tag ? { tag } : {}) });
      const res = await fetch(`${opts.catalogUrl}/v1/health/service/${encodeURIComponent(service)}?${params}`, {
        headers: authHeaders,
      });
      return res.ok ? toDnsInstances(await res.json()) : [];
    },
  });
  const heartbeat = setInterval(() => void sync(), opts.syncIntervalMs);
  const reaper = setInterval(() => agent.reap(), opts.reapIntervalMs);
  void sync();
  return {
    server,
    dns,
    close() {
      clearInterval(heartbeat);
      clearInterval(reaper);
      clearTimeout(syncTimer);
      agent.close();
      server.close();
      dns.close();
    },
  };
}
