import type { Redis } from 'ioredis';
import type { NomadClient } from '../clients/nomad/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { ClusterContext, ClusterHost } from '../net/cluster.js';
import type { WriteGuards } from './processors/write-guards.js';

/**
 * What every processor is built from: the cluster clients and checks made once per process from the config
 * (main/processors.ts), the config itself, and the Redis-backed guards. Each processor's definition
 * (`defineProcessor` in its own file) takes from it what it needs.
 */
export interface ProcessorKit {
  config: Config;
  logger: Logger;
  /** Nomad, Consul and SSH clients; nothing connects until used. */
  cluster: ClusterContext;
  /** Tenants with their own Nomad namespace: /status and /isolation-check look there too. */
  tenantNomads: ReadonlyArray<{ tenant: string; namespace: string; nomad: NomadClient }>;
  /** Checks run before a command touches the cluster (net/deploy/nomad-support.ts, net/weave-launch.ts, net/docker-version.ts). */
  gates: {
    /** Refuses an unsupported Nomad release or an unknown region. */
    ensureNomad(signal: AbortSignal): Promise<unknown>;
    /** Every host's Docker in the supported window, then the tenant's subnet against how Weave was launched. */
    ensureWeave(tenant: string, signal: AbortSignal): Promise<void>;
    /** The given hosts' Docker in the supported window. */
    ensureDocker(hosts: readonly ClusterHost[], signal: AbortSignal): Promise<void>;
    /** Each host's Docker against the supported window: problems, empty when fine (for /status). */
    checkDocker(signal: AbortSignal): Promise<string[]>;
  };
  /** Approvals, tenant freezes and deploy locks; absent, writes are unguarded and there is no approved apply. */
  guards?: WriteGuards;
  /** Bench lock and history (one shared connection, made on first use) and where charts go. */
  bench: { redis?: () => Redis; chartsDir: string };
}

/** The tenants and networks, the part of the config the tenant-aware commands read. */
export function tenantViewOf(kit: ProcessorKit) {
  return { tenants: kit.config.tenants, networks: kit.config.networks };
}

/** The write guards as an optional dependency (absent: unguarded writes, as in tests). */
export function guardsOf(kit: ProcessorKit): { guards?: ProcessorKit['guards'] } {
  return kit.guards ? { guards: kit.guards } : {};
}
