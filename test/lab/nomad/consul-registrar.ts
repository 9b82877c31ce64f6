import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { getAgentSocketPath } from '../consul/start.js';
import { getHostAddress, LAB_HOSTS } from '../topology.js';
import type { AgentServiceRegistration } from './nomad-service-registrations.js';

/** Talks to the Consul agent of a node the way Nomad's client does. */
export interface ConsulRegistrar {
  register(agentAddress: string, registration: AgentServiceRegistration): Promise<void>;
  deregister(agentAddress: string, serviceId: string): Promise<void>;
  /** Status per check ID of the agent's checks (`GET /v1/agent/checks`). */
  checkStatuses(agentAddress: string): Promise<Map<string, string>>;
}

/** A registrar over HTTP to each node's agent (lab hosts: their agent socket), with an optional ACL token. */
export function createHttpConsulRegistrar(opts: { port: number; token?: string; timeoutMs?: number }): ConsulRegistrar {
  const headers: Record<string, string> = opts.token ? { 'X-Consul-Token': opts.token } : {};
  // A real Nomad client talks to the agent of its own host on 127.0.0.1:8500 (nomad `consul.address` default),
  // which works whatever `client_addr` the agent has. The lab's Nomad runs in the root namespace, so for a lab host
  // it uses that agent's lab-only unix socket (test/lab/consul/agent-server.ts) instead of its loopback.
  const call = (address: string, method: string, path: string, body?: unknown) =>
    new Promise<string>((resolve, reject) => {
      const host = LAB_HOSTS.find((h) => getHostAddress(h) === address);
      const socketPath = host ? getAgentSocketPath(host) : undefined;
      const target = socketPath && existsSync(socketPath) ? { socketPath } : { host: address, port: opts.port };
      const req = request(
        { ...target, method, path, headers: { ...headers, 'Content-Type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text);
            else reject(new Error(`consul ${method} ${path}: ${status} ${text}`));
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error(`consul ${method} ${path}: timeout`)));
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
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
