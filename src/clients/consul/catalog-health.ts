import type Consul from 'consul';
import { z } from 'zod';
import { type CallTarget, type ConsulCallOptions, runConsulCall } from './call.js';
import {
  type AgentSelf,
  agentSelfSchema,
  type CatalogServiceEntry,
  type ConsulMember,
  catalogServiceEntrySchema,
  type HealthServiceEntry,
  healthServiceEntrySchema,
  memberSchema,
} from './types.js';

/** Cluster-wide reads plus the agent's own view. */
export interface CatalogHealthApi {
  /** `GET /v1/catalog/service/:name[?filter=]`: every registered instance, healthy or not. */
  catalogService(name: string, opts?: ConsulCallOptions & { filter?: string }): Promise<CatalogServiceEntry[]>;
  /** `GET /v1/health/service/:name[?passing=true]`: instances with their checks. */
  healthService(name: string, opts?: ConsulCallOptions & { passing?: boolean }): Promise<HealthServiceEntry[]>;
  /** `GET /v1/agent/members`: the LAN serf members as this agent sees them. */
  members(opts?: ConsulCallOptions): Promise<ConsulMember[]>;
  /** `GET /v1/agent/self`: node name, datacenter, version of this agent. */
  agentSelf(opts?: ConsulCallOptions): Promise<AgentSelf>;
  /** `GET /v1/catalog/datacenters`: every datacenter the servers know (WAN), nearest first. */
  datacenters(opts?: ConsulCallOptions): Promise<string[]>;
}

/** Builds the catalog/health/agent reads for one node-consul instance. */
export function createCatalogHealthApi(consul: Consul, target: CallTarget): CatalogHealthApi {
  return {
    catalogService(name, opts = {}) {
      return runConsulCall(
        target,
        'consul.catalog.service',
        z.array(catalogServiceEntrySchema),
        opts.signal,
        (extras) =>
          consul.catalog.service.nodes({
            service: name,
            ...(opts.filter ? { filter: opts.filter } : {}),
            ...extras,
          }),
      );
    },
    healthService(name, opts = {}) {
      return runConsulCall(target, 'consul.health.service', z.array(healthServiceEntrySchema), opts.signal, (extras) =>
        consul.health.service({ service: name, ...(opts.passing ? { passing: true } : {}), ...extras }),
      );
    },
    members(opts = {}) {
      return runConsulCall(target, 'consul.agent.members', z.array(memberSchema), opts.signal, (extras) =>
        consul.agent.members({ ...extras }),
      );
    },
    agentSelf(opts = {}) {
      return runConsulCall(target, 'consul.agent.self', agentSelfSchema, opts.signal, (extras) =>
        consul.agent.self({ ...extras }),
      );
    },
    datacenters(opts = {}) {
      return runConsulCall(target, 'consul.catalog.datacenters', z.array(z.string()), opts.signal, (extras) =>
        consul.catalog.datacenters({ ...extras }),
      );
    },
  };
}
