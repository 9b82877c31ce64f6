import type { Allocation, AllocationStub } from '../../clients/nomad/types.js';
import { describeForUser, ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import type { ClusterContext } from '../../net/cluster.js';
import { hostForNode } from '../../net/cluster.js';
import { deregisterStale, readNomadRegistrations, verifyDns, waitForPassing } from '../../net/deploy/consul-sync.js';
import { describePlacementFailures, describeTaskEvents } from '../../net/deploy/describe-nomad.js';
import { followDeployment } from '../../net/deploy/follow-deployment.js';
import { followEvaluation } from '../../net/deploy/follow-evaluation.js';
import { ensureHostExposed, findOverlayAddress, registerOverlayInstance } from '../../net/deploy/overlay-instances.js';
import { overlayServices } from '../../net/tenant-job.js';
import { auditInScope } from '../../queue/audit-context.js';
import { buildDeployReport, type DeployOutcome } from '../../report/deploy-report.js';
import type { Report } from '../../report/model.js';
import type { ProcessorContext } from '../processor.js';

/** Clients and bounds of the apply half of /deploy. */
export interface DeployApplyDeps {
  cluster: ClusterContext;
  /** Upper bound for the Nomad deployment to finish. @defaultValue 300 000 */
  deploymentTimeoutMs?: number;
  /** Upper bound for Consul checks of the new instances to pass. @defaultValue 60 000 */
  consulTimeoutMs?: number;
}

/** What the apply registers: the planned job and the index it must still have. */
export interface DeployApplyInput {
  job: Record<string, unknown>;
  template: Record<string, unknown>;
  jobModifyIndex: number;
  /** Set for approved plans: a changed job then fails with the approval's own wording. */
  approvalId?: string;
}

/** A fresh outcome for a /deploy of `job` into a tenant (nothing done yet). */
export function startDeployOutcome(job: string, jobId: string, tenant: string, subnet: string): DeployOutcome {
  return {
    ok: false,
    job,
    jobId,
    tenant,
    subnet,
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
}

/**
 * The apply half of /deploy: register with check-and-set on the plan's index (a job changed since the plan
 * fails closed), follow evaluation and deployment, then register each allocation's real overlay IP in Consul
 * and verify what clients get from Consul DNS.
 */
export async function applyDeploy(
  ctx: Pick<ProcessorContext, 'signal' | 'progress'>,
  deps: DeployApplyDeps,
  outcome: DeployOutcome,
  input: DeployApplyInput,
): Promise<Report> {
  const { nomad } = deps.cluster;
  const fail = (stage: string, message: string, details: string[] = []) => {
    outcome.failure = { stage, message, details };
    return buildDeployReport(outcome);
  };
  let registered: Awaited<ReturnType<typeof nomad.registerJob>>;
  try {
    registered = await nomad.registerJob(input.job as never, {
      enforceIndex: true,
      jobModifyIndex: input.jobModifyIndex,
      signal: ctx.signal,
    });
  } catch (err) {
    if (input.approvalId && isNetopsError(err) && err.code === ErrorCode.Conflict) {
      throw new NetopsError(ErrorCode.Conflict, `approved plan ${input.approvalId} is stale`, {
        userMessage: `Job \`${outcome.jobId}\` changed in Nomad since the approved plan (index ${input.jobModifyIndex}), so nothing was applied (fail closed). Run the command again for a new plan and approval.`,
        cause: err,
      });
    }
    throw err;
  }
  outcome.evalId = registered.EvalID || null;
  await auditInScope({ type: 'nomad.register', evalId: registered.EvalID, tenant: outcome.tenant });
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

  const deployment = await followDeployment(nomad, outcome.jobId, registered.JobModifyIndex, {
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
  await auditInScope({ type: 'nomad.deployment', deploymentId: deployment.ID, outcome: deployment.Status });
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
    return fail('deployment', `deployment ${deployment.Status}: ${deployment.StatusDescription ?? ''}`.trim(), details);
  }

  await registerInConsul(
    ctx,
    deps,
    outcome,
    allocs.filter((a) => a.ClientStatus === 'running'),
    input.template,
    deployment.JobVersion ?? 0,
  );
  outcome.ok = outcome.failure === null;
  await ctx.progress('done');
  return buildDeployReport(outcome);
}

async function failedAllocationEvents(
  ctx: Pick<ProcessorContext, 'signal'>,
  deps: DeployApplyDeps,
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
  ctx: Pick<ProcessorContext, 'signal' | 'progress'>,
  deps: DeployApplyDeps,
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
  const problems: string[] = [];
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
    // One host's agent (or SSH) being down must not hide what worked elsewhere: note it and go on.
    try {
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
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      problems.push(`allocation ${alloc.ID.slice(0, 8)} on ${host.name}: ${describeForUser(err, outcome.jobId)}`);
      continue;
    }
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
  if (problems.length > 0) {
    outcome.failure = {
      stage: 'consul',
      message: `${problems.length} of ${running.length} instances could not be registered in Consul`,
      details: problems,
    };
    return;
  }
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
