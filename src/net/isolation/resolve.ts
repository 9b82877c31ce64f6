import type { ConsulClient } from '../../clients/consul/index.js';
import type { NomadClient } from '../../clients/nomad/index.js';
import type { SshPool } from '../../clients/ssh/index.js';
import { ErrorCode, isNetopsError, NetopsError, UsageError } from '../../errors.js';
import type { ClusterHost } from '../cluster.js';
import { findAllocContainer } from '../deploy/alloc-container.js';
import { mapAllocationsToHosts } from '../deploy/alloc-hosts.js';
import { overlayServices } from '../tenant-job.js';
import { collectInventory, type HostFailure, type HostInventory } from './inventory.js';
import {
  buildEndpoints,
  findContainerById,
  findContainerByIp,
  findContainersByName,
  type Located,
  matchTenant,
} from './match.js';
import type { TenantView } from './tenants.js';
import type { Endpoint } from './types.js';

/** What resolution talks to (injected; a ClusterContext fits). */
export interface ResolveDeps {
  ssh: Pick<SshPool, 'run'>;
  hosts: readonly ClusterHost[];
  nomad: Pick<NomadClient, 'listJobAllocations' | 'readAllocation' | 'readJob' | 'readNode'>;
  /**
   * The Nomad clients of tenants with their own namespace: a job or allocation not found in the cluster's
   * namespace is looked up in theirs (a job in another namespace is invisible to a query without it).
   */
  tenantNomads?: ReadonlyArray<Pick<NomadClient, 'listJobAllocations' | 'readAllocation' | 'readJob' | 'readNode'>>;
  consul: Pick<ConsulClient, 'catalogService'>;
  tenants: readonly TenantView[];
  /** Per SSH command. */
  timeoutMs: number;
}

/** Both sides of a check, resolved. */
export interface ResolvedWorkloads {
  sides: [Endpoint[], Endpoint[]];
  /** Hosts that could not be listed: their containers are missing from tenant sets. */
  hostFailures: HostFailure[];
  warnings: string[];
}

const ALLOC_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Lookup<T> = { found: T } | { missing: true } | { failed: string };

async function settleLookup<T>(p: Promise<T | undefined>): Promise<Lookup<T>> {
  try {
    const value = await p;
    return value === undefined ? { missing: true } : { found: value };
  } catch (err) {
    if (isNetopsError(err) && err.code === ErrorCode.NotFound) return { missing: true };
    // Never rethrown: a lookup whose answer is not needed may never be awaited; cancellation shows elsewhere.
    return { failed: isNetopsError(err) && err.userMessage ? err.userMessage : String((err as Error).message ?? err) };
  }
}

interface NomadHit {
  allocs: Array<{ ID: string; NodeID: string | null; NodeName: string | null; tasks: string[] }>;
  servicePort?: number;
  /** The client (namespace) that found it. */
  nomad: ResolveDeps['nomad'];
}

async function lookupNomadIn(
  nomad: ResolveDeps['nomad'],
  name: string,
  signal: AbortSignal,
): Promise<NomadHit | undefined> {
  const toHit = (a: { ID: string; NodeID?: string | null; NodeName?: string | null; TaskStates?: unknown }) => ({
    ID: a.ID,
    NodeID: a.NodeID ?? null,
    NodeName: a.NodeName ?? null,
    tasks: Object.keys((a.TaskStates as Record<string, unknown> | null | undefined) ?? {}),
  });
  if (ALLOC_ID.test(name)) {
    const alloc = await nomad.readAllocation(name, { signal });
    return { allocs: [toHit(alloc)], nomad };
  }
  const { value } = await nomad.listJobAllocations(name, { signal });
  const running = value.filter((a) => a.ClientStatus === 'running');
  if (value.length === 0) return undefined;
  const job = await nomad.readJob(name, { signal }).catch(() => undefined);
  const port = job ? overlayServices(job as Record<string, unknown>, '')[0]?.port : undefined;
  return { allocs: running.map(toHit), nomad, ...(port ? { servicePort: port } : {}) };
}

