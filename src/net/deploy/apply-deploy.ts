import type { Allocation, AllocationStub, NomadJob, RegisterResponse } from '../../clients/nomad/types.js';
import { describeForUser, ErrorCode, isNetopsError, NetopsError } from '../../errors.js';
import type { ClusterContext } from '../cluster.js';
import type { TenantPlacement } from '../tenant-job.js';
import type { DeployResult } from './deploy-result.js';
import { describePlacementFailures, describeTaskEvents } from './describe-nomad.js';
import { findDeployment, followDeployment } from './follow-deployment.js';
import { followEvaluationChain } from './follow-evaluation.js';
import { ensureHostExposed } from './overlay-instances.js';
import type { PhaseClock } from './phase-clock.js';
import { registerInstances } from './register-instances.js';

/** A step worth an audit record. */
interface DeployEvent {
  type: 'nomad.register' | 'nomad.deployment' | 'nomad.stop';
  tenant?: string;
  evalId?: string;
  deploymentId?: string;
  outcome?: string;
}

/** Clients, side channels and bounds of a deploy. */
export interface DeployDeps {
  cluster: ClusterContext;
  signal: AbortSignal;
  progress: (text: string) => Promise<void>;
  /** Records a step for the audit trail (the worker passes its audit scope). */
  record?: (event: DeployEvent) => Promise<void>;
  /** Upper bound for the Nomad deployment to finish. @defaultValue 300 000 */
  deploymentTimeoutMs?: number;
  /** Upper bound for Consul checks of the new instances to pass. @defaultValue 60 000 */
  consulTimeoutMs?: number;
  /** Closes a phase of the run (the worker's phase clock), so the report can say where the time went. */
  phase?: PhaseClock['mark'];
}

/** What the apply registers: the planned job and the index it must still have. */
export interface ApplyDeployInput {
  job: Record<string, unknown>;
  template: Record<string, unknown>;
  jobModifyIndex: number;
  /** Set for approved plans: a changed job then fails with the approval's own wording. */
  approvalId?: string;
  /**
   * How the tenant's containers join the overlay. In plugin mode Nomad registers the weave address itself and
   * checks it from each host's Consul agent, so every host is exposed on the tenant subnet before the job is
   * registered. @defaultValue proxy
   */
  attach?: TenantPlacement['attach'];
}

/**
 * The apply half of /deploy: register with check-and-set on the plan's index (a job changed since the plan
 * fails closed), follow the evaluation (through the ones that superseded it), find the deployment of the spec the
 * job now has, follow it, then register each allocation's real overlay IP in Consul and verify Consul DNS.
 * A register that changed nothing ends as "no change" as soon as the evaluation is done.
 */
