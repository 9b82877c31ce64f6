import type { Logger } from 'pino';
import type { ConsulRegistrar } from './consul-registrar.js';
import {
  buildDockerRunArgv,
  type ContainerInspect,
  detectDriverNetwork,
  getContainerName,
  getContainerPort,
  parseInspectOutput,
  type RunOnHost,
} from './docker-driver.js';
import type { Task } from './job-types.js';
import { buildServiceRegistrations } from './nomad-service-registrations.js';
import type { NomadState } from './nomad-state.js';
import type { PortForwards } from './port-forwards.js';
import type { Allocation, NodeRecord, TaskState } from './state-types.js';
import { buildTaskEnv } from './task-env.js';
import { appendTaskEvent, makeTaskEvent, ZERO_TIME } from './task-events.js';

/** How long the emulated docker driver waits for one `docker run` (see AllocRunner #docker). */
const DOCKER_RUN_TIMEOUT_MS = 5 * 60_000;

export interface AllocRunnerDeps {
  state: NomadState;
  runOnHost: RunOnHost;
  consul: ConsulRegistrar;
  forwards: PortForwards;
  logger: Logger;
  /** Called after an allocation reached a terminal client status (the deployment watcher reacts). */
  onAllocFinished: (alloc: Allocation) => void;
  restartDelayMs: number;
  /** Whether containers get the alloc_id label (the release's docker driver, version-profiles.ts). */
  allocIdLabel: boolean;
}

/** Runtime facts about a running task that are not part of the API object. */
interface TaskRuntime {
  startedAtMs: number;
  serviceIds: string[];
  checkIds: string[];
  busy: boolean;
}

/**
 * Runs allocations as lab containers the way a Nomad client with the docker driver does: task events,
 * `docker run`, Consul registration of the task's services, exit detection by polling `docker inspect`, a
 * simple restart policy, and the teardown on stop.
 */
export class AllocRunner {
  readonly #tasks = new Map<string, TaskRuntime>();

  constructor(private readonly deps: AllocRunnerDeps) {}

  /** Starts every task of a freshly placed allocation; never throws (failures become task events). */
  async start(alloc: Allocation): Promise<void> {
    for (const task of this.#tasksOf(alloc)) {
      const state = alloc.TaskStates[task.Name ?? ''] as TaskState;
      this.#event(alloc, state, 'Received', 'Task received by client');
      this.#event(alloc, state, 'Task Setup', 'Building Task Directory', { Message: 'Building Task Directory' });
      await this.#runTask(alloc, task, state);
    }
  }

