import type { Logger } from 'pino';
import type { AllocRunner } from './alloc-runner.js';
import { defaultUpdateStrategy } from './canonicalize-job.js';
import type { ConsulRegistrar } from './consul-registrar.js';
import { isAllocLive, type NomadState } from './nomad-state.js';
import type { Allocation, Deployment, DeploymentGroupState } from './state-types.js';

/**
 * Decides allocation health and moves deployments on, like Nomad's client health hooks and deployment
 * watcher: healthy = every task running for `min_healthy_time` and (with `health_check = "checks"`) every
 * Nomad-registered Consul check passing; unhealthy = failed or past `healthy_deadline`. A deployment is
 * successful when all groups reach their desired healthy count, failed on the first unhealthy allocation
 * or at its progress deadline.
 */
export class DeploymentWatcher {
  constructor(
    private readonly deps: { state: NomadState; runner: AllocRunner; consul: ConsulRegistrar; logger: Logger },
  ) {}

  /** One round over running deployments; also keeps each job's Status in line with its allocations. */
  async tick(): Promise<void> {
    const { state } = this.deps;
    const checkCache = new Map<string, Promise<Map<string, string>>>();
    for (const deployment of state.deployments.values()) this.#startMultiregion(deployment);
    for (const deployment of state.deployments.values()) {
      if (deployment.Status !== 'running') continue;
      for (const alloc of state.allocs.values()) {
        if (alloc.DeploymentID !== deployment.ID || alloc.DeploymentStatus?.Healthy != null) continue;
        const verdict = await this.#judge(alloc, checkCache);
        if (verdict !== undefined) this.#setHealth(alloc, deployment, verdict);
      }
      this.#advance(deployment);
    }
    this.#updateJobStatuses();
  }

  async #judge(alloc: Allocation, checkCache: Map<string, Promise<Map<string, string>>>) {
    if (alloc.ClientStatus === 'failed' || alloc.ClientStatus === 'lost') return false;
    if (alloc.DesiredStatus !== 'run' || alloc.ClientStatus !== 'running') return undefined;
    const update = { ...defaultUpdateStrategy(), ...(this.#groupOf(alloc)?.Update ?? alloc.Job.Update ?? {}) };
    const createdMs = alloc.CreateTime / 1e6;
    if (Date.now() - createdMs > update.HealthyDeadline / 1e6) return false;
    const runtimes = this.deps.runner.runtimeOf(alloc);
    const taskCount = this.#groupOf(alloc)?.Tasks?.length ?? 1;
    if (runtimes.length < taskCount) return undefined;
    const runningSinceMs = Math.max(...runtimes.map((r) => r.startedAtMs));
    if (Date.now() - runningSinceMs < update.MinHealthyTime / 1e6) return undefined;
    const checkIds = runtimes.flatMap((r) => r.checkIds);
    if (update.HealthCheck !== 'checks' || checkIds.length === 0) return true;
    const node = this.deps.state.nodes.find((n) => n.ID === alloc.NodeID);
    if (!node) return undefined;
    if (!checkCache.has(node.Address)) {
      checkCache.set(
        node.Address,
        this.deps.consul.checkStatuses(node.Address).catch(() => new Map<string, string>()),
      );
    }
    const statuses = await (checkCache.get(node.Address) as Promise<Map<string, string>>);
    return checkIds.every((id) => statuses.get(id) === 'passing') ? true : undefined;
  }

  #setHealth(alloc: Allocation, deployment: Deployment, healthy: boolean) {
    const { state } = this.deps;
    const index = state.touch();
    alloc.DeploymentStatus = {
      Healthy: healthy,
      Timestamp: new Date().toISOString(),
      Canary: false,
      ModifyIndex: index,
    };
    alloc.ModifyIndex = index;
    const group = deployment.TaskGroups[alloc.TaskGroup] as DeploymentGroupState;
    if (healthy) {
      group.HealthyAllocs += 1;
      group.RequireProgressBy = new Date(Date.now() + group.ProgressDeadline / 1e6).toISOString();
    } else {
      group.UnhealthyAllocs += 1;
    }
    deployment.ModifyIndex = index;
  }

  /**
   * initializing → pending ("Deployment is pending, waiting for peer region", HEAD
   * scheduler/reconciler/reconcile_cluster.go:646-652, nomad/structs/deployment.go:47) → running, one step a
   * round; the last step stands in for the Enterprise multiregion orchestrator starting this region's part.
   */
  #startMultiregion(deployment: Deployment) {
    if (deployment.Status === 'initializing') {
      deployment.Status = 'pending';
      deployment.StatusDescription = 'Deployment is pending, waiting for peer region';
    } else if (deployment.Status === 'pending') {
      deployment.Status = 'running';
      deployment.StatusDescription = 'Deployment is running';
    } else return;
    deployment.ModifyIndex = this.deps.state.touch();
  }

  #advance(deployment: Deployment) {
    const groups = Object.values(deployment.TaskGroups);
    let status: Deployment['Status'] | undefined;
    let description = '';
    if (groups.some((g) => g.UnhealthyAllocs > 0)) {
      status = 'failed';
      description = 'Failed due to unhealthy allocations';
    } else if (groups.every((g) => g.HealthyAllocs >= g.DesiredTotal)) {
      status = 'successful';
      description = 'Deployment completed successfully';
    } else if (groups.some((g) => Date.now() > Date.parse(g.RequireProgressBy))) {
      status = 'failed';
      description = 'Failed due to progress deadline';
    }
    if (!status) return;
    deployment.Status = status;
    deployment.StatusDescription = description;
    deployment.ModifyIndex = this.deps.state.touch();
    const job = this.deps.state.job(deployment.Namespace, deployment.JobID);
    if (status === 'successful' && job && job.Version === deployment.JobVersion) job.Stable = true;
  }

  #updateJobStatuses() {
    const { state } = this.deps;
    for (const job of state.jobs.values()) {
      const live = state.allocsOfJob(job.Namespace ?? 'default', job.ID ?? '').filter(isAllocLive);
      const next = job.Stop
        ? 'dead'
        : live.some((a) => a.ClientStatus === 'running')
          ? 'running'
          : live.length
            ? 'pending'
            : job.Status === 'running'
              ? 'dead'
              : job.Status;
      if (next !== job.Status) {
        job.Status = next;
        job.ModifyIndex = state.touch();
      }
    }
  }

  #groupOf(alloc: Allocation) {
    return alloc.Job.TaskGroups?.find((g) => g.Name === alloc.TaskGroup);
  }
}
