import { ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import type { ConsulClient } from './client.js';

// An agent that cannot be reached (refused, host down, SSH to its host failing) says nothing about the cluster:
// the next agent answers from the same catalog. HTTP answers (403, 404, 500) are the cluster's and are returned.
const FAILOVER_CODES = new Set<string>([ErrorCode.UpstreamUnreachable, ErrorCode.SshConnect, ErrorCode.Timeout]);

/** True when an error means the agent could not be asked (not an answer from it). */
export function isConsulDown(err: unknown): boolean {
  return isNetopsError(err) && FAILOVER_CODES.has(err.code);
}

type CatalogMethod = 'catalogService' | 'healthService' | 'members' | 'agentSelf' | 'datacenters';
const CATALOG_METHODS: CatalogMethod[] = ['catalogService', 'healthService', 'members', 'agentSelf', 'datacenters'];

/**
 * The cluster's view of Consul through several agents: catalog, health and membership reads go to the agent that
 * answered last and move on to the next when it is down; agent-local writes stay on the first agent (callers that
 * register on a given host use that host's own client). Throws the last agent's error when none answers.
 */
export function createFailoverConsulClient(agents: readonly ConsulClient[], noneReason?: string): ConsulClient {
  const first = agents[0];
  if (!first) return createUnreachableConsul(noneReason ?? 'no Consul agent configured');
  let preferred = 0;
  const tryAll = async <T>(call: (c: ConsulClient) => Promise<T>): Promise<T> => {
    let lastErr: unknown;
    for (let i = 0; i < agents.length; i++) {
      const index = (preferred + i) % agents.length;
      try {
        const value = await call(agents[index] as ConsulClient);
        preferred = index;
        return value;
      } catch (err) {
        if (!isConsulDown(err)) throw err;
        lastErr = err;
      }
    }
    throw lastErr;
  };
  const reads = Object.fromEntries(
    CATALOG_METHODS.map((m) => [
      m,
      (...args: unknown[]) => tryAll((c) => (c[m] as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as Pick<ConsulClient, CatalogMethod>;
  return {
    ...first,
    ...reads,
    get address() {
      return (agents[preferred] as ConsulClient).address;
    },
  };
}

/** A client for a cluster with no agent to ask (no hosts configured with `access: ssh`): every call says why. */
function createUnreachableConsul(reason: string): ConsulClient {
  const fail = async (): Promise<never> => {
    throw new NetopsError(ErrorCode.UpstreamUnreachable, reason, { userMessage: reason, retryable: false });
  };
  return {
    address: '(none)',
    registerAgentService: fail,
    deregisterAgentService: fail,
    listAgentServices: fail,
    catalogService: fail,
    healthService: fail,
    members: fail,
    agentSelf: fail,
    datacenters: fail,
    forAgent: () => createUnreachableConsul(reason),
  };
}
