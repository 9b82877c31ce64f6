import { ErrorCode, NetopsError, UsageError } from '../../errors.js';
import { isIpInCidr, parseCidr } from '../ipv4.js';
import type { HostInventory, InventoryContainer } from './inventory.js';
import { findTenantForIp, type TenantView } from './tenants.js';
import type { Endpoint, ResolvedVia } from './types.js';

/** A container found on a host. */
export interface Located {
  host: string;
  container: InventoryContainer;
}

/** Containers whose name (or full/12+ char ID prefix) is `name`, on any host. */
export function findContainersByName(inventories: readonly HostInventory[], name: string): Located[] {
  const byId = /^[0-9a-f]{12,64}$/.test(name);
  return inventories.flatMap((inv) =>
    inv.containers
      .filter((c) => c.name === name || (byId && c.id.startsWith(name)))
      .map((container) => ({ host: inv.host, container })),
  );
}

/** The container with this ID on this host, if listed. */
export function findContainerById(
  inventories: readonly HostInventory[],
  host: string,
  id: string,
): InventoryContainer | undefined {
  return inventories.find((i) => i.host === host)?.containers.find((c) => c.id.startsWith(id) || id.startsWith(c.id));
}

/** The running container that holds this overlay address, on any host. */
export function findContainerByIp(inventories: readonly HostInventory[], ip: string): Located | undefined {
  for (const inv of inventories) {
    const container = inv.containers.find((c) => c.state === 'running' && c.overlayIps.includes(ip));
    if (container) return { host: inv.host, container };
  }
  return undefined;
}

/** Endpoints of one container: one per overlay address, each labelled with its workload name. */
export function buildEndpoints(
  workload: string,
  found: Located,
  tenants: readonly TenantView[],
  via: ResolvedVia,
  opts: { label?: string; onlyIp?: string; servicePort?: number } = {},
): Endpoint[] {
  const { container } = found;
  if (container.state !== 'running') {
    throw new NetopsError(ErrorCode.NotFound, `${container.name} on ${found.host} is ${container.state}`, {
      userMessage: `Container \`${container.name}\` on ${found.host} is not running (state ${container.state}): nothing to probe from or to.`,
    });
  }
  if (container.overlayIps.length === 0) {
    throw new NetopsError(ErrorCode.NotFound, `${container.name} on ${found.host} has no overlay address`, {
      userMessage: `Container \`${container.name}\` on ${found.host} has no overlay address (\`weave ps\` shows none): it is on no tenant network, so its isolation cannot be checked.`,
    });
  }
  const ips = opts.onlyIp ? [opts.onlyIp] : container.overlayIps;
  return ips.map((ip) => ({
    label: opts.label ?? workload,
    workload,
    host: found.host,
    container: container.name,
    ip,
    tenant: findTenantForIp(tenants, ip),
    ...(opts.servicePort !== undefined ? { servicePort: opts.servicePort } : {}),
    via,
  }));
}

/** `tenant:<name>`: every running container with an address in that tenant's subnet, on every listed host. */
export function matchTenant(
  inventories: readonly HostInventory[],
  tenants: readonly TenantView[],
  tenantName: string,
): Endpoint[] {
  const tenant = tenants.find((t) => t.name === tenantName);
  if (!tenant) {
    throw new UsageError(
      `unknown tenant \`${tenantName}\`; known tenants: ${tenants.map((t) => t.name).join(', ') || 'none configured'}`,
    );
  }
  const subnet = parseCidr(tenant.subnet);
  const endpoints: Endpoint[] = [];
  for (const inv of inventories) {
    for (const c of inv.containers) {
      if (c.state !== 'running') continue;
      const ip = c.overlayIps.find((a) => isIpInCidr(a, subnet));
      if (ip === undefined) continue;
      endpoints.push({
        label: c.name,
        workload: `tenant:${tenantName}`,
        host: inv.host,
        container: c.name,
        ip,
        tenant: tenantName,
        via: 'tenant',
      });
    }
  }
  // docker ps lists newest first; a stable order keeps truth tables comparable between runs.
  return endpoints.sort((x, y) => x.container.localeCompare(y.container) || x.host.localeCompare(y.host));
}

/**
 * Makes labels unique across both sides: a container that appears with several addresses gets `@<tenant>`
 * (or `@<ip>`), one that exists on several hosts gets `@<host>`. The same container and address given twice
 * (e.g. `a1` and `tenant:default`) is kept once.
 */
export function mergeEndpoints(sets: readonly Endpoint[][]): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const e of sets.flat()) {
    const key = `${e.host}/${e.container}/${e.ip}`;
    if (!seen.has(key)) seen.set(key, { ...e });
  }
  const all = [...seen.values()];
  // Each step renames only labels still shared, computing every new label before assigning any.
  const refine = (suffix: (e: Endpoint, twins: Endpoint[]) => string | undefined) => {
    const next = all.map((e) => {
      const twins = all.filter((o) => o !== e && o.label === e.label);
      const add = twins.length ? suffix(e, twins) : undefined;
      return add ? `${e.label}@${add}` : e.label;
    });
    all.forEach((e, i) => {
      e.label = next[i]!;
    });
  };
  refine((e, twins) => (twins.some((t) => t.host !== e.host) ? e.host : undefined));
  refine((e) => e.tenant ?? e.ip);
  refine((e) => e.ip);
  return all;
}
