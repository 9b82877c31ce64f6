import type { AllocationStub } from '../../clients/nomad/types.js';
import { describeForUser } from '../../errors.js';
import type { ClusterContext, ClusterHost } from '../cluster.js';
import { isIpInCidr, parseCidr } from '../ipv4.js';
import { overlayServices } from '../tenant-job.js';
import { mapAllocationsToHosts } from './alloc-hosts.js';
import { deregisterStale, readNomadRegistrations, verifyDns, waitForPassing } from './consul-sync.js';
import type { DeployResult } from './deploy-result.js';
import {
  ensureHostExposed,
  findAllocContainerOrFail,
  type OverlayAddress,
  overlayAddressIn,
  readWeavePs,
  registerOverlayInstance,
} from './overlay-instances.js';
import type { PhaseClock } from './phase-clock.js';

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
  /**
   * Who registers the overlay address: the bot (proxy mode: Nomad only sees the docker-bridge address) or Nomad
   * itself (plugin mode, `address_mode = "driver"`): then the bot only checks Nomad's registrations.
   * @defaultValue bot
   */
  registeredBy?: 'bot' | 'nomad';
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
  /** Closes a phase of the run: `consul-register`, `consul-checks`, `dns`. */
  phase?: PhaseClock['mark'];
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
  if (input.registeredBy === 'nomad') return checkNomadRegistrations(cluster, input, ctx, result, svc.name);
  const placements = await mapAllocationsToHosts(cluster.nomad, cluster.hosts, input.running, ctx.signal);
  // One outcome per allocation, kept in Nomad's order whatever order the hosts finish in.
  const outcomes = new Map<string, { id?: string; problem?: string }>();
  const byHost = new Map<
    string,
    Array<{ alloc: AllocationStub; host: NonNullable<(typeof placements)[number]['host']> }>
  >();
  for (const alloc of input.running) {
    const placement = placements.find((p) => p.allocId === alloc.ID);
    const host = placement?.host;
    if (!host) {
      outcomes.set(alloc.ID, { problem: `allocation ${alloc.ID.slice(0, 8)}: ${placement?.problem ?? 'no node'}` });
      continue;
    }
    byHost.set(host.name, [...(byHost.get(host.name) ?? []), { alloc, host }]);
  }
  let registered = 0;
  // Hosts at once; on one host: its allocations' overlay addresses and the expose from one `weave ps` (about a
  // second per call on real hosts), then the registrations in turn (one agent per host).
  await Promise.all(
    [...byHost.values()].map(async (onHost) => {
      const host = onHost[0]!.host;
      const located = await locateOnHost(cluster, host, onHost, { subnet: input.subnet, task: svc.task }, ctx.signal);
      for (const l of located) {
        const { alloc } = l;
        try {
          if ('error' in l) throw l.error;
          const { ip, all } = l.found;
          result.overlayIps.set(alloc.ID, ip);
          if (all.length > 1)
            result.warnings.push(
              `Allocation ${alloc.ID.slice(0, 8)} has several overlay addresses (${all.join(', ')}): check tenant isolation.`,
            );
          const id = await registerOverlayInstance(
            cluster.consulAgent(host),
            { allocId: alloc.ID, host, ip, jobId: input.jobId, jobVersion: input.jobVersion, tenant: input.tenant },
            svc,
            ctx.signal,
          );
          outcomes.set(alloc.ID, { id });
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          outcomes.set(alloc.ID, {
            problem: `allocation ${alloc.ID.slice(0, 8)} on ${host.name}: ${describeForUser(err, input.jobId)}`,
          });
          continue;
        }
        await ctx.progress(`Consul ${++registered}/${input.running.length}`);
      }
    }),
  );
  const inOrder = input.running.map((a) => outcomes.get(a.ID) ?? {});
  const ids = inOrder.flatMap((o) => (o.id ? [o.id] : []));
  const problems = inOrder.flatMap((o) => (o.problem ? [o.problem] : []));
  return verifyRegistrations(cluster, input, ctx, result, { service: svc, ids, problems });
}

/**
 * Plugin mode: Nomad registered each allocation's weave address itself (`_nomad-task-<alloc>-…`, driver mode);
 * each running allocation must have such an entry with an address in the tenant's subnet.
 */
