import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { type Config, clusterFor } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { ClusterHost } from '../net/cluster.js';
import { checkConsulDatacenter } from '../net/deploy/consul-datacenter.js';
import { createNomadGate } from '../net/deploy/nomad-support.js';
import { createDockerVersionGate } from '../net/docker-version.js';
import { createWeaveLaunchGate } from '../net/weave-launch.js';
import { buildProcessorRegistry } from '../workers/define-processor.js';
import type { ProcessorKit } from '../workers/processor-kit.js';
import { processorDefinitions } from '../workers/processors/index.js';
import type { WriteGuards } from '../workers/processors/write-guards.js';
import { createClusterContext } from './cluster-context.js';
import type { ProcessorSet } from './runtime.js';

/** What the runtime gives the processors besides the config. */
export interface ProcessorDeps {
  /** A new Redis connection for bench locks and history; taken once, when the first bench job runs. */
  redis?: () => Redis;
  /** Where chart PNGs are written (start passes NETOPS_CHARTS_DIR). @defaultValue `.netops/charts` */
  chartsDir?: string;
  /** Approvals, tenant freezes and deploy locks for /deploy and /deploy stop (and the approved apply). */
  guards?: WriteGuards;
}

/**
 * Builds the cluster clients and checks once from config (the ProcessorKit), then every processor of
 * workers/processors/index.ts from it. No cluster configured: no processors (each command says so).
 */
export async function createProcessors(
  config: Config,
  logger: Logger,
  deps: ProcessorDeps = {},
): Promise<ProcessorSet> {
  if (config.clusters.length === 0) return { registry: {}, close: async () => {} };
  const cluster = createClusterContext(config, logger);
  const view = { tenants: config.tenants, networks: config.networks };
  // Refuses an unsupported Nomad release or an unknown region before a deploy plans anything; checked once at
  // start too, so an operator sees the problem in the log before the first command.
  const nomadConfig = clusterFor(config).nomad;
  const ensureNomad = createNomadGate(cluster.nomad, {
    region: nomadConfig.region,
    datacenter: nomadConfig.datacenter,
  });
  ensureNomad().then(
    (check) => logger.info({ version: check.version, region: check.region }, 'Nomad cluster checked'),
    (err: unknown) => logger.error({ err }, 'Nomad cluster check failed: /deploy will refuse until it passes'),
  );
  // The configured Consul datacenter must exist; logged at start with the real ones, and shown in /status.
  const consulDatacenter = clusterFor(config).consul.datacenter;
  checkConsulDatacenter(cluster.consul, consulDatacenter).then(
    (check) =>
      check.problems.length
        ? logger.error({ problems: check.problems, datacenters: check.datacenters }, 'Consul datacenter check failed')
        : logger.info({ datacenter: consulDatacenter ?? check.agentDatacenter }, 'Consul datacenter checked'),
    (err: unknown) => logger.error({ err }, 'Consul datacenter check could not run'),
  );
  // Tenant subnets against how Weave was launched (Range/DefaultSubnet), on every host before each deploy.
  const weaveGate = createWeaveLaunchGate(cluster.ssh, cluster.hosts, view);
  // Each host's Docker release, read once per host: CLI 20.10+, and Engine 24.x or earlier where Weave 2.8.1 runs.
  const dockerGate = createDockerVersionGate(cluster.ssh, { weave: config.networks.some((n) => n.kind === 'weave') });
  const ensureDocker = (hosts: readonly ClusterHost[], signal: AbortSignal) => dockerGate.ensure(hosts, signal);
  const ensureWeave = async (tenant: string, signal: AbortSignal) => {
    await ensureDocker(cluster.hosts, signal);
    await weaveGate(tenant, signal);
  };
  // Tenants with their own Nomad namespace: /status and /isolation-check look there too.
  const tenantNomads = config.tenants.flatMap((t) => {
    const nomad = cluster.nomadForTenant?.(t.name);
    return nomad && t.nomad?.namespace ? [{ tenant: t.name, namespace: t.nomad.namespace, nomad }] : [];
  });
  let redis: Redis | undefined;
  // One shared connection for every bench job of this process, made on first use.
  const connectRedis = deps.redis;
  const benchRedis = connectRedis
    ? () => {
        redis ??= connectRedis();
        return redis;
      }
    : undefined;
  const kit: ProcessorKit = {
    config,
    logger,
    cluster,
    tenantNomads,
    gates: { ensureNomad, ensureWeave, ensureDocker, checkDocker: (signal) => dockerGate.check(cluster.hosts, signal) },
    ...(deps.guards ? { guards: deps.guards } : {}),
    bench: { ...(benchRedis ? { redis: benchRedis } : {}), chartsDir: resolve(deps.chartsDir ?? '.netops/charts') },
  };
  return {
    registry: buildProcessorRegistry(processorDefinitions, kit),
    close: () => cluster.close(),
    sshStats: () => cluster.ssh.stats(),
  };
}
