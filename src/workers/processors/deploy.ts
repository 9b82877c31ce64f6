import type { Allocation, AllocationStub } from '../../clients/nomad/types.js';
import type { DeployArgs } from '../../commands/index.js';
import type { ClusterContext } from '../../net/cluster.js';
import { hostForNode } from '../../net/cluster.js';
import { deregisterStale, readNomadRegistrations, verifyDns, waitForPassing } from '../../net/deploy/consul-sync.js';
import { describePlacementFailures, describePlan, describeTaskEvents } from '../../net/deploy/describe-nomad.js';
import { followDeployment } from '../../net/deploy/follow-deployment.js';
import { followEvaluation } from '../../net/deploy/follow-evaluation.js';
import { ensureHostExposed, findOverlayAddress, registerOverlayInstance } from '../../net/deploy/overlay-instances.js';
import { applyTenant, overlayServices, tenantJobId } from '../../net/tenant-job.js';
import { buildDeployReport, type DeployOutcome } from '../../report/deploy-report.js';
import type { Processor, ProcessorContext } from '../processor.js';
import { loadJobTemplate } from './job-template.js';
import { resolveTenant, type TenantConfigView } from './tenant-context.js';

export interface DeployDeps {
  cluster: ClusterContext;
  config: TenantConfigView;
  jobsDir: string;
  /** Upper bound for the Nomad deployment to finish. @defaultValue 300 000 */
  deploymentTimeoutMs?: number;
  /** Upper bound for Consul checks of the new instances to pass. @defaultValue 60 000 */
  consulTimeoutMs?: number;
}

/**
 * `/deploy <job> subnet=<tenant>`: render the template for the tenant, plan, register with check-and-set, follow
 * evaluation and deployment, then register each allocation's real overlay IP in Consul (Nomad registers the
 * docker-bridge or host address in Weave proxy mode) and verify what clients get from Consul DNS.
 */
export function createDeployProcessor(deps: DeployDeps): Processor<DeployArgs> {
  return async (ctx) => {
    const { nomad } = deps.cluster;
    const args = ctx.command.args;
    const placement = resolveTenant(deps.config, args.tenant);
    const parsed = await loadJobTemplate(nomad, deps.jobsDir, args.job, ctx.signal);
    const job = applyTenant(parsed, args.job, placement, {
      ...(args.count ? { count: args.count } : {}),
      ...(args.image ? { image: args.image } : {}),
    });
    const jobId = tenantJobId(args.job, placement.tenant);
    const outcome: DeployOutcome = {
      ok: false,
      job: args.job,
      jobId,
      tenant: placement.tenant,
      subnet: placement.subnet,
      plan: [],
      evalId: null,
      deployment: null,
      allocations: [],
      service: null,
      consul: [],
      nomadRegistrations: [],
      dns: null,
      removed: [],
      warnings: [],
      failure: null,
    };
    const fail = (stage: string, message: string, details: string[] = []) => {
      outcome.failure = { stage, message, details };
      return buildDeployReport(outcome);
    };

    const plan = await nomad.planJob(job as never, { diff: true, signal: ctx.signal });
    outcome.plan = describePlan(plan);
    const placementFailures = describePlacementFailures(plan.FailedTGAllocs as never);
    if (placementFailures.length) {
      return fail('plan', 'Nomad cannot place every allocation, so nothing was registered', placementFailures);
    }
    await ctx.progress(`planned: ${outcome.plan.join('; ')}`);

    // Check-and-set with the index the plan saw: if someone deployed in between, Nomad refuses (fails closed).
    const registered = await nomad.registerJob(job as never, {
      enforceIndex: true,
      jobModifyIndex: plan.JobModifyIndex ?? 0,
      signal: ctx.signal,
    });
    outcome.evalId = registered.EvalID || null;
    await ctx.progress(`registered (eval ${registered.EvalID.slice(0, 8)})`);

    const evaluation = await followEvaluation(nomad, registered.EvalID, { signal: ctx.signal });
    const evalFailures = describePlacementFailures(evaluation.FailedTGAllocs as never);
    if (evaluation.Status !== 'complete' || evalFailures.length) {
      return fail(
        'evaluation',
        `evaluation ${evaluation.Status}${evaluation.StatusDescription ? `: ${evaluation.StatusDescription}` : ''}`,
        evalFailures,
      );
    }

    const deployment = await followDeployment(nomad, jobId, registered.JobModifyIndex, {
      signal: ctx.signal,
      timeoutMs: deps.deploymentTimeoutMs ?? 300_000,
      onProgress: async (p) => {
        await ctx.progress(
          p.placed < p.desired ? `placing ${p.placed}/${p.desired}` : `healthy ${p.healthy}/${p.desired}`,
        );
      },
    });
    outcome.deployment = {
      id: deployment.ID,
      status: deployment.Status,
      description: deployment.StatusDescription ?? '',
    };
    const allocs = (await nomad.listDeploymentAllocations(deployment.ID, { signal: ctx.signal })) as AllocationStub[];
    outcome.allocations = allocs.map((a) => ({
      id: a.ID,
      node: a.NodeName ?? '?',
      overlayIp: null,
      status: a.ClientStatus ?? '?',
      healthy: a.DeploymentStatus?.Healthy ?? null,
    }));
    if (deployment.Status !== 'successful') {
      const details = await failedAllocationEvents(ctx, deps, allocs);
      return fail(
        'deployment',
        `deployment ${deployment.Status}: ${deployment.StatusDescription ?? ''}`.trim(),
        details,
      );
    }

    await registerInConsul(
      ctx,
      deps,
      outcome,
      allocs.filter((a) => a.ClientStatus === 'running'),
      parsed,
      deployment.JobVersion ?? 0,
    );
    outcome.ok = outcome.failure === null;
    await ctx.progress('done');
    return buildDeployReport(outcome);
  };
}