  /** Health facts the deployment watcher needs: when each task started, and its Nomad check IDs. */
  runtimeOf(alloc: Allocation): { startedAtMs: number; checkIds: string[] }[] {
    return this.#tasksOf(alloc).flatMap((task) => {
      const runtime = this.#tasks.get(this.#key(alloc, task));
      return runtime ? [{ startedAtMs: runtime.startedAtMs, checkIds: runtime.checkIds }] : [];
    });
  }

  /** Stops an allocation: kills its containers, removes its forwards and Consul services. */
  async stop(alloc: Allocation, description: string): Promise<void> {
    const { state } = this.deps;
    alloc.DesiredStatus = 'stop';
    alloc.DesiredDescription = description;
    alloc.ModifyIndex = state.touch();
    for (const task of this.#tasksOf(alloc)) {
      const taskState = alloc.TaskStates[task.Name ?? ''] as TaskState;
      const wasRunning = taskState.State === 'running';
      if (wasRunning) {
        this.#event(alloc, taskState, 'Killing', 'Sent interrupt. Waiting 5s before force killing', {
          KillReason: description,
        });
      }
      await this.#teardown(alloc, task);
      this.#tasks.delete(this.#key(alloc, task));
      await this.#docker(alloc, ['docker', 'rm', '-f', getContainerName(task.Name ?? '', alloc.ID)]);
      if (wasRunning) this.#event(alloc, taskState, 'Killed', 'Task successfully killed');
      taskState.State = 'dead';
      if (taskState.FinishedAt === ZERO_TIME) taskState.FinishedAt = new Date().toISOString();
    }
    if (alloc.ClientStatus === 'pending' || alloc.ClientStatus === 'running') alloc.ClientStatus = 'complete';
    alloc.ModifyIndex = state.touch();
  }

  /** One poll round: `docker inspect` of every running task per host, handling containers that exited. */
  async poll(): Promise<void> {
    const byHost = new Map<string, { alloc: Allocation; task: Task }[]>();
    for (const alloc of this.deps.state.allocs.values()) {
      if (alloc.DesiredStatus !== 'run' || alloc.ClientStatus !== 'running') continue;
      for (const task of this.#tasksOf(alloc)) {
        const runtime = this.#tasks.get(this.#key(alloc, task));
        if (!runtime || runtime.busy || alloc.TaskStates[task.Name ?? '']?.State !== 'running') continue;
        const host = this.#node(alloc).host;
        byHost.set(host, [...(byHost.get(host) ?? []), { alloc, task }]);
      }
    }
    await Promise.all(
      [...byHost].map(async ([host, entries]) => {
        const names = entries.map((e) => getContainerName(e.task.Name ?? '', e.alloc.ID));
        const result = await this.deps.runOnHost(host, ['docker', 'inspect', ...names], { timeoutMs: 10_000 });
        const seen = new Map(parseInspectOutput(result.stdout).map((c) => [c.Name.replace(/^\//, ''), c]));
        for (const entry of entries) {
          const inspect = seen.get(getContainerName(entry.task.Name ?? '', entry.alloc.ID));
          // A container that vanished was removed behind Nomad's back: treat it as killed.
          if (!inspect) await this.#onExit(entry.alloc, entry.task, 137);
          else if (!inspect.State.Running) await this.#onExit(entry.alloc, entry.task, inspect.State.ExitCode);
        }
      }),
    );
  }

  async #runTask(alloc: Allocation, task: Task, state: TaskState): Promise<void> {
    const node = this.#node(alloc);
    const image = String(task.Config?.image ?? '');
    this.#event(alloc, state, 'Driver', 'Downloading image', {
      DriverMessage: `Downloading image ${image}`,
      Details: { image },
    });
    const env = buildTaskEnv({
      job: alloc.Job,
      groupName: alloc.TaskGroup,
      task,
      allocId: alloc.ID,
      allocName: alloc.Name,
      allocIndex: Number(/\[(\d+)\]$/.exec(alloc.Name)?.[1] ?? 0),
      node,
      ports: alloc.Ports,
    });
    const run = await this.#docker(
      alloc,
      buildDockerRunArgv({ allocId: alloc.ID, task, env, allocIdLabel: this.deps.allocIdLabel }),
    );
    if (run.code !== 0) {
      const error = (run.stderr || run.stdout).trim() || `docker run exited with ${run.code}`;
      this.#event(alloc, state, 'Driver Failure', error, { DriverError: error, FailsTask: true });
      this.#event(alloc, state, 'Not Restarting', 'Error was unrecoverable', {
        RestartReason: 'Error was unrecoverable',
        FailsTask: true,
      });
      this.#fail(alloc, state);
      return;
    }
    const inspect = parseInspectOutput(
      (await this.#docker(alloc, ['docker', 'inspect', getContainerName(task.Name ?? '', alloc.ID)])).stdout,
    )[0];
    const runtime: TaskRuntime = { startedAtMs: Date.now(), serviceIds: [], checkIds: [], busy: false };
    this.#tasks.set(this.#key(alloc, task), runtime);
    state.State = 'running';
    state.StartedAt = new Date().toISOString();
    this.#event(alloc, state, 'Started', 'Task started by client');
    if (alloc.ClientStatus === 'pending') alloc.ClientStatus = 'running';
    alloc.ModifyIndex = this.deps.state.touch();
    if (inspect) await this.#publish(alloc, task, inspect, runtime);
  }

  async #publish(alloc: Allocation, task: Task, inspect: ContainerInspect, runtime: TaskRuntime) {
    const node = this.#node(alloc);
    const driver = detectDriverNetwork(inspect, task);
    if (!driver.autoAdvertise) {
      for (const port of alloc.Ports) {
        const target = { ip: inspect.NetworkSettings.IPAddress, port: getContainerPort(task, port) };
        await this.deps.forwards.open(
          this.#key(alloc, task),
          node.host,
          { ip: node.Address, port: port.Value },
          target,
        );
      }
    }
    const registrations = buildServiceRegistrations({
      allocId: alloc.ID,
      task,
      hostIp: node.Address,
      ports: alloc.Ports.map((p) => ({ ...p, To: getContainerPort(task, p) })),
      driver,
    });
    for (const registration of registrations) {
      try {
        await this.deps.consul.register(node.Address, registration);
        runtime.serviceIds.push(registration.ID);
        runtime.checkIds.push(...registration.Checks.map((c) => c.CheckID));
      } catch (err) {
        this.deps.logger.warn({ err, service: registration.ID }, 'consul registration failed');
      }
    }
  }

  async #onExit(alloc: Allocation, task: Task, exitCode: number): Promise<void> {
    const key = this.#key(alloc, task);
    const runtime = this.#tasks.get(key);
    const state = alloc.TaskStates[task.Name ?? ''] as TaskState;
    if (!runtime || runtime.busy) return;
    runtime.busy = true;
    this.#event(alloc, state, 'Terminated', `Exit Code: ${exitCode}`, { ExitCode: exitCode });
    await this.#teardown(alloc, task);
    const attempts = alloc.Job.TaskGroups?.find((g) => g.Name === alloc.TaskGroup)?.RestartPolicy?.Attempts ?? 1;
    if (state.Restarts < attempts && alloc.DesiredStatus === 'run') {
      const delayMs = this.deps.restartDelayMs;
      this.#event(alloc, state, 'Restarting', `Task restarting in ${delayMs / 1000}s`, {
        RestartReason: 'Restart within policy',
      });
      state.Restarts += 1;
      state.LastRestart = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      this.#tasks.delete(key);
      if (alloc.DesiredStatus !== 'run') return;
      await this.#docker(alloc, ['docker', 'rm', '-f', getContainerName(task.Name ?? '', alloc.ID)]);
      await this.#runTask(alloc, task, state);
      return;
    }
    const reason = `Exceeded allowed attempts ${attempts} in interval 30m0s and mode is "fail"`;
    this.#event(alloc, state, 'Not Restarting', reason, { RestartReason: reason, FailsTask: true });
    this.#tasks.delete(key);
    if (exitCode === 0) {
      state.State = 'dead';
      state.FinishedAt = new Date().toISOString();
      alloc.ClientStatus = 'complete';
      alloc.ModifyIndex = this.deps.state.touch();
      this.deps.onAllocFinished(alloc);
    } else {
      this.#fail(alloc, state);
    }
  }

  #fail(alloc: Allocation, state: TaskState) {
    state.State = 'dead';
    state.Failed = true;
    state.FinishedAt = new Date().toISOString();
    alloc.ClientStatus = 'failed';
    alloc.ClientDescription = 'Failed tasks';
    alloc.ModifyIndex = this.deps.state.touch();
    this.deps.onAllocFinished(alloc);
  }

  async #teardown(alloc: Allocation, task: Task) {
    const key = this.#key(alloc, task);
    this.deps.forwards.close(key);
    const runtime = this.#tasks.get(key);
    if (!runtime) return;
    const node = this.#node(alloc);
    for (const id of runtime.serviceIds.splice(0)) {
      await this.deps.consul.deregister(node.Address, id).catch((err: unknown) => {
        this.deps.logger.warn({ err, service: id }, 'consul deregistration failed');
      });
    }
    runtime.checkIds.length = 0;
  }

  #event(alloc: Allocation, state: TaskState, type: string, display: string, extra = {}) {
    appendTaskEvent(state, makeTaskEvent(type, display, extra));
    alloc.ModifyIndex = this.deps.state.touch();
  }

  /**
   * One `docker run` (pull, create, start) on the allocation's host. Real Nomad bounds only the pull, by the
   * driver's `image_pull_timeout` (default "5m", HEAD drivers/docker/config.go:290-292; v0.9.7 has no pull
   * timeout at all), and waits for create and start as long as Docker takes. The lab serialises container
   * creation machine-wide (IPAM lock, bin/lab-lib.sh), so a short cap here failed the last of five placements
   * on a loaded machine where real Nomad would have waited: the lab uses the same 5 minutes.
   */
  #docker(alloc: Allocation, argv: string[]) {
    return this.deps
      .runOnHost(this.#node(alloc).host, argv, { timeoutMs: DOCKER_RUN_TIMEOUT_MS })
      .catch((err: unknown) => ({
        code: 125,
        stdout: '',
        stderr: String(err instanceof Error ? err.message : err),
      }));
  }

  #node(alloc: Allocation): NodeRecord {
    return this.deps.state.nodes.find((n) => n.ID === alloc.NodeID) as NodeRecord;
  }

  #tasksOf(alloc: Allocation): Task[] {
    return alloc.Job.TaskGroups?.find((g) => g.Name === alloc.TaskGroup)?.Tasks ?? [];
  }

  #key(alloc: Allocation, task: Task) {
    return `${alloc.ID}/${task.Name}`;
  }
}