async function checkNomadRegistrations(
  cluster: ClusterContext,
  input: RegisterInstancesInput,
  ctx: StageContext,
  result: RegisterInstancesResult,
  service: string,
): Promise<RegisterInstancesResult> {
  const entries = await cluster.consul.healthService(service, { signal: ctx.signal });
  const subnet = parseCidr(input.subnet);
  const ids: string[] = [];
  const problems: string[] = [];
  for (const alloc of input.running) {
    const entry = entries.find((e) => e.Service.ID.startsWith(`_nomad-task-${alloc.ID}`));
    const address = entry?.Service.Address ?? '';
    if (!entry)
      problems.push(`allocation ${alloc.ID.slice(0, 8)}: Nomad has not registered it in Consul as ${service}`);
    else if (!subnet || !isIpInCidr(address, subnet))
      problems.push(
        `allocation ${alloc.ID.slice(0, 8)}: Nomad registered ${address || 'no address'}, not an address in ${input.subnet}`,
      );
    else {
      ids.push(entry.Service.ID);
      result.overlayIps.set(alloc.ID, address);
    }
  }
  return verifyRegistrations(cluster, input, ctx, result, { service: { name: service }, ids, problems, byNomad: true });
}

/** Sweeps the bot's stale entries, waits for the checks of `ids` and verifies Consul DNS. */
async function verifyRegistrations(
  cluster: ClusterContext,
  input: RegisterInstancesInput,
  ctx: StageContext,
  result: RegisterInstancesResult,
  found: { service: { name: string; templateName?: string }; ids: string[]; problems: string[]; byNomad?: boolean },
): Promise<RegisterInstancesResult> {
  const svc = found.service;
  const { ids, problems } = found;
  ctx.phase?.('consul-register');
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
  // Nomad's own registrations of the template's service (the wrong address in proxy mode), for the report.
  if (!found.byNomad && svc.templateName) {
    result.nomadRegistrations = (
      await readNomadRegistrations(cluster.consul, svc.templateName, input.jobId, ctx.signal)
    ).filter((r) => input.running.some((a) => r.serviceId.includes(a.ID)));
  }
  ctx.phase?.('consul-checks');
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
  ctx.phase?.('dns');
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

/** What to locate: addresses in the tenant's subnet, of containers of the service's task. */
interface LocateWant {
  subnet: string;
  /** The service's task: the container name's part when Nomad reports no task states. */
  task: string;
}

/** One allocation's overlay address on its host, or why it has none. */
type Located = { alloc: AllocationStub; found: OverlayAddress } | { alloc: AllocationStub; error: unknown };

/**
 * The overlay addresses of one host's allocations: each allocation's container (docker), then one `weave ps` for
 * all of them, and the host exposed in the tenant subnet (from the same `weave ps` when it already is), so the
 * host's Consul agent can check them. A failure of the shared steps is every allocation's problem on that host.
 */
async function locateOnHost(
  cluster: ClusterContext,
  host: ClusterHost,
  onHost: ReadonlyArray<{ alloc: AllocationStub }>,
  want: LocateWant,
  signal: AbortSignal,
): Promise<Located[]> {
  const { subnet, task } = want;
  const containers = new Map<string, string>();
  const located: Located[] = [];
  for (const { alloc } of onHost) {
    const tasks = Object.keys(alloc.TaskStates ?? {});
    try {
      const taskNames = tasks.length ? tasks : [task];
      containers.set(
        alloc.ID,
        await findAllocContainerOrFail(cluster.ssh, host, { id: alloc.ID, tasks: taskNames }, signal),
      );
    } catch (error) {
      if (signal.aborted) throw error;
      located.push({ alloc, error });
    }
  }
  if (containers.size === 0) return located;
  try {
    const ps = await readWeavePs(cluster.ssh, host, signal);
    for (const { alloc } of onHost) {
      const containerId = containers.get(alloc.ID);
      if (containerId === undefined) continue;
      try {
        located.push({ alloc, found: overlayAddressIn(ps, { host, allocId: alloc.ID, containerId }, subnet) });
      } catch (error) {
        located.push({ alloc, error });
      }
    }
    if (located.some((l) => 'found' in l)) await ensureHostExposed(cluster.ssh, host, subnet, signal, ps);
  } catch (error) {
    if (signal.aborted) throw error;
    return onHost.map(({ alloc }) => located.find((l) => l.alloc === alloc && 'error' in l) ?? { alloc, error });
  }
  return located;
}
