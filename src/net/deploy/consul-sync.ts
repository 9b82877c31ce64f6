import type { ConsulClient, HealthServiceEntry } from '../../clients/consul/index.js';
import { TimeoutError } from '../../errors.js';
import type { ClusterContext } from '../cluster.js';

/** What a stale-instance sweep did. */
export interface SweepResult {
  removed: string[];
  /** Hosts whose agent could not be asked (down, refused): their stale entries may remain. */
  unreachable: Array<{ host: string; reason: string }>;
}

/**
 * Deregisters the bot's earlier registrations for a job (other allocations, earlier versions) from every host's
 * agent. Only entries the bot made (Meta.registered_by) for this job are touched.
 */
export async function deregisterStale(
  ctx: ClusterContext,
  jobId: string,
  keep: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<SweepResult> {
  const result: SweepResult = { removed: [], unreachable: [] };
  await Promise.all(
    ctx.hosts.map(async (host) => {
      const agent = ctx.consulAgent(host);
      try {
        const services = await agent.listAgentServices({ signal });
        for (const svc of Object.values(services)) {
          const ours = svc.Meta?.registered_by === 'netops-bot' && svc.Meta?.nomad_job === jobId;
          if (ours && !keep.has(svc.ID) && (await agent.deregisterAgentService(svc.ID, { signal })))
            result.removed.push(svc.ID);
        }
      } catch (err) {
        result.unreachable.push({ host: host.name, reason: (err as Error).message });
      }
    }),
  );
  return result;
}

/** Status of one instance as Consul's health endpoint reports it (worst check wins). */
export interface InstanceHealth {
  serviceId: string;
  node: string;
  address: string;
  port: number;
  checkStatus: 'passing' | 'warning' | 'critical' | 'missing';
}

function worstStatus(entry: HealthServiceEntry): InstanceHealth['checkStatus'] {
  const statuses = entry.Checks.map((c) => c.Status);
  if (statuses.includes('critical')) return 'critical';
  if (statuses.includes('warning')) return 'warning';
  return 'passing';
}

/** Reads the health of the given instances of a service. */
export async function readInstanceHealth(
  consul: ConsulClient,
  service: string,
  ids: readonly string[],
  signal: AbortSignal,
): Promise<InstanceHealth[]> {
  const entries = await consul.healthService(service, { signal });
  return ids.map((id) => {
    const e = entries.find((x) => x.Service.ID === id);
    if (!e) return { serviceId: id, node: '', address: '', port: 0, checkStatus: 'missing' as const };
    return {
      serviceId: id,
      node: e.Node.Node,
      address: e.Service.Address || e.Node.Address,
      port: e.Service.Port ?? 0,
      checkStatus: worstStatus(e),
    };
  });
}

/** Polls until every instance passes; returns the last reading either way (the caller reports what is not passing). */
export async function waitForPassing(
  consul: ConsulClient,
  service: string,
  ids: readonly string[],
  opts: { signal: AbortSignal; timeoutMs: number; onProgress?: (passing: number) => Promise<void> | void },
): Promise<{ health: InstanceHealth[]; allPassing: boolean }> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastCount = -1;
  for (;;) {
    const health = await readInstanceHealth(consul, service, ids, opts.signal);
    const passing = health.filter((h) => h.checkStatus === 'passing').length;
    if (passing !== lastCount) {
      lastCount = passing;
      await opts.onProgress?.(passing);
    }
    if (passing === ids.length) return { health, allPassing: true };
    if (Date.now() >= deadline) return { health, allPassing: false };
    if (opts.signal.aborted) throw new TimeoutError('waiting for Consul checks', opts.timeoutMs);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What clients get from Consul DNS for the service, compared with the addresses the bot registered. */
export interface DnsVerification {
  name: string;
  addresses: string[];
  /** True when DNS answers exactly the registered overlay addresses (no host or bridge IP, none missing). */
  matches: boolean;
  unexpected: string[];
  missing: string[];
}

export async function verifyDns(
  ctx: ClusterContext,
  service: string,
  expected: readonly string[],
): Promise<DnsVerification> {
  const name = `${service}.service.${ctx.consulDns.domain}`;
  // Every instance counts: the resolver asks over TCP, where Consul does not cut the answer to udp_answer_limit.
  const answer = await ctx.consulDns.resolve(name);
  const addresses = [...new Set(answer.a)].sort();
  const unexpected = addresses.filter((a) => !expected.includes(a));
  const missing = expected.filter((a) => !addresses.includes(a));
  return { name, addresses, matches: unexpected.length === 0 && missing.length === 0, unexpected, missing };
}

/** Nomad's own registrations of the template's service (the docker-bridge or host IP problem), for the report. */
export async function readNomadRegistrations(
  consul: ConsulClient,
  templateService: string,
  jobId: string,
  signal: AbortSignal,
) {
  const entries = await consul.catalogService(templateService, { signal });
  return entries
    .filter(
      (e) =>
        e.ServiceID.startsWith('_nomad-task-') &&
        (e.ServiceMeta?.nomad_job === undefined || e.ServiceMeta?.nomad_job === jobId),
    )
    .map((e) => ({
      serviceId: e.ServiceID,
      address: e.ServiceAddress || e.Address,
      port: e.ServicePort ?? 0,
      node: e.Node,
    }));
}
