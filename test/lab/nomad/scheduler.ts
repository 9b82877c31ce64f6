import type { Logger } from 'pino';
import type { AllocRunner } from './alloc-runner.js';
import { HttpError } from './http/http-error.js';
import type { Job, TaskGroup } from './job-types.js';
import { getGroupAsk, isSpecChanged, makeAllocation, makeDeployment, makeEvaluation } from './make-objects.js';
import { isAllocLive, jobKey, type NomadState, nowNs } from './nomad-state.js';
import { pickFields } from './pick-fields.js';
import { type NodeLoad, placeAllocations } from './place-allocations.js';
import type { AllocatedPort, Allocation, Deployment, Evaluation, NodeRecord } from './state-types.js';
import type { NomadProfile } from './version-profiles.js';

export interface SchedulerDeps {
  state: NomadState;
  runner: AllocRunner;
  logger: Logger;
  /** How long an evaluation stays `pending` before the scheduler processes it. */
  evalDelayMs: number;
  profile: NomadProfile;
  random?: () => number;
}

/** The register response (`structs.JobRegisterResponse`): every field a release has, picked by its profile. */
export type RegisterResult = Record<string, unknown> & { EvalID: string; JobModifyIndex: number };

const queryMeta = { LastContact: 0, KnownLeader: false, NextToken: '' };

/**
 * The emulated server's job lifecycle: register (with EnforceIndex check-and-set), deregister, and the
 * evaluation that places, replaces or stops allocations and opens a deployment for service jobs.
 */