/** Looks a job or allocation up in the cluster's namespace, then in each tenant namespace. */
async function lookupNomad(deps: ResolveDeps, name: string, signal: AbortSignal): Promise<NomadHit | undefined> {
  for (const nomad of [deps.nomad, ...(deps.tenantNomads ?? [])]) {
    try {
      const hit = await lookupNomadIn(nomad, name, signal);
      if (hit) return hit;
    } catch (err) {
      if (!(isNetopsError(err) && err.code === ErrorCode.NotFound)) throw err;
    }
  }
  return undefined;
}

async function lookupConsul(
  deps: ResolveDeps,
  name: string,
  signal: AbortSignal,
): Promise<Array<{ ip: string; port: number | null }> | undefined> {
  const entries = await deps.consul.catalogService(name, { signal });
  if (entries.length === 0) return undefined;
  return entries.map((e) => ({ ip: e.ServiceAddress || e.Address, port: e.ServicePort ?? null }));
}

async function locateAllocations(
  deps: ResolveDeps,
  inventories: readonly HostInventory[],
  name: string,
  hit: NomadHit,
  signal: AbortSignal,
): Promise<{ endpoints: Endpoint[]; warnings: string[] }> {
  const warnings: string[] = [];
  const endpoints: Endpoint[] = [];
  const placements = await mapAllocationsToHosts(hit.nomad, deps.hosts, hit.allocs, signal);
  await Promise.all(
    hit.allocs.map(async (alloc) => {
      const placement = placements.find((p) => p.allocId === alloc.ID);
      const host = placement?.host;
      if (!host) {
        warnings.push(`allocation ${alloc.ID.slice(0, 8)}: ${placement?.problem ?? 'no node'}`);
        return;
      }
      const id = await findAllocContainer(
        deps.ssh,
        host.name,
        { id: alloc.ID, tasks: alloc.tasks },
        { signal, timeoutMs: deps.timeoutMs },
      ).catch(() => undefined);
      const container = id ? findContainerById(inventories, host.name, id) : undefined;
      if (!container) {
        warnings.push(`allocation ${alloc.ID.slice(0, 8)} has no running container on ${host.name}`);
        return;
      }
      const label = hit.allocs.length > 1 ? `${name}/${alloc.ID.slice(0, 8)}` : name;
      const via = ALLOC_ID.test(name) ? 'nomad-allocation' : 'nomad-job';
      endpoints.push(
        ...buildEndpoints(name, { host: host.name, container }, deps.tenants, via, {
          label,
          ...(hit.servicePort ? { servicePort: hit.servicePort } : {}),
        }),
      );
    }),
  );
  return { endpoints, warnings };
}

function locateConsul(
  deps: ResolveDeps,
  inventories: readonly HostInventory[],
  name: string,
  instances: Array<{ ip: string; port: number | null }>,
): { endpoints: Endpoint[]; warnings: string[] } {
  const endpoints: Endpoint[] = [];
  const strays: string[] = [];
  for (const inst of instances) {
    const found: Located | undefined = findContainerByIp(inventories, inst.ip);
    if (!found) {
      strays.push(inst.ip);
      continue;
    }
    endpoints.push(
      ...buildEndpoints(name, found, deps.tenants, 'consul-service', {
        label: instances.length > 1 ? `${name}/${inst.ip}` : name,
        onlyIp: inst.ip,
        ...(inst.port ? { servicePort: inst.port } : {}),
      }),
    );
  }
  const warnings = strays.length
    ? [
        `Consul service \`${name}\` has instance address(es) ${strays.join(', ')} that no container holds on the overlay (a host or docker-bridge address, as Nomad registers them)`,
      ]
    : [];
  return { endpoints, warnings };
}

function describeAmbiguous(name: string, hits: Located[]): never {
  const list = hits.map((h) => `${h.container.name} on ${h.host} (${h.container.id.slice(0, 12)})`).join(', ');
  throw new UsageError(`\`${name}\` is ambiguous: ${list}. Give a container ID or a Nomad allocation instead`);
}

