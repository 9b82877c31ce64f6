import { buildCommand } from '../../clients/ssh/index.js';
import type { ClusterContext } from '../../net/cluster.js';
import { parseWeaveStatus } from '../../net/weave-status.js';
import type { Report, ReportBlock } from '../../report/model.js';
import type { Processor } from '../processor.js';
import type { TenantConfigView } from './tenant-context.js';

const settle = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> =>
  p
    .then((value) => ({ ok: true as const, value }))
    .catch((err: Error) => ({ ok: false as const, error: err.message.split('\n')[0] ?? 'error' }));

/** `/status`: Nomad nodes, Consul members, Weave peers and connections per host, jobs per tenant. Partial answers are shown. */
export function createStatusProcessor(deps: { cluster: ClusterContext; config: TenantConfigView }): Processor {
  return async (ctx) => {
    const { cluster } = deps;
    const [nodes, members, jobs, weave] = await Promise.all([
      settle(cluster.nomad.listNodes({ signal: ctx.signal })),
      settle(cluster.consul.members({ signal: ctx.signal })),
      settle(cluster.nomad.listJobs({ signal: ctx.signal })),
      Promise.all(
        cluster.hosts.map(async (h) => {
          const status = await settle(
            cluster.ssh.run(h.name, buildCommand('weave.status'), { signal: ctx.signal, timeoutMs: 10_000 }),
          );
          const conns = await settle(
            cluster.ssh.run(h.name, buildCommand('weave.status.connections'), {
              signal: ctx.signal,
              timeoutMs: 10_000,
            }),
          );
          return { host: h.name, status, conns };
        }),
      ),
    ]);
    const blocks: ReportBlock[] = [];
    const problems: string[] = [];
    const memberByAddr = new Map((members.ok ? members.value : []).map((m) => [m.Addr, m]));
    const rows = cluster.hosts.map((h) => {
      const node = nodes.ok ? nodes.value.find((n) => n.Address === h.address || n.Name === h.name) : undefined;
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
    if (!nodes.ok) problems.push(`Nomad: ${nodes.error}`);
    if (!members.ok) problems.push(`Consul: ${members.error}`);
    if (jobs.ok) {
      const tenants = [...deps.config.tenants.map((t) => t.name)].sort((a, b) => b.length - a.length);
      const byTenant = new Map<string, string[]>();
      for (const job of jobs.value) {
        const tenant = tenants.find((t) => job.ID.endsWith(`-${t}`)) ?? '(none)';
        byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), `${job.ID} (${job.Status})`]);
      }
      blocks.push({
        kind: 'table',
        columns: ['tenant', 'jobs'],
        rows: [...byTenant.entries()].map(([t, js]) => [t, js.join(', ')]),
      });
    } else problems.push(`Nomad jobs: ${jobs.error}`);
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