export async function applyDeploy(
  deps: DeployDeps,
  input: ApplyDeployInput,
  start: DeployResult,
): Promise<DeployResult> {
  const { nomad } = deps.cluster;
  const result: DeployResult = structuredClone(start);
  const exposed = await exposeForNomadChecks(deps, input, result);
  if (exposed) return exposed;
  const registered = await registerWithEnforce(deps, input, result.jobId);
  deps.phase?.('register');
  result.evalId = registered.EvalID || null;
  await deps.record?.({ type: 'nomad.register', evalId: registered.EvalID, tenant: result.tenant });
  if (!registered.EvalID) return fail(result, 'evaluation', 'Nomad created no evaluation for the job');
  await deps.progress(`registered (eval ${registered.EvalID.slice(0, 8)})`);

  const chain = await followEvaluationChain(nomad, registered.EvalID, result.jobId, { signal: deps.signal });
  const evaluation = chain.evaluation;
  result.supersededEvals = chain.superseded;
  if (chain.superseded.length) result.evalId = evaluation.ID;
  const evalFailures = describePlacementFailures(evaluation.FailedTGAllocs as never);
  if (evaluation.Status !== 'complete' || evalFailures.length) {
    const why = evaluation.StatusDescription ? `: ${evaluation.StatusDescription}` : '';
    return fail(result, 'evaluation', `evaluation ${evaluation.Status}${why}`, evalFailures);
  }

  const job = await nomad.readJob(result.jobId, { signal: deps.signal });
  const first = await findDeployment(nomad, result.jobId, job, evaluation, {
    signal: deps.signal,
    timeoutMs: deps.deploymentTimeoutMs ?? 300_000,
  });
  // A deployment created before our evaluation is the running version's: the register changed nothing.
  if ((first.CreateIndex ?? 0) < (registered.EvalCreateIndex ?? 0)) result.change = 'none';
  const deployment = await followDeployment(nomad, first, {
    signal: deps.signal,
    timeoutMs: deps.deploymentTimeoutMs ?? 300_000,
    onProgress: async (p) => {
      await deps.progress(
        p.placed < p.desired ? `placing ${p.placed}/${p.desired}` : `healthy ${p.healthy}/${p.desired}`,
      );
    },
  });
  result.deployment = { id: deployment.ID, status: deployment.Status, description: deployment.StatusDescription ?? '' };
  await deps.record?.({ type: 'nomad.deployment', deploymentId: deployment.ID, outcome: deployment.Status });
  const allocs = await nomad.listDeploymentAllocations(deployment.ID, { signal: deps.signal });
  result.allocations = allocs.map(toRow);
  deps.phase?.('nomad');
  if (deployment.Status !== 'successful') {
    const details = await describeFailedAllocations(deps, allocs);
    return fail(
      result,
      'deployment',
      `deployment ${deployment.Status}: ${deployment.StatusDescription ?? ''}`.trim(),
      details,
    );
  }
  const running = allocs.filter((a) => a.ClientStatus === 'running' && a.DesiredStatus !== 'stop');
  // e.g. `unknown` (a disconnected client, 1.3+) or `pending`: not registered, and said so.
  for (const a of allocs.filter((x) => x.DesiredStatus === 'run' && x.ClientStatus !== 'running')) {
    result.warnings.push(
      `Allocation ${a.ID.slice(0, 8)} on ${a.NodeName ?? '?'} is ${a.ClientStatus ?? '?'}: not registered in Consul.`,
    );
  }
  return finishWithConsul(deps, result, input, running, job);
}

/**
 * Plugin mode: `weave expose` of the tenant subnet on every host before anything is registered, so the Consul
 * agents can run Nomad's own checks against weave addresses on the first deploy (health_check = "checks" would
 * otherwise fail the deployment at healthy_deadline). Returns a failed result when a host cannot be exposed.
 */
async function exposeForNomadChecks(
  deps: DeployDeps,
  input: Pick<ApplyDeployInput, 'attach'>,
  result: DeployResult,
): Promise<DeployResult | undefined> {
  if (input.attach !== 'plugin') return undefined;
  const problems: string[] = [];
  for (const host of deps.cluster.hosts) {
    try {
      await ensureHostExposed(deps.cluster.ssh, host, result.subnet, deps.signal);
    } catch (err) {
      if (deps.signal.aborted) throw err;
      problems.push(`${host.name}: ${describeForUser(err, result.jobId)}`);
    }
  }
  if (problems.length === 0) return undefined;
  return fail(
    result,
    'expose',
    `weave expose of ${result.subnet} failed, so Nomad's checks could not pass: nothing was registered`,
    problems,
  );
}

/**
 * The "no change" end of a deploy whose plan changes nothing: no register, so no evaluation or deployment; the
 * job's running allocations of its current version are checked and their Consul registrations ensured and
 * verified (a lost registration is made again).
 */
