import { UsageError } from '../../errors.js';
import { cidrContainsCidr, parseCidr } from '../../net/ipv4.js';
import type { TenantPlacement } from '../../net/tenant-job.js';

/** The parts of config a tenant-aware command needs (injected; processors never read config files). */
export interface TenantConfigView {
  tenants: ReadonlyArray<{ name: string; subnet: string; network: string }>;
  networks: ReadonlyArray<{
    name: string;
    kind: string;
    attach: string;
    dockerNetwork?: string | undefined;
    range?: string | undefined;
  }>;
}

/** Resolves a tenant name to its subnet and how its containers join the overlay, or a usage error listing the known ones. */
export function resolveTenant(
  view: TenantConfigView,
  name: string,
): TenantPlacement & { network: string; range?: string } {
  const tenant = view.tenants.find((t) => t.name === name);
  if (!tenant) {
    const known = view.tenants.map((t) => t.name).join(', ') || 'none configured';
    throw new UsageError(`unknown tenant \`${name}\`; known tenants: ${known}`);
  }
  const network = view.networks.find((n) => n.name === tenant.network);
  if (!network) throw new UsageError(`tenant \`${name}\` names network \`${tenant.network}\`, which is not configured`);
  const range = network.range ? parseCidr(network.range) : undefined;
  const subnet = parseCidr(tenant.subnet);
  if (!subnet || (range && !cidrContainsCidr(range, subnet))) {
    throw new UsageError(
      `tenant \`${name}\` has subnet ${tenant.subnet}, outside the ${network.name} overlay range ${network.range}: fix tenants in the config`,
    );
  }
  const attach = network.attach as TenantPlacement['attach'];
  return {
    tenant: tenant.name,
    subnet: tenant.subnet,
    attach,
    network: network.name,
    ...(network.dockerNetwork ? { dockerNetwork: network.dockerNetwork } : {}),
    ...(network.range ? { range: network.range } : {}),
  };
}
