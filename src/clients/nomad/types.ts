import { z } from 'zod';

// Schemas name only the fields the bot reads; `looseObject` keeps every other field, so a job read from
// Nomad can be sent back unchanged. With `Canonicalize: false` Nomad sends unset fields as `null`, hence
// `nullish()` on most of them.

const stringMap = z.record(z.string(), z.string()).nullish();

/** A service block inside a task or group (`api.Service`). */
const nomadServiceSchema = z.looseObject({
  Name: z.string().nullish(),
  PortLabel: z.string().nullish(),
  AddressMode: z.string().nullish(),
  Tags: z.array(z.string()).nullish(),
});

/** A task (`api.Task`); `Config` is the driver's opaque snake_case map. */
const nomadTaskSchema = z.looseObject({
  Name: z.string(),
  Driver: z.string().nullish(),
  Config: z.record(z.string(), z.unknown()).nullish(),
  Env: stringMap,
  Meta: stringMap,
  Services: z.array(nomadServiceSchema).nullish(),
});

/** A task group (`api.TaskGroup`). */
const nomadTaskGroupSchema = z.looseObject({
  Name: z.string(),
  Count: z.number().nullish(),
  Tasks: z.array(nomadTaskSchema).nullish(),
  Meta: stringMap,
  Services: z.array(nomadServiceSchema).nullish(),
  Networks: z.array(z.looseObject({})).nullish(),
});

/** A job as parse returns it and register takes it (`api.Job`). */
export const nomadJobSchema = z.looseObject({
  ID: z.string(),
  Name: z.string().nullish(),
  Namespace: z.string().nullish(),
  Region: z.string().nullish(),
  Type: z.string().nullish(),
  Datacenters: z.array(z.string()).nullish(),
  Meta: stringMap,
  TaskGroups: z.array(nomadTaskGroupSchema).nullish(),
  Status: z.string().nullish(),
  Stop: z.boolean().nullish(),
  Version: z.number().nullish(),
  JobModifyIndex: z.number().nullish(),
});
export type NomadJob = z.infer<typeof nomadJobSchema>;

/** Placement metrics of a task group that could not be placed (`api.AllocationMetric`). */
const allocationMetricSchema = z.looseObject({
  NodesEvaluated: z.number().nullish(),
  NodesFiltered: z.number().nullish(),
  NodesAvailable: z.record(z.string(), z.number()).nullish(),
  ConstraintFiltered: z.record(z.string(), z.number()).nullish(),
  NodesExhausted: z.number().nullish(),
  DimensionExhausted: z.record(z.string(), z.number()).nullish(),
  CoalescedFailures: z.number().nullish(),
});
export type AllocationMetric = z.infer<typeof allocationMetricSchema>;
const failedTgAllocs = z.record(z.string(), allocationMetricSchema).nullish();