export async function verifyUnchanged(
  deps: DeployDeps,
  input: Pick<ApplyDeployInput, 'template' | 'attach'>,
  start: DeployResult,
): Promise<DeployResult> {
  const { nomad } = deps.cluster;
  const result: DeployResult = { ...structuredClone(start), change: 'none' };
  const exposed = await exposeForNomadChecks(deps, input, result);
  if (exposed) return exposed;
  const job = await nomad.readJob(result.jobId, { signal: deps.signal });
  const latest = await nomad.readJobLatestDeployment(result.jobId, { signal: deps.signal });
  if (latest.value) {
    result.deployment = {
      id: latest.value.ID,
      status: latest.value.Status,
      description: latest.value.StatusDescription ?? '',
    };
  }
  const { value: allocs } = await nomad.listJobAllocations(result.jobId, { signal: deps.signal });
  const current = allocs.filter((a) => a.DesiredStatus === 'run' && a.JobVersion === job.Version);
  result.allocations = current.map(toRow);
  const running = current.filter((a) => a.ClientStatus === 'running');
  deps.phase?.('nomad');
  if (running.length < current.length) {
    const details = await describeFailedAllocations(deps, current);
    return fail(
      result,
      'allocations',
      `${current.length - running.length} of ${current.length} allocations are not running`,
      details,
    );
  }
  await deps.progress('no change in Nomad: verifying the running allocations in Consul');
  return finishWithConsul(deps, result, input, running, job);
}

async function finishWithConsul(
  deps: DeployDeps,
  result: DeployResult,
  input: Pick<ApplyDeployInput, 'template' | 'attach'>,
  running: AllocationStub[],
  job: NomadJob,
): Promise<DeployResult> {
  if (running.length === 0 && result.allocations.length > 0) {
    return fail(result, 'allocations', 'no allocation of the deployment is running: nothing to register');
  }
  const consul = await registerInstances(
    deps.cluster,
    {
      jobId: result.jobId,
      tenant: result.tenant,
      subnet: result.subnet,
      jobVersion: job.Version ?? 0,
      template: input.template,
      running,
      registeredBy: input.attach === 'plugin' ? 'nomad' : 'bot',
    },
    {
      signal: deps.signal,
      progress: deps.progress,
      consulTimeoutMs: deps.consulTimeoutMs ?? 60_000,
      ...(deps.phase ? { phase: deps.phase } : {}),
    },
  );
  const { overlayIps, ...stage } = consul;
  const done: DeployResult = {
    ...result,
    ...stage,
    warnings: [...result.warnings, ...stage.warnings],
    allocations: result.allocations.map((a) => ({ ...a, overlayIp: overlayIps.get(a.id) ?? a.overlayIp })),
  };
  done.ok = done.failure === null;
  await deps.progress('done');
  return done;
}

async function registerWithEnforce(
  deps: DeployDeps,
  input: ApplyDeployInput,
  jobId: string,
): Promise<RegisterResponse> {
  try {
    return await deps.cluster.nomad.registerJob(input.job as never, {
      enforceIndex: true,
      jobModifyIndex: input.jobModifyIndex,
      signal: deps.signal,
    });
  } catch (err) {
    if (input.approvalId && isNetopsError(err) && err.code === ErrorCode.Conflict) {
      throw new NetopsError(ErrorCode.Conflict, `approved plan ${input.approvalId} is stale`, {
        userMessage: `Job \`${jobId}\` changed in Nomad since the approved plan (index ${input.jobModifyIndex}), so nothing was applied (fail closed). Run the command again for a new plan and approval.`,
        cause: err,
      });
    }
    throw err;
  }
}

function toRow(a: AllocationStub): DeployResult['allocations'][number] {
  return {
    id: a.ID,
    node: a.NodeName ?? '?',
    overlayIp: null,
    status: a.ClientStatus ?? '?',
    healthy: a.DeploymentStatus?.Healthy ?? null,
  };
}

function fail(result: DeployResult, stage: string, message: string, details: string[] = []): DeployResult {
  return { ...result, ok: false, failure: { stage, message, details } };
}

async function describeFailedAllocations(deps: DeployDeps, allocs: AllocationStub[]): Promise<string[]> {
  const failing = allocs.filter((a) => a.ClientStatus !== 'running' || a.DeploymentStatus?.Healthy === false);
  const lines: string[] = [];
  for (const stub of failing.slice(0, 5)) {
    const alloc: Allocation = await deps.cluster.nomad.readAllocation(stub.ID, { signal: deps.signal });
    lines.push(
      `alloc ${stub.ID.slice(0, 8)} on ${stub.NodeName ?? '?'} (${alloc.ClientStatus ?? '?'}):`,
      ...describeTaskEvents(alloc).map((l) => `  ${l}`),
    );
  }
  return lines;
}
