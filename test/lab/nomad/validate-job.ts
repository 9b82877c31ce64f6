import type { Job, Task, TaskGroup } from './job-types.js';
import { formatMultiError } from './multierror.js';

/**
 * Validates a canonicalized job the way `structs.Job.Validate` does for the fields the lab knows, and
 * returns the multierror text Nomad answers with (HTTP 500), or undefined when the job is valid.
 */
export function validateJob(job: Job): string | undefined {
  const errors: string[] = [];
  if (!job.Datacenters || job.Datacenters.length === 0) errors.push('Missing job datacenters');
  if (!['service', 'batch', 'system', 'sysbatch'].includes(job.Type ?? ''))
    errors.push(`Invalid job type: "${job.Type}"`);
  const groups = job.TaskGroups ?? [];
  if (groups.length === 0) errors.push('Missing job task groups');
  const seen = new Set<string>();
  groups.forEach((group, i) => {
    const name = group.Name ?? '';
    if (name === '') errors.push(`Job task group ${i + 1} missing name`);
    else if (seen.has(name)) errors.push(`Job task group ${i + 1} redefines '${name}' from group ${i}`);
    seen.add(name);
    const groupErrors = validateGroup(group);
    if (groupErrors.length) errors.push(`Task group ${name} validation failed: ${formatMultiError(groupErrors)}`);
  });
  return errors.length ? formatMultiError(errors) : undefined;
}

function validateGroup(group: TaskGroup): string[] {
  const errors: string[] = [];
  if ((group.Count ?? 0) < 0) errors.push("Task group count can't be negative");
  const tasks = group.Tasks ?? [];
  if (tasks.length === 0) errors.push('Missing tasks for task group');
  for (const task of tasks) {
    const taskErrors = validateTask(task);
    if (taskErrors.length) errors.push(`Task ${task.Name ?? ''} validation failed: ${formatMultiError(taskErrors)}`);
  }
  return errors;
}

function validateTask(task: Task): string[] {
  const errors: string[] = [];
  if (!task.Name) errors.push('Missing task name');
  if (!task.Driver) errors.push('Missing task driver');
  const memoryMB = task.Resources?.MemoryMB ?? 300;
  if (memoryMB < 10) errors.push(`Minimum MemoryMB value is 10; got ${memoryMB}`);
  if (task.Driver === 'docker') {
    const image = task.Config?.image;
    if (typeof image !== 'string' || image === '') {
      errors.push(
        `Task driver config validation failed: ${formatMultiError(['Missing required argument: The argument "image" is required, but no definition was found.'])}`,
      );
    }
  }
  for (const service of task.Services ?? []) {
    if (!service.Name) errors.push('Service name must be specified');
    for (const check of service.Checks ?? []) {
      if (!check.Interval) errors.push(`Check ${check.Name ?? ''} invalid: missing required value interval`);
    }
  }
  return errors;
}
