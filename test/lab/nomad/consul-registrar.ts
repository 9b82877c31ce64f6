import type { AgentServiceRegistration } from './nomad-service-registrations.js';

/** Talks to the Consul agent of a node the way Nomad's client does. */
export interface ConsulRegistrar {
  register(agentAddress: string, registration: AgentServiceRegistration): Promise<void>;
  deregister(agentAddress: string, serviceId: string): Promise<void>;
  /** Status per check ID of the agent's checks (`GET /v1/agent/checks`). */
  checkStatuses(agentAddress: string): Promise<Map<string, string>>;
}

/** A registrar over HTTP to `http://<node address>:<port>`, with an optional ACL token. */
export function createHttpConsulRegistrar(opts: { port: number; token?: string; timeoutMs?: number }): ConsulRegistrar {
  const headers: Record<string, string> = opts.token ? { 'X-Consul-Token': opts.token } : {};
  const call = async (address: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://${address}:${opts.port}${path}`, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`consul ${method} ${path}: ${res.status} ${text}`);
    return text;
  };
  return {
    async register(address, registration) {
      await call(address, 'PUT', '/v1/agent/service/register', registration);
    },
    async deregister(address, serviceId) {
      await call(address, 'PUT', `/v1/agent/service/deregister/${encodeURIComponent(serviceId)}`);
    },
    async checkStatuses(address) {
      const checks = JSON.parse(await call(address, 'GET', '/v1/agent/checks')) as Record<string, { Status: string }>;
      return new Map(Object.entries(checks).map(([id, check]) => [id, check.Status]));
    },
  };
}
