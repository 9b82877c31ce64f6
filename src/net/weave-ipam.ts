import { cidrContainsCidr, cidrsOverlap, parseCidr } from './ipv4.js';

/** How Weave's IPAM was launched on a host, from `weave status` (weaveworks/weave v2.8.1 prog/weaver/http.go:200-201). */
export interface WeaveIpam {
  /** `--ipalloc-range` (the script's default: 10.32.0.0/12, weave:1155). */
  range: string;
  /** `--ipalloc-default-subnet`; equal to the range when not given (prog/weaver/main.go:646-648). */
  defaultSubnet: string;
}

/** A tenant on a Weave network, as config has it. */
export interface WeaveTenant {
  name: string;
  subnet: string;
}

/** One mismatch between config and a host's Weave, with its fix; `tenant` when it concerns one tenant. */
export interface WeaveProblem {
  host: string;
  tenant?: string;
  text: string;
}

/** The tenant whose containers take Weave's default subnet (`net:default`). */
const DEFAULT_TENANT = 'default';

/** Reads `Range:` and `DefaultSubnet:` from `weave status`; undefined when IPAM is off or the lines are missing. */
export function parseWeaveIpam(status: string): WeaveIpam | undefined {
  const range = /^\s*Range:\s*(\S+)/m.exec(status)?.[1];
  const defaultSubnet = /^\s*DefaultSubnet:\s*(\S+)/m.exec(status)?.[1];
  if (!range || !defaultSubnet || !parseCidr(range) || !parseCidr(defaultSubnet)) return undefined;
  return { range, defaultSubnet };
}

/**
 * The launch flags that isolate the configured tenants: the configured range (else Weave's), and the default
 * tenant's subnet as the default subnet (Weave's isolation guide, site/tasks/manage/application-isolation.md).
 */
function describeFix(range: string, tenants: readonly WeaveTenant[]): string {
  const def = tenants.find((t) => t.name === DEFAULT_TENANT)?.subnet ?? '<a subnet of its own>';
  return `relaunch Weave on every host with \`weave launch --ipalloc-range ${range} --ipalloc-default-subnet ${def}\` (after \`weave reset\`: IPAM keeps its range until reset), or change the tenant's subnet in the config`;
}

/**
 * Checks the configured tenant subnets against how Weave was launched on one host: every subnet must lie inside
 * the allocation range (Weave refuses one outside it: "range … out of bounds", ipam/allocate.go:37-38), and no
 * tenant but the default one may overlap the default subnet, which every `net:default` container is on (one
 * shared bridge: a container in the default subnet has an on-link route to the whole of it). Returns one problem
 * per mismatch, each with the fix.
 */
export function checkTenantSubnets(
  host: string,
  ipam: WeaveIpam,
  tenants: readonly WeaveTenant[],
  configuredRange?: string,
): WeaveProblem[] {
  const fix = describeFix(configuredRange ?? ipam.range, tenants);
  const range = parseCidr(ipam.range);
  const defaultSubnet = parseCidr(ipam.defaultSubnet);
  if (!range || !defaultSubnet) return [{ host, text: `weave on ${host}: unreadable IPAM range ${ipam.range}` }];
  const problems: WeaveProblem[] = [];
  for (const t of tenants) {
    const subnet = parseCidr(t.subnet);
    if (!subnet) continue; // config validation rejects these at load
    if (!cidrContainsCidr(range, subnet)) {
      problems.push({
        host,
        tenant: t.name,
        text: `weave on ${host}: tenant ${t.name}'s subnet ${t.subnet} is outside Weave's allocation range ${ipam.range}, so Weave refuses its containers — ${fix}`,
      });
    } else if (t.name !== DEFAULT_TENANT && cidrsOverlap(defaultSubnet, subnet)) {
      const plain = ipam.defaultSubnet === ipam.range ? ' (Weave was launched without --ipalloc-default-subnet)' : '';
      problems.push({
        host,
        tenant: t.name,
        text: `weave on ${host}: tenant ${t.name}'s subnet ${t.subnet} overlaps Weave's default subnet ${ipam.defaultSubnet}${plain}, so every net:default container shares it: no isolation — ${fix}`,
      });
    }
  }
  return problems;
}

/**
 * The Docker network Weave's plugin creates at launch, in Weave's default subnet: `EnsureNetwork("weave",
 * "weavemesh", DefaultSubnet)` (weaveworks/weave v2.8.1 plugin/plugin.go:80-84), and its IPAM answers a pool
 * request without a subnet with the default subnet too (plugin/ipam/driver.go:35-36).
 */
const WEAVE_PLUGIN_NETWORK = 'weave';

/**
 * Plugin mode on Weave's own `weave` Docker network: every container there takes an address from Weave's default
 * subnet, whatever its tenant, so only a tenant whose subnet is exactly the default subnet can be placed there.
 * Returns one problem per other tenant, with both fixes (relaunch, or a weavemesh network of the tenant's own).
 */
export function checkPluginNetworkSubnets(
  host: string,
  ipam: WeaveIpam,
  tenants: readonly WeaveTenant[],
  dockerNetwork: string,
): WeaveProblem[] {
  if (dockerNetwork !== WEAVE_PLUGIN_NETWORK) return [];
  return tenants
    .filter((t) => parseCidr(t.subnet) && t.subnet !== ipam.defaultSubnet)
    .map((t) => ({
      host,
      tenant: t.name,
      text: `weave on ${host}: tenant ${t.name}'s containers join Docker network ${dockerNetwork} (plugin mode), which Weave creates in its default subnet ${ipam.defaultSubnet}, so they would get addresses outside the tenant's subnet ${t.subnet} — relaunch Weave with \`--ipalloc-default-subnet ${t.subnet}\` (after \`weave reset\`), or create a network of the tenant's own (\`docker network create --driver weavemesh --ipam-driver weavemesh --subnet ${t.subnet} <name>\` on every host) and set it as the network's dockerNetwork`,
    }));
}
