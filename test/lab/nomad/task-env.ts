import type { Job, Task } from './job-types.js';
import type { AllocatedPort, NodeRecord } from './state-types.js';

/** What the task environment is built from. */
export interface TaskEnvInput {
  job: Job;
  groupName: string;
  task: Task;
  allocId: string;
  allocName: string;
  allocIndex: number;
  node: NodeRecord;
  ports: readonly AllocatedPort[];
}

/**
 * The task's environment as Nomad builds it: the `NOMAD_*` runtime variables plus the task's `env`, where
 * `${NOMAD_*}`, `${node.*}` and `${attr.unique.network.ip-address}` references are interpolated.
 */
export function buildTaskEnv(input: TaskEnvInput): Record<string, string> {
  const runtime: Record<string, string> = {
    NOMAD_ALLOC_ID: input.allocId,
    NOMAD_ALLOC_NAME: input.allocName,
    NOMAD_ALLOC_INDEX: String(input.allocIndex),
    NOMAD_JOB_NAME: input.job.Name ?? input.job.ID ?? '',
    NOMAD_GROUP_NAME: input.groupName,
    NOMAD_TASK_NAME: input.task.Name ?? '',
    NOMAD_DC: input.node.Datacenter,
    NOMAD_REGION: input.job.Region ?? 'global',
    NOMAD_NAMESPACE: input.job.Namespace ?? 'default',
    NOMAD_CPU_LIMIT: String(input.task.Resources?.CPU ?? 100),
    NOMAD_MEMORY_LIMIT: String(input.task.Resources?.MemoryMB ?? 300),
  };
  for (const port of input.ports) {
    runtime[`NOMAD_IP_${port.Label}`] = port.HostIP;
    runtime[`NOMAD_PORT_${port.Label}`] = String(port.To || port.Value);
    runtime[`NOMAD_HOST_PORT_${port.Label}`] = String(port.Value);
    runtime[`NOMAD_ADDR_${port.Label}`] = `${port.HostIP}:${port.Value}`;
  }
  const lookup: Record<string, string> = {
    ...runtime,
    'node.unique.name': input.node.Name,
    'node.unique.id': input.node.ID,
    'node.datacenter': input.node.Datacenter,
    'attr.unique.network.ip-address': input.node.Address,
  };
  const env: Record<string, string> = { ...runtime };
  for (const [key, value] of Object.entries(input.task.Env ?? {})) {
    env[key] = String(value).replace(/\$\{([^}]+)\}/g, (whole, name: string) => lookup[name.trim()] ?? whole);
  }
  return env;
}