export class Scheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  /**
   * Registers a canonicalized, validated job; errors are Nomad's EnforceIndex texts (500). An unchanged spec is
   * not written again: the reply carries the job's JobModifyIndex or (from 1.11.2) its ModifyIndex, as the
   * profile says, and an evaluation is still created (HEAD nomad/job_endpoint.go:331-351, v1.11.1 :363-365,
   * v0.9.7 :206-208), which opens no deployment since nothing changed.
   */
  register(job: Job, enforce: { enforceIndex: boolean; jobModifyIndex: number }): RegisterResult {
    const { state, profile } = this.deps;
    const id = job.ID as string;
    const namespace = job.Namespace ?? 'default';
    const existing = state.job(namespace, id);
    if (enforce.enforceIndex) checkEnforceIndex(existing, enforce.jobModifyIndex);
    if (existing && !isSpecChanged(existing, job)) {
      const evalIndex = state.touch();
      const evaluation = this.#createEval(existing, 'job-register', evalIndex);
      const index = existing[profile.unchangedRegisterIndex] as number;
      return this.#registerReply(evaluation.ID, evalIndex, index, evalIndex);
    }
    const index = state.touch();
    const stored: Job = {
      ...job,
      Status: 'pending',
      Version: existing ? (existing.Version ?? 0) + 1 : 0,
      Stable: false,
      CreateIndex: existing?.CreateIndex ?? index,
      ModifyIndex: index,
      JobModifyIndex: index,
      SubmitTime: nowNs(),
    };
    state.jobs.set(jobKey(namespace, id), stored);
    const evaluation = this.#createEval(stored, 'job-register', index);
    return this.#registerReply(evaluation.ID, index, index, index);
  }

  #registerReply(evalId: string, evalIndex: number, jobModifyIndex: number, index: number): RegisterResult {
    const full = { EvalID: evalId, EvalCreateIndex: evalIndex, JobModifyIndex: jobModifyIndex, Warnings: '' };
    return pickFields({ ...full, Index: index, ...queryMeta }, this.deps.profile.fields.register) as RegisterResult;
  }

  /**
   * Stops a job (and purges it when asked); its allocations are stopped by the evaluation. An unknown job is
   * answered as the release does: v0.9.7 applies the deregister anyway and creates an evaluation
   * (nomad/job_endpoint.go:650-698, the FSM error is dropped), 1.5.1+ returns an empty reply
   * (HEAD nomad/job_endpoint.go:822-824).
   */
  deregister(namespace: string, jobId: string, purge: boolean) {
    const { state, profile } = this.deps;
    const job = state.job(namespace, jobId);
    const zero = { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: 0, VolumeEvalID: '', VolumeEvalIndex: 0, Index: 0 };
    if (!job) {
      if (profile.deregisterUnknown === 'not-found') throw new HttpError(404, `job "${jobId}" not found`);
      if (profile.deregisterUnknown === 'empty')
        return pickFields({ ...zero, ...queryMeta }, profile.fields.deregister);
      const index = state.touch();
      const ghost: Job = { ID: jobId, Namespace: namespace, Type: 'service', Priority: 50, JobModifyIndex: index };
      const evaluation = this.#createEval(ghost, 'job-deregister', index);
      const reply = { ...zero, EvalID: evaluation.ID, EvalCreateIndex: index, JobModifyIndex: index, Index: index };
      return pickFields({ ...reply, ...queryMeta }, profile.fields.deregister);
    }
    const index = state.touch();
    const stopped: Job = { ...job, Stop: true, Status: 'dead', ModifyIndex: index, JobModifyIndex: index };
    stopped.Version = (job.Version ?? 0) + (job.Stop ? 0 : 1);
    if (purge) {
      state.jobs.delete(jobKey(namespace, jobId));
      state.markDeleted('jobs', index);
    } else state.jobs.set(jobKey(namespace, jobId), stopped);
    const evaluation = this.#createEval(stopped, 'job-deregister', index);
    const reply = { ...zero, EvalID: evaluation.ID, EvalCreateIndex: index, JobModifyIndex: index, Index: index };
    return pickFields({ ...reply, ...queryMeta }, profile.fields.deregister);
  }

  /**
   * `POST /v1/job/:id/evaluate`: a new evaluation of the job as it is (HEAD nomad/job_endpoint.go:740-777:
   * TriggeredBy job-register, the reply's JobModifyIndex is the job's ModifyIndex).
   */
  evaluate(namespace: string, jobId: string): RegisterResult {
    const job = this.deps.state.job(namespace, jobId);
    if (!job) throw new HttpError(404, 'job not found');
    const index = this.deps.state.touch();
    const evaluation = this.#createEval(job, 'job-register', index);
    return this.#registerReply(evaluation.ID, index, job.ModifyIndex ?? 0, index);
  }

  /** Node loads for placement, leaving out the allocations of `excludeJobId` (they would be replaced). */
  nodeLoads(excludeJobId?: string): NodeLoad[] {
    const live = this.deps.state.liveAllocs().filter((a) => a.JobID !== excludeJobId);
    return this.deps.state.nodes.map((node) => {
      const here = live.filter((a) => a.NodeID === node.ID);
      return {
        nodeId: node.ID,
        allocCount: here.length,
        usedMemoryMB: here.reduce((sum, a) => sum + a.MemoryMB, 0),
        memoryCapacityMB: node.memoryCapacityMB,
        usedPorts: new Set(here.flatMap((a) => a.Ports.map((p) => p.Value))),
      };
    });
  }

  #createEval(job: Job, triggeredBy: string, index: number): Evaluation {
    const evaluation = makeEvaluation(job, triggeredBy, index, 'pending');
    this.deps.state.evals.set(evaluation.ID, evaluation);
    const key = jobKey(evaluation.Namespace, evaluation.JobID);
    // The eval broker serializes evaluations per job: one in flight, the others pending behind it
    // (HEAD nomad/eval_broker.go jobEvals/pending; v0.9.7 the same).
    if (this.#inFlight.has(key)) this.#pending.set(key, [...(this.#pending.get(key) ?? []), evaluation]);
    else this.#dispatch(key, evaluation);
    return evaluation;
  }

  /** Evaluations being scheduled, per job key, and the ones waiting behind them. */
  readonly #inFlight = new Map<string, string>();
  readonly #pending = new Map<string, Evaluation[]>();

  #dispatch(key: string, evaluation: Evaluation): void {
    this.#inFlight.set(key, evaluation.ID);
    setTimeout(() => {
      this.#process(evaluation)
        .catch((err: unknown) => {
          this.deps.logger.error({ err, eval: evaluation.ID }, 'evaluation failed');
          evaluation.Status = 'failed';
          evaluation.StatusDescription = String(err);
          evaluation.ModifyIndex = this.deps.state.touch();
          this.#ack(evaluation);
        })
        .finally(() => this.#ack(evaluation));
    }, this.deps.evalDelayMs);
  }

  /**
   * The broker's Ack: the job's next pending evaluation runs. From 1.4.3 every pending one but the newest of the
   * highest priority is canceled first (HEAD nomad/eval_broker.go:643-658 MarkForCancel, Less :1086-1091; the
   * leader writes "canceled after more recent eval was processed", nomad/leader.go:1220-1232). Before, each
   * pending evaluation is processed in turn.
   */
  #ack(evaluation: Evaluation): void {
    const key = jobKey(evaluation.Namespace, evaluation.JobID);
    // Only the evaluation in flight acks (a second ack of the same one, after an error, does nothing).
    if (this.#inFlight.get(key) !== evaluation.ID) return;
    this.#inFlight.delete(key);
    const waiting = this.#pending.get(key) ?? [];
    this.#pending.delete(key);
    if (waiting.length === 0) return;
    let next: Evaluation;
    let rest: Evaluation[];
    if (this.deps.profile.cancelsSupersededEvals) {
      const ordered = [...waiting].sort((a, b) => b.Priority - a.Priority || b.ModifyIndex - a.ModifyIndex);
      next = ordered[0] as Evaluation;
      for (const stale of ordered.slice(1)) {
        stale.Status = 'canceled';
        stale.StatusDescription = 'canceled after more recent eval was processed';
        stale.ModifyTime = nowNs();
        stale.ModifyIndex = this.deps.state.touch();
      }
      rest = [];
    } else {
      [next, ...rest] = waiting as [Evaluation, ...Evaluation[]];
    }
    if (rest.length) this.#pending.set(key, rest);
    this.#dispatch(key, next);
  }

  async #process(evaluation: Evaluation): Promise<void> {
    const { state, runner } = this.deps;
    const job = state.job(evaluation.Namespace, evaluation.JobID);
    const live = state.allocsOfJob(evaluation.Namespace, evaluation.JobID).filter(isAllocLive);
    if (!job || job.Stop) {
      for (const d of state.deploymentsOfJob(evaluation.Namespace, evaluation.JobID)) {
        if (d.Status === 'running') {
          d.Status = 'cancelled';
          d.StatusDescription = 'Cancelled because job is stopped';
          d.ModifyIndex = state.touch();
        }
      }
      this.#cancelBlockedEvals(evaluation.Namespace, evaluation.JobID);
      this.#complete(evaluation, {});
      this.#ack(evaluation);
      await Promise.all(live.map((a) => runner.stop(a, 'alloc not needed due to job update')));
      return;
    }
    const outdated = live.filter((a) => a.JobVersion !== job.Version);
    const places: { group: TaskGroup; count: number; keepIndexes: number[] }[] = [];
    const extras: Allocation[] = [];
    for (const group of job.TaskGroups ?? []) {
      const current = live.filter((a) => a.JobVersion === job.Version && a.TaskGroup === group.Name);
      const count = group.Count ?? 1;
      extras.push(...current.slice(count));
      const kept = current.slice(0, count);
      places.push({ group, count: count - kept.length, keepIndexes: kept.map(nameIndexOf) });
    }
    const needsDeployment = job.Type === 'service' && (outdated.length > 0 || places.some((p) => p.count > 0));
    // No new deployment for a spec that already ran (any allocation of this job version, whatever its status)
    // and is not being updated: HEAD scheduler/reconciler/reconcile_cluster.go:1037-1060 (`hadRunning &&
    // !updatingSpec`), v0.9.7 scheduler/reconcile.go:502-512. Replacing a failed allocation is not a deployment.
    const hadRunning = state
      .allocsOfJob(evaluation.Namespace, evaluation.JobID)
      .some((a) => a.JobVersion === job.Version && a.Job.CreateIndex === job.CreateIndex);
    const deployment = needsDeployment ? this.#openDeployment(job, !hadRunning || outdated.length > 0) : undefined;
    await Promise.all([
      ...outdated.map((a) => runner.stop(a, 'alloc is being updated due to job update')),
      ...extras.map((a) => runner.stop(a, 'alloc not needed due to job update')),
    ]);
    const failed: Record<string, unknown> = {};
    const queued: Record<string, number> = {};
    const placed: Allocation[] = [];
    for (const { group, count, keepIndexes } of places) {
      const ask = getGroupAsk(group);
      const result = placeAllocations(this.nodeLoads(), { count, ...ask });
      const freeIndexes = Array.from({ length: group.Count ?? 1 }, (_, i) => i).filter((i) => !keepIndexes.includes(i));
      result.nodeIds.forEach((nodeId, i) => {
        const node = state.nodes.find((n) => n.ID === nodeId) as NodeRecord;
        const alloc = makeAllocation({
          job,
          group,
          nameIndex: freeIndexes[i] ?? i,
          node,
          evalId: evaluation.ID,
          deploymentId: deployment?.ID ?? '',
          ports: this.#assignPorts(node, ask),
          index: state.touch(),
        });
        state.allocs.set(alloc.ID, alloc);
        placed.push(alloc);
      });
      if (deployment)
        (deployment.TaskGroups[group.Name ?? ''] as { PlacedAllocs: number }).PlacedAllocs += result.nodeIds.length;
      queued[group.Name ?? ''] = result.failed;
      if (result.metric) failed[group.Name ?? ''] = result.metric;
    }
    // The evaluation names the deployment the scheduler worked with: the new one, else the job's latest
    // (HEAD scheduler/generic_sched.go:224-230,174-176 via setStatus; v0.9.7 :182-184,234): also for a
    // register that changed nothing.
    const latest = job.Type === 'batch' ? undefined : state.latestDeployment(evaluation.Namespace, evaluation.JobID);
    this.#complete(evaluation, failed, queued, deployment?.ID ?? latest?.ID);
    // The plan is applied: the broker acks now; the clients start the tasks afterwards.
    this.#ack(evaluation);
    await Promise.all(placed.map((a) => runner.start(a)));
  }

  /** The job version's active deployment, else a new one when `create` (older versions' are cancelled). */
  #openDeployment(job: Job, create: boolean) {
    const { state } = this.deps;
    const active = (d: Deployment) => d.Status === 'running' || d.Status === 'initializing' || d.Status === 'pending';
    const deployments = state.deploymentsOfJob(job.Namespace ?? 'default', job.ID ?? '');
    const current = deployments.find((d) => active(d) && d.JobVersion === job.Version);
    if (current || !create) return current;
    for (const d of deployments.filter(active)) {
      d.Status = 'cancelled';
      d.StatusDescription = 'Cancelled due to newer version of job';
      d.ModifyIndex = state.touch();
    }
    const deployment = makeDeployment(job, state.touch());
    // A multiregion deployment (Enterprise, 1.5+) starts `initializing`; the reconciler then marks it `pending`
    // (HEAD scheduler/reconciler/reconcile_cluster.go:646-652) until the peer regions let it run. The lab can
    // start deployments that way (`state.options.deploymentsStartInitializing`) where the release has the status.
    if (state.options.deploymentsStartInitializing && this.deps.profile.statuses.deployment.includes('initializing')) {
      deployment.Status = 'initializing';
      // OSS defines no description for it (nomad/structs/deployment.go:41-58).
      deployment.StatusDescription = '';
    }
    state.deployments.set(deployment.ID, deployment);
    return deployment;
  }

  #complete(
    evaluation: Evaluation,
    failed: Record<string, unknown>,
    queued?: Record<string, number>,
    deploymentId = '',
  ) {
    const { state } = this.deps;
    evaluation.Status = 'complete';
    evaluation.DeploymentID = deploymentId;
    evaluation.QueuedAllocations = queued ?? null;
    if (Object.keys(failed).length > 0) {
      evaluation.FailedTGAllocs = failed;
      const job = state.job(evaluation.Namespace, evaluation.JobID) as Job;
      const blocked = makeEvaluation(job, 'queued-allocs', state.touch(), 'blocked');
      blocked.PreviousEval = evaluation.ID;
      blocked.StatusDescription = 'created to place remaining allocations';
      blocked.QueuedAllocations = queued ?? null;
      state.evals.set(blocked.ID, blocked);
      evaluation.BlockedEval = blocked.ID;
    }
    evaluation.ModifyTime = nowNs();
    evaluation.ModifyIndex = state.touch();
  }

  #cancelBlockedEvals(namespace: string, jobId: string) {
    for (const e of this.deps.state.evals.values()) {
      if (e.JobID === jobId && e.Namespace === namespace && e.Status === 'blocked') {
        e.Status = 'canceled';
        e.StatusDescription = 'evaluation canceled because job was stopped';
        e.ModifyIndex = this.deps.state.touch();
      }
    }
  }

  #assignPorts(node: NodeRecord, ask: ReturnType<typeof getGroupAsk>): AllocatedPort[] {
    const used = new Set(this.nodeLoads().find((n) => n.nodeId === node.ID)?.usedPorts ?? []);
    const random = this.deps.random ?? Math.random;
    const ports: AllocatedPort[] = ask.reservedPorts.map((p) => ({
      Label: p.Label,
      Value: p.Value,
      To: p.To ?? 0,
      HostIP: node.Address,
    }));
    for (const p of ports) used.add(p.Value);
    for (const dyn of ask.dynamicLabels) {
      let value = 20000 + Math.floor(random() * 12000);
      while (used.has(value)) value = value >= 32000 ? 20000 : value + 1;
      used.add(value);
      ports.push({ Label: dyn.Label, Value: value, To: dyn.To, HostIP: node.Address });
    }
    return ports;
  }
}

function checkEnforceIndex(existing: Job | undefined, jobModifyIndex: number) {
  const prefix = `Enforcing job modify index ${jobModifyIndex}`;
  if (jobModifyIndex === 0 && existing) throw new HttpError(500, `${prefix}: job already exists`);
  if (jobModifyIndex > 0 && !existing) throw new HttpError(500, `${prefix}: job does not exist`);
  if (existing && jobModifyIndex > 0 && existing.JobModifyIndex !== jobModifyIndex) {
    throw new HttpError(500, `${prefix}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`);
  }
}

function nameIndexOf(alloc: Allocation): number {
  return Number(/\[(\d+)\]$/.exec(alloc.Name)?.[1] ?? 0);
}
