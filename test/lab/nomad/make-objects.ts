import { randomUUID } from 'node:crypto';
import { defaultUpdateStrategy } from './canonicalize-job.js';
import { stringifySorted } from './http/stable-ids.js';
import type { Job, TaskGroup } from './job-types.js';
import { nowNs } from './nomad-state.js';
import type { AllocatedPort, Allocation, Deployment, Evaluation, NodeRecord } from './state-types.js';
import { makePendingTaskState } from './task-events.js';

/** A new evaluation for a job. */
export function makeEvaluation(job: Job, triggeredBy: string, index: number, status: Evaluation['Status']): Evaluation {
  return {
    ID: randomUUID(),
    Namespace: job.Namespace ?? 'default',
    Priority: job.Priority ?? 50,
    Type: job.Type ?? 'service',
    TriggeredBy: triggeredBy,
    JobID: job.ID ?? '',
    JobModifyIndex: job.JobModifyIndex ?? 0,
    NodeID: '',
    DeploymentID: '',
    Status: status,
    StatusDescription: '',
    Wait: 0,
    WaitUntil: null,
    NextEval: '',
    PreviousEval: '',
    BlockedEval: '',
    FailedTGAllocs: null,
    ClassEligibility: null,
    QueuedAllocations: null,
    SnapshotIndex: index,
    CreateIndex: index,
    ModifyIndex: index,
    CreateTime: nowNs(),
    ModifyTime: nowNs(),
  };
}

/** A running deployment for the current version of a service job. */
export function makeDeployment(job: Job, index: number): Deployment {
  const groups: Deployment['TaskGroups'] = {};
  for (const group of job.TaskGroups ?? []) {
    const update = { ...defaultUpdateStrategy(), ...(group.Update ?? job.Update ?? {}) };
    groups[group.Name ?? ''] = {
      AutoRevert: update.AutoRevert,
      AutoPromote: update.AutoPromote,
      ProgressDeadline: update.ProgressDeadline,
      RequireProgressBy: new Date(Date.now() + update.ProgressDeadline / 1e6).toISOString(),
      Promoted: false,
      PlacedCanaries: null,
      DesiredCanaries: 0,
      DesiredTotal: group.Count ?? 1,
      PlacedAllocs: 0,
      HealthyAllocs: 0,
      UnhealthyAllocs: 0,
    };
  }
  return {
    ID: randomUUID(),
    Namespace: job.Namespace ?? 'default',
    JobID: job.ID ?? '',
    JobVersion: job.Version ?? 0,
    // nomad/structs/deployment.go:124-131 (v0.9.7 structs.go:7136-7148): the job's ModifyIndex and JobModifyIndex.
    JobModifyIndex: job.ModifyIndex ?? 0,
    JobSpecModifyIndex: job.JobModifyIndex ?? 0,
    JobCreateIndex: job.CreateIndex ?? 0,
    IsMultiregion: false,
    TaskGroups: groups,
    Status: 'running',
    StatusDescription: 'Deployment is running',
    CreateIndex: index,
    ModifyIndex: index,
    CreateTime: nowNs(),
    ModifyTime: nowNs(),
  };
}

interface AllocInput {
  job: Job;
  group: TaskGroup;
  nameIndex: number;
  node: NodeRecord;
  evalId: string;
  deploymentId: string;
  ports: AllocatedPort[];
  index: number;
}

/** A pending allocation placed on a node. */
export function makeAllocation(input: AllocInput): Allocation {
  const { job, group } = input;
  const tasks = group.Tasks ?? [];
  return {
    ID: randomUUID(),
    EvalID: input.evalId,
    Name: `${job.ID}.${group.Name}[${input.nameIndex}]`,
    Namespace: job.Namespace ?? 'default',
    NodeID: input.node.ID,
    NodeName: input.node.Name,
    JobID: job.ID ?? '',
    JobType: job.Type ?? 'service',
    JobVersion: job.Version ?? 0,
    Job: structuredClone(job),
    TaskGroup: group.Name ?? '',
    DesiredStatus: 'run',
    DesiredDescription: '',
    ClientStatus: 'pending',
    ClientDescription: '',
    TaskStates: Object.fromEntries(tasks.map((t) => [t.Name ?? '', makePendingTaskState()])),
    DeploymentID: input.deploymentId,
    DeploymentStatus: null,
    Ports: input.ports,
    MBits: tasks.reduce((sum, t) => sum + (t.Resources?.Networks?.[0]?.MBits ?? 0), 0),
    MemoryMB: tasks.reduce((sum, t) => sum + (t.Resources?.MemoryMB ?? 300), 0),
    CpuShares: tasks.reduce((sum, t) => sum + (t.Resources?.CPU ?? 100), 0),
    FollowupEvalID: '',
    NextAllocation: '',
    PreviousAllocation: '',
    CreateIndex: input.index,
    ModifyIndex: input.index,
    AllocModifyIndex: input.index,
    CreateTime: nowNs(),
    ModifyTime: nowNs(),
  };
}

/** A group's memory and static ports, summed over its tasks (what placement checks per allocation). */
export function getGroupAsk(group: TaskGroup) {
  const tasks = group.Tasks ?? [];
  return {
    memoryMB: tasks.reduce((sum, t) => sum + (t.Resources?.MemoryMB ?? 300), 0),
    reservedPorts: tasks.flatMap((t) => (t.Resources?.Networks ?? []).flatMap((n) => n.ReservedPorts ?? [])),
    dynamicLabels: tasks.flatMap((t) =>
      (t.Resources?.Networks ?? []).flatMap((n) =>
        (n.DynamicPorts ?? []).map((p) => ({ Label: p.Label, To: p.To ?? 0 })),
      ),
    ),
  };
}

/** Fields the server manages; two jobs whose other fields are equal have the same spec. */
const serverFields = [
  'Status',
  'StatusDescription',
  'Version',
  'Stable',
  'CreateIndex',
  'ModifyIndex',
  'JobModifyIndex',
  'SubmitTime',
];

/** True when registering `next` over `current` changes the spec (a new version, a new deployment). */
export function isSpecChanged(current: Job, next: Job): boolean {
  const strip = (job: Job) =>
    stringifySorted(Object.fromEntries(Object.entries(job).filter(([k]) => !serverFields.includes(k))));
  return strip(current) !== strip(next);
}