async function failedAllocationEvents(
  ctx: Pick<ProcessorContext, 'signal'>,
  deps: DeployDeps,
  allocs: AllocationStub[],
): Promise<string[]> {
  const failing = allocs.filter((a) => a.ClientStatus !== 'running' || a.DeploymentStatus?.Healthy === false);
  const lines: string[] = [];
  for (const stub of failing.slice(0, 5)) {
    const alloc: Allocation = await deps.cluster.nomad.readAllocation(stub.ID, { signal: ctx.signal });
    lines.push(
      `alloc ${stub.ID.slice(0, 8)} on ${stub.NodeName ?? '?'} (${alloc.ClientStatus ?? '?'}):`,
      ...describeTaskEvents(alloc).map((l) => `  ${l}`),
    );
  }
  return lines;
}

async function registerInConsul(
  ctx: ProcessorContext<DeployArgs>,
  deps: DeployDeps,
  outcome: DeployOutcome,
  running: AllocationStub[],
  parsed: Record<string, unknown>,
  jobVersion: number,
): Promise<void> {
  const { cluster } = deps;
  const services = overlayServices(parsed, outcome.tenant);
  const svc = services[0];
  if (!svc) {
    outcome.warnings.push('The template has no service with a numeric port: nothing to register in Consul.');
    return;
  }
  outcome.service = svc.name;
  const ids: string[] = [];
  let registered = 0;
  for (const alloc of running) {
    const host = hostForNode(cluster, alloc);
    const row = outcome.allocations.find((a) => a.id === alloc.ID);
    if (!host || !row) {
      outcome.warnings.push(
        `Node ${alloc.NodeName} of allocation ${alloc.ID.slice(0, 8)} is not a configured host: not registered.`,
      );
      continue;
    }
    const found = await findOverlayAddress(cluster.ssh, host, alloc.ID, outcome.subnet, ctx.signal);
    row.overlayIp = found.ip;
    if (found.all.length > 1)
      outcome.warnings.push(
        `Allocation ${alloc.ID.slice(0, 8)} has several overlay addresses (${found.all.join(', ')}): check tenant isolation.`,
      );
    await ensureHostExposed(cluster.ssh, host, outcome.subnet, ctx.signal);
    ids.push(
      await registerOverlayInstance(
        cluster.consulAgent(host),
        { allocId: alloc.ID, host, ip: found.ip, jobId: outcome.jobId, jobVersion, tenant: outcome.tenant },
        svc,
        ctx.signal,
      ),
    );
    await ctx.progress(`Consul ${++registered}/${running.length}`);
  }
  const sweep = await deregisterStale(cluster, outcome.jobId, new Set(ids), ctx.signal);
  outcome.removed = sweep.removed;
  for (const u of sweep.unreachable)
    outcome.warnings.push(`Consul agent on ${u.host} unreachable, earlier instances there may remain: ${u.reason}`);

  const { health, allPassing } = await waitForPassing(cluster.consul, svc.name, ids, {
    signal: ctx.signal,
    timeoutMs: deps.consulTimeoutMs ?? 60_000,
    onProgress: (passing) => ctx.progress(`Consul checks passing ${passing}/${ids.length}`),
  });
  outcome.consul = health.map((h) => ({
    serviceId: h.serviceId,
    address: h.address,
    port: h.port,
    checkStatus: h.checkStatus,
  }));
  outcome.nomadRegistrations = (
    await readNomadRegistrations(cluster.consul, svc.templateName, outcome.jobId, ctx.signal)
  ).filter((r) => running.some((a) => r.serviceId.includes(a.ID)));
  if (!allPassing) {
    outcome.failure = {
      stage: 'consul',
      message: 'not every overlay instance passes its Consul check',
      details: health.filter((h) => h.checkStatus !== 'passing').map((h) => `${h.serviceId}: ${h.checkStatus}`),
    };
    return;
  }
  const dns = await verifyDns(
    cluster,
    svc.name,
    outcome.allocations.map((a) => a.overlayIp).filter((ip): ip is string => Boolean(ip)),
  );
  outcome.dns = { name: dns.name, addresses: dns.addresses, matches: dns.matches };
  if (!dns.matches) {
    outcome.failure = {
      stage: 'dns',
      message: `Consul DNS ${dns.name} does not answer exactly the overlay addresses`,
      details: [`unexpected: ${dns.unexpected.join(', ') || '-'}`, `missing: ${dns.missing.join(', ') || '-'}`],
    };
  }
}
