/** The JSON job form (Nomad's `api.Job`), only the fields the lab reads; everything else passes through. */
export interface Job {
  ID?: string;
  Name?: string;
  Namespace?: string;
  Region?: string;
  Type?: string;
  Priority?: number;
  Datacenters?: string[];
  Meta?: Record<string, string> | null;
  TaskGroups?: TaskGroup[];
  Update?: UpdateStrategy | null;
  Stop?: boolean;
  Status?: string;
  Version?: number;
  Stable?: boolean;
  CreateIndex?: number;
  ModifyIndex?: number;
  JobModifyIndex?: number;
  SubmitTime?: number;
  [key: string]: unknown;
}

export interface UpdateStrategy {
  MaxParallel?: number;
  HealthCheck?: string;
  MinHealthyTime?: number;
  HealthyDeadline?: number;
  ProgressDeadline?: number;
  AutoRevert?: boolean;
  AutoPromote?: boolean;
  Canary?: number;
  Stagger?: number;
}

export interface TaskGroup {
  Name?: string;
  Count?: number;
  Meta?: Record<string, string> | null;
  Tasks?: Task[];
  Update?: UpdateStrategy | null;
  RestartPolicy?: { Attempts?: number; Interval?: number; Delay?: number; Mode?: string } | null;
  [key: string]: unknown;
}

export interface Task {
  Name?: string;
  Driver?: string;
  Config?: Record<string, unknown> | null;
  Env?: Record<string, string> | null;
  Meta?: Record<string, string> | null;
  Resources?: Resources | null;
  Services?: Service[] | null;
  [key: string]: unknown;
}

export interface Port {
  Label: string;
  Value: number;
  To?: number;
}

export interface NetworkResource {
  MBits?: number;
  DynamicPorts?: Port[] | null;
  ReservedPorts?: Port[] | null;
}

export interface Resources {
  CPU?: number;
  MemoryMB?: number;
  Networks?: NetworkResource[] | null;
}

export interface Service {
  Name?: string;
  PortLabel?: string;
  AddressMode?: string;
  Tags?: string[] | null;
  Checks?: ServiceCheck[] | null;
  [key: string]: unknown;
}

export interface ServiceCheck {
  Name?: string;
  Type?: string;
  Path?: string;
  Protocol?: string;
  PortLabel?: string;
  AddressMode?: string;
  Interval?: number;
  Timeout?: number;
  [key: string]: unknown;
}
