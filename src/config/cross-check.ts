import { cidrContainsCidr, cidrsOverlap, parseCidr } from '../net/ipv4.js';

type Entry = { index: number; value: Record<string, unknown> };

function listEntries(raw: Record<string, unknown>, key: string): Entry[] {
  const list = raw[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((value, index) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? [{ index, value: value as Record<string, unknown> }]
      : [],
  );
}

function readString(entry: Entry, key: string): string | undefined {
  const value = entry.value[key];
  return typeof value === 'string' ? value : undefined;
}

function oneOf(value: string | undefined, allowed: readonly string[]): string | undefined {
  return value !== undefined && allowed.includes(value) ? value : undefined;
}

function checkUniqueNames(section: string, entries: Entry[], problems: string[]): void {
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const name = readString(entry, 'name');
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, entry.index);
    else
      problems.push(
        `${section}[${entry.index}].name: "${name}" is already used by ${section}[${first}] — rename one of them`,
      );
  }
}

// All kinds the schema accepts; a kind left out here would skip the kind/attach checks below (routed did).
const NETWORK_KINDS = ['weave', 'flannel', 'routed', 'host', 'docker-network'] as const;

function checkNetworks(networks: Entry[], problems: string[]): void {
  for (const net of networks) {
    const at = `networks[${net.index}]`;
    // Invalid enum values are the schema's to report; checking combinations with them would only add noise.
    const kind = oneOf(readString(net, 'kind'), NETWORK_KINDS);
    const attach = oneOf(readString(net, 'attach'), ['proxy', 'plugin', 'host', 'docker-network']);
    if ((attach === 'plugin' || attach === 'docker-network') && net.value.dockerNetwork === undefined) {
      problems.push(`${at}.dockerNetwork: is required with attach: ${attach} — set the docker network containers join`);
    }
    if (attach === 'proxy' && kind !== undefined && kind !== 'weave') {
      problems.push(`${at}.attach: proxy (WEAVE_CIDR) works only with kind: weave — use plugin or docker-network`);
    }
    if ((kind === 'host') !== (attach === 'host') && kind !== undefined && attach !== undefined) {
      problems.push(
        `${at}.attach: kind ${kind} needs ${kind === 'host' ? 'attach: host' : 'an overlay attach mode'} — set kind and attach together`,
      );
    }
  }
}

/**
 * A tenant on a `host`-kind network is refused: its containers share each host's own network stack, so no overlay
 * subnet exists to give them addresses from, and nothing separates them from other tenants or the host itself.
 * The deploy would set a subnet Docker ignores and /isolation-check would test the underlay (issue 17 item 9).
 */
function checkTenantNetwork(at: string, network: Entry | undefined, networks: Entry[], problems: string[]): void {
  if (!network || readString(network, 'kind') !== 'host') return;
  const overlays = networks
    .filter((n) => readString(n, 'kind') !== 'host')
    .map((n) => readString(n, 'name'))
    .filter((n) => n !== undefined);
  problems.push(
    `${at}.network: ${readString(network, 'name')} is a host network (containers share the host's network stack; no overlay subnet can isolate a tenant) — place the tenant on an overlay network: ${overlays.join(', ') || '(define one under networks)'}`,
  );
}

function checkTenants(tenants: Entry[], networks: Entry[], problems: string[]): void {
  const networkNames = networks.map((n) => readString(n, 'name')).filter((n) => n !== undefined);
  const placed: { name: string; index: number; subnet: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
  for (const tenant of tenants) {
    const at = `tenants[${tenant.index}]`;
    const networkName = readString(tenant, 'network');
    const subnet = parseCidr(readString(tenant, 'subnet') ?? '');
    const network = networks.find((n) => readString(n, 'name') === networkName);
    if (networkName !== undefined && !network) {
      problems.push(
        `${at}.network: no network named "${networkName}" — use one of: ${networkNames.join(', ') || '(no networks defined)'}`,
      );
    }
    checkTenantNetwork(at, network, networks, problems);
    const range = network ? parseCidr(readString(network, 'range') ?? '') : undefined;
    if (subnet && range && !cidrContainsCidr(range, subnet)) {
      problems.push(
        `${at}.subnet: ${subnet.text} is outside the range ${range.text} of network ${networkName} — pick a subnet inside it`,
      );
    }
    if (!subnet) continue;
    for (const other of placed) {
      if (cidrsOverlap(other.subnet, subnet)) {
        problems.push(
          `${at}.subnet: ${subnet.text} overlaps ${other.subnet.text} of tenant ${other.name} — tenants need disjoint subnets`,
        );
      }
    }
    placed.push({ name: readString(tenant, 'name') ?? at, index: tenant.index, subnet });
  }
}

function checkHosts(hosts: Entry[], clusters: Entry[], problems: string[]): void {
  const clusterNames = clusters.map((c) => readString(c, 'name')).filter((n) => n !== undefined);
  for (const host of hosts) {
    const at = `hosts[${host.index}]`;
    const cluster = readString(host, 'cluster');
    if (cluster !== undefined && !clusterNames.includes(cluster)) {
      problems.push(
        `${at}.cluster: no cluster named "${cluster}" — use one of: ${clusterNames.join(', ') || '(none)'}`,
      );
    }
    if (cluster === undefined && clusters.length > 1) {
      problems.push(
        `${at}.cluster: is required when there are several clusters — set one of: ${clusterNames.join(', ')}`,
      );
    }
    if (host.value.keyFile !== undefined && host.value.agent === true) {
      problems.push(`${at}: has both keyFile and agent: true — keep one way to authenticate`);
    }
    if (host.value.keyFile === undefined && host.value.agent !== true) {
      problems.push(`${at}: has no way to authenticate — set keyFile: /path/to/id_ed25519 or agent: true`);
    }
  }
}

function checkIsolation(isolation: unknown, tenants: Entry[], problems: string[]): void {
  if (typeof isolation !== 'object' || isolation === null) return;
  const names = tenants.map((t) => readString(t, 'name')).filter((n) => n !== undefined);
  for (const rule of listEntries(isolation as Record<string, unknown>, 'allow')) {
    for (const side of ['from', 'to'] as const) {
      const name = readString(rule, side);
      if (name !== undefined && !names.includes(name)) {
        problems.push(
          `isolation.allow[${rule.index}].${side}: no tenant named "${name}" — use one of: ${names.join(', ') || '(no tenants defined)'}`,
        );
      }
    }
  }
}

function checkSlack(slack: unknown, problems: string[]): void {
  if (typeof slack !== 'object' || slack === null) return;
  const s = slack as Record<string, unknown>;
  if ((s.botId === undefined) !== (s.botUserId === undefined)) {
    problems.push('slack: botId and botUserId go together — set both or neither');
  }
}

/**
 * Checks that span entries: references between sections, unique names, subnets inside ranges. Runs on the
 * raw document (reading only what has the right type), so its problems are reported together with the
 * schema's, not after them.
 */
export function crossCheckConfig(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const clusters = listEntries(raw, 'clusters');
  const hosts = listEntries(raw, 'hosts');
  const networks = listEntries(raw, 'networks');
  const tenants = listEntries(raw, 'tenants');
  for (const [section, entries] of [
    ['clusters', clusters],
    ['hosts', hosts],
    ['networks', networks],
    ['tenants', tenants],
  ] as const) {
    checkUniqueNames(section, entries, problems);
  }
  checkNetworks(networks, problems);
  checkTenants(tenants, networks, problems);
  checkHosts(hosts, clusters, problems);
  checkSlack(raw.slack, problems);
  checkIsolation(raw.isolation, tenants, problems);
  return problems;
}
