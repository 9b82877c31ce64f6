import type { AllocationStub } from '../../clients/nomad/types.js';
import { describeForUser } from '../../errors.js';
import type { ClusterContext } from '../cluster.js';
import { overlayServices } from '../tenant-job.js';
import { mapAllocationsToHosts } from './alloc-hosts.js';
import { deregisterStale, readNomadRegistrations, verifyDns, waitForPassing } from './consul-sync.js';
import type { DeployResult } from './deploy-result.js';
import { ensureHostExposed, findOverlayAddress, registerOverlayInstance } from './overlay-instances.js';

/** What the Consul stage of a deploy needs. */
export interface RegisterInstancesInput {
  jobId: string;
  tenant: string;
  subnet: string;
  jobVersion: number;
  /** The parsed template: its services (numeric port, check) become the bot's registrations. */
  template: Record<string, unknown>;
  /** The allocations to register (running ones of the deployed version). */
  running: AllocationStub[];
}

/** The Consul stage's part of a DeployResult. */
export type RegisterInstancesResult = Pick<
  DeployResult,
  'service' | 'consul' | 'nomadRegistrations' | 'dns' | 'removed' | 'warnings' | 'failure'
> & { overlayIps: Map<string, string> };

/** Side channels of the stage: cancellation, progress, bounds. */
export interface StageContext {
  signal: AbortSignal;
  progress: (text: string) => Promise<void>;
  consulTimeoutMs: number;
}

/**
 * Registers every running allocation's overlay IP on its node's Consul agent, sweeps the bot's earlier
 * entries for the job, waits for the checks and verifies Consul DNS. Allocations are placed on configured hosts
 * through their node's address; an allocation that cannot be placed or registered makes the stage fail with the
 * reason (never a success with nothing registered). One host's problem does not hide what worked elsewhere.
 */
export async function registerInstances(
  cluster: ClusterContext,
  input: RegisterInstancesInput,
  ctx: StageContext,
): Promise<RegisterInstancesResult> {
  const result: RegisterInstancesResult = {
    service: null,
    consul: [],
    nomadRegistrations: [],
    dns: null,
    removed: [],
    warnings: [],
    failure: null,
    overlayIps: new Map(),
  };
  const svc = overlayServices(input.template, input.tenant)[0];
  if (!svc) {
    result.warnings.push('The template has no service with a numeric port: nothing to register in Consul.');
    return result;
  }
  result.service = svc.name;
  const placements = await mapAllocationsToHosts(cluster.nomad, cluster.hosts, input.running, ctx.signal);
  const ids: string[] = [];
  const problems: string[] = [];
  let registered = 0;
  for (const alloc of input.running) {
    const placement = placements.find((p) => p.allocId === alloc.ID);
    const host = placement?.host;
    if (!host) {
      problems.push(`allocation ${alloc.ID.slice(0, 8)}: ${placement?.problem ?? 'no node'}`);
      continue;
    }
    try {
      const tasks = Object.keys(alloc.TaskStates ?? {});
      const found = await findOverlayAddress(
        cluster.ssh,
        host,
        { id: alloc.ID, tasks: tasks.length ? tasks : [svc.task] },
        input.subnet,
        ctx.signal,
      );
      result.overlayIps.set(alloc.ID, found.ip);
      if (found.all.length > 1)
        result.warnings.push(
          `Allocation ${alloc.ID.slice(0, 8)} has several overlay addresses (${found.all.join(', ')}): check tenant isolation.`,
        );
      await ensureHostExposed(cluster.ssh, host, input.subnet, ctx.signal);
      ids.push(
        await registerOverlayInstance(
          cluster.consulAgent(host),
          {
            allocId: alloc.ID,
            host,
            ip: found.ip,
            jobId: input.jobId,
            jobVersion: input.jobVersion,
            tenant: input.tenant,
          },
          svc,
          ctx.signal,
        ),
      );
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      problems.push(`allocation ${alloc.ID.slice(0, 8)} on ${host.name}: ${describeForUser(err, input.jobId)}`);
      continue;
    }
    await ctx.progress(`Consul ${++registered}/${input.running.length}`);
  }
  const sweep = await deregisterStale(cluster, input.jobId, new Set(ids), ctx.signal);
  result.removed = sweep.removed;
  for (const u of sweep.unreachable)
    result.warnings.push(`Consul agent on ${u.host} unreachable, earlier instances there may remain: ${u.reason}`);

  const { health, allPassing } = await waitForPassing(cluster.consul, svc.name, ids, {
    signal: ctx.signal,
    timeoutMs: ctx.consulTimeoutMs,
    onProgress: (passing) => ctx.progress(`Consul checks passing ${passing}/${ids.length}`),
  });
  result.consul = health.map((h) => ({
    serviceId: h.serviceId,
    address: h.address,
    port: h.port,
    checkStatus: h.checkStatus,
  }));
  result.nomadRegistrations = (
    await readNomadRegistrations(cluster.consul, svc.templateName, input.jobId, ctx.signal)
  ).filter((r) => input.running.some((a) => r.serviceId.includes(a.ID)));
  if (problems.length > 0) {
    result.failure = {
      stage: 'consul',
      message: `${problems.length} of ${input.running.length} instances could not be registered in Consul`,
      details: problems,
    };
    return result;
  }
  if (!allPassing) {
    result.failure = {
      stage: 'consul',
      message: 'not every overlay instance passes its Consul check',
      details: health.filter((h) => h.checkStatus !== 'passing').map((h) => `${h.serviceId}: ${h.checkStatus}`),
    };
    return result;
  }
  const dns = await verifyDns(cluster, svc.name, [...result.overlayIps.values()]);
  result.dns = { name: dns.name, addresses: dns.addresses, matches: dns.matches };
  if (!dns.matches) {
    result.failure = {
      stage: 'dns',
      message: `Consul DNS ${dns.name} does not answer exactly the overlay addresses`,
      details: [`unexpected: ${dns.unexpected.join(', ') || '-'}`, `missing: ${dns.missing.join(', ') || '-'}`],
    };
  }
  return result;
}
