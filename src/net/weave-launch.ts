import { buildCommand, type SshPool } from '../clients/ssh/index.js';
import { ErrorCode, NetopsError } from '../errors.js';
import type { ClusterHost } from './cluster.js';
import {
  checkPluginNetworkSubnets,
  checkTenantSubnets,
  parseWeaveIpam,
  type WeaveProblem,
  type WeaveTenant,
} from './weave-ipam.js';

/** The config a Weave launch check needs: tenants and the networks they live on. */
export interface WeaveLaunchView {
  tenants: ReadonlyArray<{ name: string; subnet: string; network: string }>;
  networks: ReadonlyArray<{
    name: string;
    kind: string;
    range?: string | undefined;
    attach?: string | undefined;
    dockerNetwork?: string | undefined;
  }>;
}

interface WeaveTenantGroup {
  range?: string;
  /** The Docker network plugin-mode containers join; undefined in the other modes. */
  pluginNetwork?: string;
  tenants: WeaveTenant[];
}

/** `weave status` runs a weaveexec container on real hosts (about a second, more on a first pull). */
export const WEAVE_STATUS_TIMEOUT_MS = 30_000;

/** Tenants on Weave networks, grouped by network with the network's configured range. */
function weaveTenantGroups(view: WeaveLaunchView): WeaveTenantGroup[] {
  return view.networks
    .filter((n) => n.kind === 'weave')
    .map((n) => ({
      ...(n.range ? { range: n.range } : {}),
      ...(n.attach === 'plugin' && n.dockerNetwork ? { pluginNetwork: n.dockerNetwork } : {}),
      tenants: view.tenants.filter((t) => t.network === n.name).map((t) => ({ name: t.name, subnet: t.subnet })),
    }))
    .filter((g) => g.tenants.length > 0);
}

/** The mismatches between the configured tenants and one host's `weave status` output (none without Weave tenants). */
export function checkWeaveStatusOutput(host: string, stdout: string, view: WeaveLaunchView): WeaveProblem[] {
  const groups = weaveTenantGroups(view);
  if (groups.length === 0) return [];
  const ipam = parseWeaveIpam(stdout);
  if (!ipam) {
    return [
      {
        host,
        text: `weave on ${host}: \`weave status\` shows no IPAM Range/DefaultSubnet, so tenant subnets cannot be allocated — launch Weave with --ipalloc-range`,
      },
    ];
  }
  return groups.flatMap((g) => [
    ...checkTenantSubnets(host, ipam, g.tenants, g.range),
    ...(g.pluginNetwork ? checkPluginNetworkSubnets(host, ipam, g.tenants, g.pluginNetwork) : []),
  ]);
}

/** Runs `weave status` on every host and checks the tenants against each; unreadable hosts are problems too. */
async function checkWeaveLaunch(
  ssh: Pick<SshPool, 'run'>,
  hosts: readonly ClusterHost[],
  view: WeaveLaunchView,
  signal: AbortSignal,
): Promise<WeaveProblem[]> {
  if (weaveTenantGroups(view).length === 0) return [];
  const perHost = await Promise.all(
    hosts.map(async (h) => {
      try {
        const r = await ssh.run(h.name, buildCommand('weave.status'), { signal, timeoutMs: WEAVE_STATUS_TIMEOUT_MS });
        if (r.code !== 0) {
          return [
            {
              host: h.name,
              text: `weave on ${h.name}: \`weave status\` failed: ${r.stderr.trim() || `exit ${r.code}`}`,
            },
          ];
        }
        return checkWeaveStatusOutput(h.name, r.stdout, view);
      } catch (err) {
        const e = err as Error & { userMessage?: string };
        return [{ host: h.name, text: `weave on ${h.name}: ${(e.userMessage ?? e.message).split('\n')[0]}` }];
      }
    }),
  );
  return perHost.flat();
}

/**
 * Refuses a write for a tenant whose subnet does not match how Weave was launched (checked on every host before
 * anything changes), naming each mismatch and its fix. Tenants on other networks pass without a check.
 */
export function createWeaveLaunchGate(ssh: Pick<SshPool, 'run'>, hosts: readonly ClusterHost[], view: WeaveLaunchView) {
  return async function ensureWeaveLaunch(tenant: string, signal: AbortSignal): Promise<void> {
    const t = view.tenants.find((x) => x.name === tenant);
    const network = view.networks.find((n) => n.name === t?.network);
    if (!t || network?.kind !== 'weave') return;
    // Problems of other tenants do not block this one; a host whose Weave cannot be read does.
    const problems = (await checkWeaveLaunch(ssh, hosts, view, signal)).filter(
      (p) => p.tenant === undefined || p.tenant === tenant,
    );
    if (problems.length === 0) return;
    const text = `Nothing was changed: tenant ${tenant} does not match how Weave was launched.\n${problems.map((p) => `• ${p.text}`).join('\n')}`;
    throw new NetopsError(ErrorCode.NotAvailable, `weave launch mismatch for ${tenant}`, { userMessage: text });
  };
}
