import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { HttpError } from '../nomad/http/http-error.js';
import { readToken } from '../nomad/http/router.js';
import { createApiServer, type ServeOptions } from '../nomad/http/serve.js';
import { type AgentIdentity, createAgentRoutes, createCatalogProxy } from './agent-routes.js';
import { AgentState, toAgentCheck, toAgentService } from './agent-state.js';
import { type DnsServer, startDnsServer, toDnsInstances } from './dns-server.js';

/** Settings of one agent. */
export interface AgentOptions extends AgentIdentity {
  /**
   * `client_addr`: where HTTP and DNS listen. Real agents default to 127.0.0.1 (hashicorp/consul v1.19.2
   * agent/config/default.go `client_addr = "127.0.0.1"`), so only processes on the host reach them.
   */
  clientAddr: string;
  /**
   * Lab-only: a unix socket with the same HTTP API, for the emulated Nomad client of this host. Real Nomad clients
   * run on the host and use 127.0.0.1:8500; the lab's Nomad runs in the root namespace and uses this instead.
   */
  localSocket?: string;
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
export async function startAgent(opts: AgentOptions): Promise<{ server: Server; dns: DnsServer; close(): void }> {
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
  const serverOptions: ServeOptions = {
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
    onUnexpectedError: (err: unknown) => opts.logger.error({ err }, 'request failed'),
  };
  const server = createApiServer(serverOptions);
  await listen(server, opts.httpPort, opts.clientAddr);
  const local = opts.localSocket ? createApiServer(serverOptions) : undefined;
  if (local && opts.localSocket) {
    rmSync(opts.localSocket, { force: true });
    await new Promise<void>((resolve, reject) => {
      local.once('error', reject);
      local.listen(opts.localSocket, resolve);
    });
  }
  const dns = await startDnsServer({
    address: opts.clientAddr,
    port: opts.dnsPort,
    logger: opts.logger,
    lookup: async (service, tag) => {
      // Every instance with its checks: DNS leaves out only critical ones (only_passing = false).
      const params = new URLSearchParams(tag ? { tag } : {});
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
      local?.close();
      dns.close();
    },
  };
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
