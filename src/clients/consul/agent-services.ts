import type Consul from 'consul';
import { z } from 'zod';
import { ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import { type CallTarget, type ConsulCallOptions, runConsulCall } from './call.js';
import { readPapiBody } from './map-error.js';
import { type AgentService, type AgentServiceDefinition, agentServicesSchema } from './types.js';

/** Prefix of the service IDs Nomad owns; its sync loop removes any such service it does not track. */
const NOMAD_SERVICE_ID_PREFIX = '_nomad-task-';

/** Service registration on one agent. */
export interface AgentServicesApi {
  /** `PUT /v1/agent/service/register` on this agent. Throws before any I/O when the ID is Nomad's. */
  registerAgentService(def: AgentServiceDefinition, opts?: ConsulCallOptions): Promise<void>;
  /** `PUT /v1/agent/service/deregister/:id`. Resolves false when the agent does not know the ID. */
  deregisterAgentService(id: string, opts?: ConsulCallOptions): Promise<boolean>;
  /** `GET /v1/agent/services`: the services this agent owns, keyed by ID. */
  listAgentServices(opts?: ConsulCallOptions): Promise<Record<string, AgentService>>;
}

/** Checks a definition before it is sent; throws NetopsError (code Usage-free: a bug in the caller). */
function validateServiceDefinition(def: AgentServiceDefinition): void {
  const problems: string[] = [];
  if (def.ID.startsWith(NOMAD_SERVICE_ID_PREFIX)) {
    problems.push(`ID "${def.ID}" starts with ${NOMAD_SERVICE_ID_PREFIX}; Nomad would delete it within 30 s`);
  }
  if (!def.ID || !def.Name) problems.push('ID and Name are required');
  if (!Number.isInteger(def.Port) || def.Port < 1 || def.Port > 65535) problems.push(`Port ${def.Port} is invalid`);
  if (def.Check && Boolean(def.Check.TCP) === Boolean(def.Check.HTTP)) {
    problems.push('Check needs exactly one of TCP or HTTP');
  }
  if (problems.length > 0) {
    throw new NetopsError(ErrorCode.Internal, `invalid Consul service definition: ${problems.join('; ')}`);
  }
}

/** Builds the agent service endpoints for one node-consul instance (= one agent). */
export function createAgentServicesApi(consul: Consul, target: CallTarget): AgentServicesApi {
  return {
    async registerAgentService(def, opts = {}) {
      validateServiceDefinition(def);
      const check = def.Check && {
        name: `${def.Name} on ${def.Address}:${def.Port}`,
        tcp: def.Check.TCP,
        http: def.Check.HTTP,
        interval: def.Check.Interval,
        // Consul's own default, spelled out because node-consul's typings require it.
        timeout: def.Check.Timeout ?? '10s',
        deregistercriticalserviceafter: def.Check.DeregisterCriticalServiceAfter,
      };
      await runConsulCall(target, 'consul.agent.service.register', z.unknown(), opts.signal, (extras) =>
        consul.agent.service.register({
          id: def.ID,
          name: def.Name,
          address: def.Address,
          port: def.Port,
          tags: def.Tags,
          meta: def.Meta,
          ...(check ? { check: stripUndefined(check) as { name: string; timeout: string } } : {}),
          ...extras,
        }),
      );
    },
    async deregisterAgentService(id, opts = {}) {
      try {
        await runConsulCall(target, 'consul.agent.service.deregister', z.unknown(), opts.signal, (extras) =>
          consul.agent.service.deregister({ id, ...extras }),
        );
        return true;
      } catch (err) {
        if (isUnknownServiceError(err)) return false;
        throw err;
      }
    },
    listAgentServices(opts = {}) {
      return runConsulCall(target, 'consul.agent.service.list', agentServicesSchema, opts.signal, (extras) =>
        consul.agent.service.list({ ...extras }),
      );
    },
  };
}

// Current agents answer 404, older ones 500, both with "Unknown service" in the text: already gone.
function isUnknownServiceError(err: unknown): boolean {
  if (!isNetopsError(err)) return false;
  const status = (err as { status?: number }).status;
  const body = (err as { body?: string }).body ?? readPapiBody(err.cause);
  return (status === 404 || status === 500) && /unknown service/i.test(body);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
