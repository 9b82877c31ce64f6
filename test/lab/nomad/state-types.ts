import type { Job } from './job-types.js';

/** A lab host as a Nomad client node. */
export interface NodeRecord {
  ID: string;
  Name: string;
  Address: string;
  Datacenter: string;
  /** The lab host the node's containers run on (`u1`…). */
  host: string;
  memoryCapacityMB: number;
}

export interface TaskEvent {
  Type: string;
  Time: number;
  DisplayMessage: string;
  Details: Record<string, string>;
  Message: string;
  FailsTask: boolean;
  RestartReason: string;
  DriverError: string;
  DriverMessage: string;
  ExitCode: number;
  Signal: number;
  KillReason: string;
  KillError: string;
  SetupError: string;
  ValidationError: string;
  DownloadError: string;
}

export interface TaskState {
  State: 'pending' | 'running' | 'dead';
  Failed: boolean;
  Restarts: number;
  /** RFC 3339; Go's zero time (`ZERO_TIME`) until set. */
  LastRestart: string;
  StartedAt: string;
  FinishedAt: string;
  Events: TaskEvent[];
}

/** A placed port: host port `Value`, container port `To` (0 = same as Value). */
export interface AllocatedPort {
  Label: string;
  Value: number;
  To: number;
  HostIP: string;
}

export interface Allocation {
  ID: string;
  EvalID: string;
  Name: string;
  Namespace: string;
  NodeID: string;
  NodeName: string;
  JobID: string;
  JobType: string;
  JobVersion: number;
  Job: Job;
  TaskGroup: string;
  DesiredStatus: 'run' | 'stop' | 'evict';
  DesiredDescription: string;
  ClientStatus: 'pending' | 'running' | 'complete' | 'failed' | 'lost' | 'unknown';
  ClientDescription: string;
  TaskStates: Record<string, TaskState>;
  DeploymentID: string;
  DeploymentStatus: { Healthy: boolean | null; Timestamp: string; Canary: boolean; ModifyIndex: number } | null;
  Ports: AllocatedPort[];
  MBits: number;
  MemoryMB: number;
  CpuShares: number;
  FollowupEvalID: string;
  NextAllocation: string;
  PreviousAllocation: string;
  CreateIndex: number;
  ModifyIndex: number;
  AllocModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export interface Evaluation {
  ID: string;
  Namespace: string;
  Priority: number;
  Type: string;
  TriggeredBy: string;
  JobID: string;
  JobModifyIndex: number;
  NodeID: string;
  DeploymentID: string;
  Status: 'pending' | 'complete' | 'failed' | 'blocked' | 'canceled';
  StatusDescription: string;
  Wait: number;
  WaitUntil: string | null;
  NextEval: string;
  PreviousEval: string;
  BlockedEval: string;
  FailedTGAllocs: Record<string, unknown> | null;
  ClassEligibility: Record<string, boolean> | null;
  QueuedAllocations: Record<string, number> | null;
  SnapshotIndex: number;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export interface DeploymentGroupState {
  AutoRevert: boolean;
  AutoPromote: boolean;
  ProgressDeadline: number;
  RequireProgressBy: string;
  Promoted: boolean;
  PlacedCanaries: string[] | null;
  DesiredCanaries: number;
  DesiredTotal: number;
  PlacedAllocs: number;
  HealthyAllocs: number;
  UnhealthyAllocs: number;
}

export interface Deployment {
  ID: string;
  Namespace: string;
  JobID: string;
  JobVersion: number;
  JobModifyIndex: number;
  JobSpecModifyIndex: number;
  JobCreateIndex: number;
  IsMultiregion: boolean;
  TaskGroups: Record<string, DeploymentGroupState>;
  Status: 'running' | 'successful' | 'failed' | 'cancelled' | 'initializing' | 'pending';
  StatusDescription: string;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}
