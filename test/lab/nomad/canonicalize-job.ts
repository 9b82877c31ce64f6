import type { Job, Task, TaskGroup, UpdateStrategy } from './job-types.js';

const second = 1e9;

/** `api/jobs.go` DefaultUpdateStrategy: what Canonicalize gives every service and system job. */
export function defaultUpdateStrategy(): Required<UpdateStrategy> {
  return {
    MaxParallel: 1,
    HealthCheck: 'checks',
    MinHealthyTime: 10 * second,
    HealthyDeadline: 300 * second,
    ProgressDeadline: 600 * second,
    AutoRevert: false,
    AutoPromote: false,
    Canary: 0,
    Stagger: 30 * second,
  };
}

/**
 * Fills the defaults Nomad's Canonicalize fills (ID/Name, namespace, region, type, priority, the update
 * strategy merged down to groups, group count, task resources). Returns a new object.
 */
export function canonicalizeJob(input: Job): Job {
  const job: Job = structuredClone(input);
  job.Name ??= job.ID;
  job.Namespace ??= 'default';
  job.Region ??= 'global';
  job.Type ??= 'service';
  job.Priority ??= 50;
  job.Stop ??= false;
  job.Meta ??= null;
  const isUpdatable = job.Type === 'service' || job.Type === 'system';
  if (isUpdatable) job.Update = { ...defaultUpdateStrategy(), ...stripUndefined(job.Update ?? {}) };
  job.TaskGroups = (job.TaskGroups ?? []).map((group) => canonicalizeGroup(group, isUpdatable ? job.Update : null));
  return job;
}

function canonicalizeGroup(input: TaskGroup, jobUpdate: UpdateStrategy | null | undefined): TaskGroup {
  const group = { ...input };
  group.Count ??= 1;
  if (jobUpdate) group.Update = { ...jobUpdate, ...stripUndefined(group.Update ?? {}) };
  group.Tasks = (group.Tasks ?? []).map(canonicalizeTask);
  return group;
}

function canonicalizeTask(input: Task): Task {
  const task = { ...input };
  task.Resources = { CPU: 100, MemoryMB: 300, ...stripUndefined(task.Resources ?? {}) };
  task.Env ??= null;
  task.Meta ??= null;
  task.Services ??= null;
  return task;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