/** Response of `POST /v1/job/:id/plan`. */
export const planResponseSchema = z.looseObject({
  JobModifyIndex: z.number(),
  Warnings: z.string().nullish(),
  FailedTGAllocs: failedTgAllocs,
  Diff: z
    .looseObject({
      Type: z.string(),
      ID: z.string().nullish(),
      TaskGroups: z
        .array(
          z.looseObject({
            Name: z.string(),
            Type: z.string(),
            Updates: z.record(z.string(), z.number()).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  Annotations: z
    .looseObject({
      DesiredTGUpdates: z.record(z.string(), z.record(z.string(), z.number())).nullish(),
    })
    .nullish(),
});
export type PlanResponse = z.infer<typeof planResponseSchema>;

/** Response of `POST /v1/job/:id` (register). `EvalID` is "" when no evaluation was created. */
export const registerResponseSchema = z.looseObject({
  EvalID: z.string(),
  EvalCreateIndex: z.number().nullish(),
  JobModifyIndex: z.number(),
  Warnings: z.string().nullish(),
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

/** Response of `DELETE /v1/job/:id`. */
export const stopResponseSchema = z.looseObject({
  EvalID: z.string(),
  EvalCreateIndex: z.number().nullish(),
  JobModifyIndex: z.number().nullish(),
});
/** `EvalID` is "" when Nomad (1.5.1+) had no such job to stop. */
export type StopResponse = z.infer<typeof stopResponseSchema>;

/** An evaluation (`api.Evaluation`); Status is pending | complete | failed | blocked | canceled. */
export const evaluationSchema = z.looseObject({
  ID: z.string(),
  JobID: z.string().nullish(),
  Status: z.string(),
  StatusDescription: z.string().nullish(),
  TriggeredBy: z.string().nullish(),
  Namespace: z.string().nullish(),
  Priority: z.number().nullish(),
  DeploymentID: z.string().nullish(),
  BlockedEval: z.string().nullish(),
  NextEval: z.string().nullish(),
  FailedTGAllocs: failedTgAllocs,
  QueuedAllocations: z.record(z.string(), z.number()).nullish(),
  CreateIndex: z.number().nullish(),
  ModifyIndex: z.number().nullish(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

/** One task event (`api.TaskEvent`); Time is unix nanoseconds. */
const taskEventSchema = z.looseObject({
  Type: z.string(),
  Time: z.number().nullish(),
  DisplayMessage: z.string().nullish(),
  Message: z.string().nullish(),
  DriverError: z.string().nullish(),
  ExitCode: z.number().nullish(),
  FailsTask: z.boolean().nullish(),
});

/** State of one task in an allocation. */
const taskStateSchema = z.looseObject({
  State: z.string(),
  Failed: z.boolean().nullish(),
  Restarts: z.number().nullish(),
  Events: z.array(taskEventSchema).nullish(),
});

const deploymentStatusSchema = z
  .looseObject({ Healthy: z.boolean().nullish(), Canary: z.boolean().nullish(), Timestamp: z.string().nullish() })
  .nullish();

/** An allocation stub from list endpoints (no AllocatedResources / NetworkStatus). */
export const allocationStubSchema = z.looseObject({
  ID: z.string(),
  EvalID: z.string().nullish(),
  Name: z.string().nullish(),
  NodeID: z.string().nullish(),
  NodeName: z.string().nullish(),
  JobID: z.string().nullish(),
  JobVersion: z.number().nullish(),
  TaskGroup: z.string().nullish(),
  DeploymentID: z.string().nullish(),
  DesiredStatus: z.string().nullish(),
  ClientStatus: z.string().nullish(),
  ClientDescription: z.string().nullish(),
  TaskStates: z.record(z.string(), taskStateSchema).nullish(),
  DeploymentStatus: deploymentStatusSchema,
  CreateIndex: z.number().nullish(),
  ModifyIndex: z.number().nullish(),
});
export type AllocationStub = z.infer<typeof allocationStubSchema>;

/** A full allocation (`GET /v1/allocation/:id`). */
export const allocationSchema = allocationStubSchema.extend({
  AllocatedResources: z.looseObject({}).nullish(),
  NetworkStatus: z.looseObject({ InterfaceName: z.string().nullish(), Address: z.string().nullish() }).nullish(),
});
export type Allocation = z.infer<typeof allocationSchema>;

/** Per task group progress inside a deployment. */
const deploymentTaskGroupSchema = z.looseObject({
  DesiredTotal: z.number().nullish(),
  PlacedAllocs: z.number().nullish(),
  HealthyAllocs: z.number().nullish(),
  UnhealthyAllocs: z.number().nullish(),
  ProgressDeadline: z.number().nullish(),
});

/** A deployment; Status is running | paused | failed | successful | cancelled | pending | blocked | unblocking. */
export const deploymentSchema = z.looseObject({
  ID: z.string(),
  JobID: z.string().nullish(),
  JobVersion: z.number().nullish(),
  JobModifyIndex: z.number().nullish(),
  JobSpecModifyIndex: z.number().nullish(),
  Status: z.string(),
  StatusDescription: z.string().nullish(),
  TaskGroups: z.record(z.string(), deploymentTaskGroupSchema).nullish(),
  CreateIndex: z.number().nullish(),
  ModifyIndex: z.number().nullish(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

/** A node stub from `GET /v1/nodes`; Address is the host the bot SSHes to. */
export const nodeStubSchema = z.looseObject({
  ID: z.string(),
  Name: z.string(),
  Address: z.string(),
  Datacenter: z.string().nullish(),
  Status: z.string(),
  StatusDescription: z.string().nullish(),
  SchedulingEligibility: z.string().nullish(),
  Drain: z.boolean().nullish(),
  Version: z.string().nullish(),
  Drivers: z
    .record(z.string(), z.looseObject({ Detected: z.boolean().nullish(), Healthy: z.boolean().nullish() }))
    .nullish(),
});
export type NodeStub = z.infer<typeof nodeStubSchema>;

/** A full node (`GET /v1/node/:id`). */
/**
 * A node from `GET /v1/node/:id`: `structs.Node`, which has no `Address` (only the list stub computes it from
 * HTTPAddr, nomad/structs/structs.go:2296-2300 `Node.Stub`); use `nodeAddressOf`.
 */
export const nodeDetailSchema = z.looseObject({
  ID: z.string(),
  Name: z.string(),
  Datacenter: z.string().nullish(),
  Status: z.string(),
  StatusDescription: z.string().nullish(),
  SchedulingEligibility: z.string().nullish(),
  NodePool: z.string().nullish(),
  Attributes: z.record(z.string(), z.string()).nullish(),
  HTTPAddr: z.string().nullish(),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;

/** A job stub from `GET /v1/jobs`. Status is pending | running | dead. */
export const jobListStubSchema = z.looseObject({
  ID: z.string(),
  Namespace: z.string().nullish(),
  Name: z.string().nullish(),
  Type: z.string().nullish(),
  Status: z.string(),
  StatusDescription: z.string().nullish(),
  Stop: z.boolean().nullish(),
  JobModifyIndex: z.number().nullish(),
});
export type JobListStub = z.infer<typeof jobListStubSchema>;
/** The answer of `GET /v1/jobs`. */
export const jobListSchema = z.array(jobListStubSchema);
