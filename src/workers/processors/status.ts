import type { JobListStub, NomadClient } from '../../clients/nomad/index.js';
import { buildCommand } from '../../clients/ssh/index.js';
import type { StatusArgs } from '../../commands/index.js';
import type { ClusterContext } from '../../net/cluster.js';
import { checkNomadCluster, type NomadClusterCheck } from '../../net/deploy/nomad-support.js';
import { checkWeaveStatusOutput, WEAVE_STATUS_TIMEOUT_MS } from '../../net/weave-launch.js';
import { parseWeaveStatus } from '../../net/weave-status.js';
import type { Report, ReportBlock } from '../../report/model.js';
import type { Processor } from '../processor.js';
import type { TenantConfigView } from './tenant-context.js';

const settle = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> =>
  p
    .then((value) => ({ ok: true as const, value }))
    .catch((err: Error & { userMessage?: string }) => ({
      ok: false as const,
      error: (err.userMessage ?? err.message).split('\n')[0] ?? 'error',
    }));

/** What /status checks of Nomad besides nodes and jobs: the configured region (the release is read too). */
export interface StatusNomadCheck {
  region: string;
  namespace: string;
  /** When configured, it must have nodes (named with the real ones otherwise). */
  datacenter?: string | undefined;
}

/** Lists the jobs of the cluster's namespace and of every tenant namespace (each job once). */
async function listJobsEverywhere(
  cluster: ClusterContext,
  tenantNomads: ReadonlyArray<{ namespace: string; nomad: NomadClient }>,
  signal: AbortSignal,
): Promise<JobListStub[]> {
  const lists = await Promise.all([
    cluster.nomad.listJobs({ signal }),
    ...tenantNomads.map(async (t) => {
      try {
        return await t.nomad.listJobs({ signal });
      } catch (err) {
        throw new Error(`namespace ${t.namespace}: ${(err as Error).message}`);
      }
    }),
  ]);
  const seen = new Set<string>();
  return lists.flat().filter((j) => {
    const key = `${j.Namespace ?? ''}/${j.ID}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Jobs per tenant (a job belongs to the tenant whose name ends its ID). */
function describeJobsByTenant(jobs: readonly JobListStub[], config: TenantConfigView): ReportBlock {
  const tenants = [...config.tenants.map((t) => t.name)].sort((a, b) => b.length - a.length);
  const byTenant = new Map<string, string[]>();
  for (const job of jobs) {
    const tenant = tenants.find((t) => job.ID.endsWith(`-${t}`)) ?? '(none)';
    byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), `${job.ID} (${job.Status})`]);
  }
  return {
    kind: 'table',
    columns: ['tenant', 'jobs'],
    rows: [...byTenant.entries()].map(([t, js]) => [t, js.join(', ')]),
  };
}

/** The Nomad line of /status: release, region (and the cluster's regions), the nodes' datacenters. */
function describeNomadCheck(
  check: NomadClusterCheck,
  address: string,
  nodes: ReadonlyArray<{ Datacenter?: string | null }>,
): ReportBlock {
  const datacenters = check.datacenters.length
    ? check.datacenters
    : [...new Set(nodes.map((n) => n.Datacenter ?? '?'))].sort();
  return {
    kind: 'fields',
    fields: [
      { label: 'Nomad', value: `${check.version} at ${address}` },
      { label: 'region', value: `${check.region} (cluster: ${check.regions.join(', ')})` },
      ...(datacenters.length
        ? [
            {
              label: 'datacenters',
              value: `${datacenters.join(', ')}${check.datacenter ? ` (configured: ${check.datacenter})` : ''}`,
            },
          ]
        : []),
    ],
  };
}

/** Tenant subnets against each host's Weave launch (Range/DefaultSubnet of `weave status`), for hosts that answered. */
function checkWeaveLaunchOf(
  weave: ReadonlyArray<{
    host: string;
    status: { ok: true; value: { code: number | null; stdout: string } } | { ok: false };
  }>,
  config: TenantConfigView,
): string[] {
  return weave.flatMap((w) =>
    w.status.ok && w.status.value.code === 0
      ? checkWeaveStatusOutput(w.host, w.status.value.stdout, config).map((p) => p.text)
      : [],
  );
}

/**
 * `/status`: the Nomad release and region check, Nomad nodes, Consul members, Weave peers and connections per
 * host, jobs per tenant (tenant namespaces included). Partial answers are shown.
 */
export function createStatusProcessor(deps: {
  cluster: ClusterContext;
  config: TenantConfigView;
  nomadCheck?: StatusNomadCheck;
  tenantNomads?: ReadonlyArray<{ tenant: string; namespace: string; nomad: NomadClient }>;
}): Processor<StatusArgs> {
  return async (ctx) => {
    const { cluster } = deps;
    const [check, nodes, members, jobs, weave] = await Promise.all([
      deps.nomadCheck
        ? settle(checkNomadCluster(cluster.nomad, deps.nomadCheck, ctx.signal))
        : Promise.resolve(undefined),
      settle(cluster.nomad.listNodes({ signal: ctx.signal })),
      settle(cluster.consul.members({ signal: ctx.signal })),
      settle(listJobsEverywhere(cluster, deps.tenantNomads ?? [], ctx.signal)),
      Promise.all(
        cluster.hosts.map(async (h) => {
          const status = await settle(
            cluster.ssh.run(h.name, buildCommand('weave.status'), {
              signal: ctx.signal,
              timeoutMs: WEAVE_STATUS_TIMEOUT_MS,
            }),
          );
          const conns = await settle(
            cluster.ssh.run(h.name, buildCommand('weave.status.connections'), {
              signal: ctx.signal,
              timeoutMs: WEAVE_STATUS_TIMEOUT_MS,
            }),
          );
          return { host: h.name, status, conns };
        }),
      ),
    ]);
    const blocks: ReportBlock[] = [];
    const problems: string[] = [];
    if (check?.ok) {
      blocks.push(describeNomadCheck(check.value, cluster.nomad.address, nodes.ok ? nodes.value : []));
      problems.push(...check.value.problems);
    } else if (check) problems.push(`Nomad: ${check.error}`);
    const memberByAddr = new Map((members.ok ? members.value : []).map((m) => [m.Addr, m]));
    const rows = cluster.hosts.map((h) => {
      // A node's name is its hostname, often not the config's host name: match by address first.
      const node = nodes.ok
        ? (nodes.value.find((n) => n.Address === h.address) ?? nodes.value.find((n) => n.Name === h.name))
        : undefined;
      const member = memberByAddr.get(h.address);
      const w = weave.find((x) => x.host === h.name);
      const ws =
        w?.status.ok && w.status.value.code === 0
          ? parseWeaveStatus(w.status.value.stdout, w.conns.ok ? w.conns.value.stdout : '')
          : undefined;
      if (w && !ws)
        problems.push(
          `weave on ${h.name}: ${w.status.ok ? w.status.value.stderr.trim() || `exit ${w.status.value.code}` : w.status.error}`,
        );
      return [
        h.name,
        h.address,
        node
          ? `${node.Status}${node.SchedulingEligibility === 'ineligible' ? ' (ineligible)' : ''}`
          : nodes.ok
            ? 'not a node'
            : '?',
        member ? (member.Status === 1 ? 'alive' : `status ${member.Status}`) : members.ok ? 'not a member' : '?',
        ws
          ? `${ws.peers ?? '?'} peers, ${ws.established ?? '?'}/${ws.connections ?? '?'} established${ws.modes.length ? ` (${ws.modes.join(', ')})` : ''}`
          : '?',
      ];
    });
    blocks.push({ kind: 'table', columns: ['host', 'address', 'nomad', 'consul', 'weave'], rows });
    problems.push(...checkWeaveLaunchOf(weave, deps.config));
    if (!nodes.ok && !(check && !check.ok)) problems.push(`Nomad: ${nodes.error}`);
    if (!members.ok) problems.push(`Consul: ${members.error}`);
    if (jobs.ok) blocks.push(describeJobsByTenant(jobs.value, deps.config));
    else problems.push(`Nomad jobs: ${jobs.error}`);
    for (const p of problems) blocks.push({ kind: 'alert', level: 'warning', text: p });
    const report: Report = {
      command: 'status',
      ok: problems.length === 0,
      title:
        problems.length === 0
          ? `cluster: ${cluster.hosts.length} hosts healthy`
          : `cluster: ${problems.length} problem(s)`,
      blocks,
      hosts: rows.map(([host, address, nomad, consul, weaveText]) => ({
        host,
        address,
        nomad,
        consul,
        weave: weaveText,
      })),
      problems,
    };
    return report;
  };
}
