import Consul from 'consul';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../logging.js';
import { type AgentServicesApi, createAgentServicesApi } from './agent-services.js';
import { capResponseBodies, createCappedAgent } from './capped-agent.js';
import { type CatalogHealthApi, createCatalogHealthApi } from './catalog-health.js';
import { type TcpConnector, TunnelAgent } from './tunnel-agent.js';

/** What main/ wires from config into the Consul client. */
export interface ConsulClientOptions {
  /** Agent or server address, e.g. `http://127.0.0.1:8500`. */
  address: string;
  /** Sent as `?dc=`; unset: the agent's own datacenter (Consul's default when `dc` is absent). */
  datacenter?: string;
  /**
   * How to reach `address`: unset dials it; a connector opens each connection itself, e.g. a channel through the
   * host's SSH connection to an agent that listens on that host's loopback.
   */
  connect?: TcpConnector;
  /** How errors name this agent, e.g. `http://127.0.0.1:8500 on u1 (via SSH)`. @defaultValue the address */
  label?: string;
  /** Appended to "unreachable" errors: what the operator can change. */
  unreachableHint?: string;
  /** ACL token, sent as `X-Consul-Token` on every call. */
  token?: string;
  /** Per-request timeout: papi's is absolute (connect, headers and body together). */
  timeoutMs: number;
  /** Largest response body read; a longer one is cut and the call fails. @defaultValue 64 MiB */
  maxResponseBytes?: number;
  logger: Logger;
}

/** Consul calls against one agent. */
export interface ConsulClient extends AgentServicesApi, CatalogHealthApi {
  readonly address: string;
  /**
   * The same client for the agent of another node (`http://<nodeAddress>:<agentPort>`), with the same token
   * and datacenter. Agent services must be registered on the agent of the node that runs the workload.
   */
  forAgent(address: string): ConsulClient;
}

/** Default response cap: a catalog of tens of thousands of service instances still fits. */
const DEFAULT_CONSUL_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Creates a Consul client; one node-consul instance per agent address. */
export function createConsulClient(opts: ConsulClientOptions): ConsulClient {
  const url = parseAgentAddress(opts.address);
  const address = `${url.protocol}//${url.host}`;
  const secure = url.protocol === 'https:';
  const maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_CONSUL_MAX_RESPONSE_BYTES;
  if (secure && opts.connect) {
    throw new ConfigError([
      `consul address "${opts.address}": https through SSH is not supported; use http or access: direct`,
    ]);
  }
  // `timeout` is a papi option that node-consul's typings omit.
  const consul = new Consul({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || (secure ? 443 : 80)),
    secure,
    defaults: { ...(opts.token ? { token: opts.token } : {}), ...(opts.datacenter ? { dc: opts.datacenter } : {}) },
    timeout: opts.timeoutMs,
    // Every response is capped (issue 17), whether the agent is dialled or reached through an SSH channel.
    agent: opts.connect
      ? capResponseBodies(new TunnelAgent(opts.connect), maxResponseBytes)
      : createCappedAgent(secure, maxResponseBytes),
  } as ConstructorParameters<typeof Consul>[0]);
  const target = {
    address: opts.label ?? address,
    timeoutMs: opts.timeoutMs,
    ...(opts.unreachableHint ? { unreachableHint: opts.unreachableHint } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  };
  opts.logger.debug({ upstream: 'consul', address }, 'consul client created');
  return {
    address,
    ...createAgentServicesApi(consul, target),
    ...createCatalogHealthApi(consul, target),
    forAgent: (agentAddress) => createConsulClient({ ...opts, address: agentAddress, label: agentAddress }),
  };
}

function parseAgentAddress(address: string): URL {
  try {
    const url = new URL(address);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw new ConfigError([`consul address "${address}" must be an http(s) URL like http://10.0.0.1:8500`]);
}