async function resolveOne(
  deps: ResolveDeps,
  name: string,
  inventory: { inventories: HostInventory[]; failures: HostFailure[] },
  nomad: Promise<Lookup<NomadHit>>,
  consul: Promise<Lookup<Array<{ ip: string; port: number | null }>>>,
  signal: AbortSignal,
): Promise<{ endpoints: Endpoint[]; warnings: string[] }> {
  const { inventories, failures } = inventory;
  if (name.startsWith('tenant:')) {
    const tenant = name.slice('tenant:'.length);
    const endpoints = matchTenant(inventories, deps.tenants, tenant);
    if (endpoints.length === 0) {
      throw new NetopsError(ErrorCode.NotFound, `no container in tenant ${tenant}`, {
        userMessage: `No running container has an address in tenant \`${tenant}\`'s subnet on ${inventories.map((i) => i.host).join(', ') || 'any reachable host'}.`,
      });
    }
    return { endpoints, warnings: [] };
  }
  const hits = findContainersByName(inventories, name);
  if (hits.length > 1) describeAmbiguous(name, hits);
  if (hits.length === 1) return { endpoints: buildEndpoints(name, hits[0]!, deps.tenants, 'container'), warnings: [] };
  const job = await nomad;
  if ('found' in job && job.found.allocs.length > 0) {
    const located = await locateAllocations(deps, inventories, name, job.found, signal);
    if (located.endpoints.length) return located;
  }
  const svc = await consul;
  if ('found' in svc) {
    const located = locateConsul(deps, inventories, name, svc.found);
    if (located.endpoints.length) return located;
    throw new NetopsError(ErrorCode.NotFound, `consul service ${name}: no instance on the overlay`, {
      userMessage: located.warnings[0] ?? `Consul service \`${name}\` has no instance on the overlay.`,
    });
  }
  if ('found' in job) {
    throw new NetopsError(ErrorCode.NotFound, `nomad ${name}: no running container`, {
      userMessage: `Nomad \`${name}\` has no running allocation with a container on a configured host.`,
    });
  }
  const searched = inventories.map((i) => i.host).join(', ') || 'no host';
  const notes = [
    ...failures.map((f) => `${f.host} could not be searched: ${f.reason}`),
    ...('failed' in job ? [`Nomad: ${job.failed}`] : []),
    ...('failed' in svc ? [`Consul: ${svc.failed}`] : []),
  ];
  throw new NetopsError(ErrorCode.NotFound, `unknown workload ${name}`, {
    userMessage: `Unknown workload \`${name}\`: no container of that name on ${searched}, no Nomad job or allocation, no Consul service.${notes.length ? ` (${notes.join('; ')})` : ''}`,
  });
}

/**
 * Resolves both workload names of a check: container names (docker ps / weave ps on every host, in parallel),
 * Nomad jobs and allocations (their running containers by alloc label), Consul services (instances mapped to
 * containers by overlay address), and `tenant:<name>` (every container in that subnet). Lookups run at once.
 */
export async function resolveWorkloads(
  deps: ResolveDeps,
  names: readonly [string, string],
  signal: AbortSignal,
): Promise<ResolvedWorkloads> {
  const named = (n: string) => !n.startsWith('tenant:');
  const nomad = names.map((n) =>
    named(n) ? settleLookup(lookupNomad(deps, n, signal)) : Promise.resolve<Lookup<NomadHit>>({ missing: true }),
  );
  const consul = names.map((n) =>
    named(n) ? settleLookup(lookupConsul(deps, n, signal)) : Promise.resolve({ missing: true } as const),
  );
  const inventory = await collectInventory(deps.ssh, deps.hosts, { signal, timeoutMs: deps.timeoutMs });
  const [a, b] = await Promise.all(names.map((n, i) => resolveOne(deps, n, inventory, nomad[i]!, consul[i]!, signal)));
  const warnings = [...a!.warnings, ...b!.warnings];
  if (inventory.failures.length && names.some((n) => !named(n))) {
    warnings.push(
      ...inventory.failures.map(
        (f) => `${f.host} could not be listed, its containers are not in the check: ${f.reason}`,
      ),
    );
  }
  return { sides: [a!.endpoints, b!.endpoints], hostFailures: inventory.failures, warnings };
}
