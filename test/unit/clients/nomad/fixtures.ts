// Response bodies copied from reference/nomad-consul-weave.md §2.3–2.10 (the documented shapes).

export const parsedJob = {
  ID: 'web',
  Name: 'web',
  Namespace: 'default',
  Region: 'global',
  Type: 'service',
  Priority: 50,
  Datacenters: ['dc1'],
  TaskGroups: [{ Name: 'web', Count: 1, Tasks: [{ Name: 'web', Driver: 'docker', Config: { image: 'nginx:1.25' } }] }],
  Update: {
    MaxParallel: 1,
    HealthCheck: 'checks',
    MinHealthyTime: 10000000000,
    HealthyDeadline: 300000000000,
    ProgressDeadline: 600000000000,
    AutoRevert: false,
    AutoPromote: false,
    Canary: 0,
    Stagger: 30000000000,
  },
  JobModifyIndex: 0,
  Version: 0,
};

export const registerResponse = {
  EvalID: 'd092fdc0-e1fd-2536-67d8-43af8ca798ac',
  EvalCreateIndex: 1201,
  JobModifyIndex: 1201,
  Warnings: '',
  Index: 1201,
  LastContact: 0,
  KnownLeader: false,
};

export const planResponse = {
  JobModifyIndex: 1187,
  Warnings: '',
  FailedTGAllocs: null,
  CreatedEvals: null,
  Diff: {
    Type: 'Edited',
    ID: 'web',
    TaskGroups: [{ Name: 'web', Type: 'Edited', Updates: { 'create/destroy update': 2 } }],
  },
  Annotations: {
    DesiredTGUpdates: {
      web: { Place: 0, DestructiveUpdate: 2, InPlaceUpdate: 0, Stop: 0, Ignore: 0, Migrate: 0, Canary: 0 },
    },
  },
};

export const evaluation = {
  ID: 'd092fdc0-e1fd-2536-67d8-43af8ca798ac',
  JobID: 'web',
  Namespace: 'default',
  Type: 'service',
  TriggeredBy: 'job-register',
  Status: 'complete',
  StatusDescription: '',
  DeploymentID: '85ee4a9a-339f-a921-a9ef-0550d20b2c61',
  BlockedEval: '312e6a6d-8d01-0daf-9105-14919a66dba3',
  QueuedAllocations: { web: 1 },
  FailedTGAllocs: {
    web: {
      NodesEvaluated: 3,
      NodesFiltered: 1,
      NodesAvailable: { dc1: 3 },
      ConstraintFiltered: { 'missing drivers': 1 },
      NodesExhausted: 2,
      DimensionExhausted: { memory: 2 },
      CoalescedFailures: 0,
      AllocationTime: 46415,
    },
  },
  CreateIndex: 1201,
  ModifyIndex: 1203,
};

export const allocation = {
  ID: '5456bd7a-9fc0-c0dd-6131-cbee77f57577',
  Name: 'web.web[0]',
  NodeID: 'f7476465-4d6e-c0de-26d0-e383c49be941',
  NodeName: 'nomad-4',
  JobID: 'web',
  TaskGroup: 'web',
  DesiredStatus: 'run',
  ClientStatus: 'running',
  DeploymentID: '85ee4a9a-339f-a921-a9ef-0550d20b2c61',
  DeploymentStatus: { Healthy: true, Canary: false, Timestamp: '2024-05-02T10:11:12Z', ModifyIndex: 1210 },
  TaskStates: {
    web: {
      State: 'running',
      Failed: false,
      Restarts: 0,
      StartedAt: '2024-05-02T10:10:58Z',
      Events: [{ Type: 'Started', Time: 1714644658000000000, DisplayMessage: 'Task started by client' }],
    },
  },
  AllocatedResources: {
    Shared: {
      DiskMB: 300,
      Ports: [{ Label: 'http', Value: 24518, To: 0, HostIP: '10.0.1.14' }],
      Networks: [{ Mode: 'host', IP: '10.0.1.14', DynamicPorts: [{ Label: 'http', Value: 24518, To: 0 }] }],
    },
  },
  NetworkStatus: null,
};

export const deployment = {
  ID: '85ee4a9a-339f-a921-a9ef-0550d20b2c61',
  JobID: 'web',
  JobVersion: 7,
  JobModifyIndex: 1201,
  JobSpecModifyIndex: 1201,
  JobCreateIndex: 7,
  Status: 'running',
  StatusDescription: 'Deployment is running',
  TaskGroups: {
    web: {
      AutoRevert: true,
      Promoted: false,
      DesiredCanaries: 0,
      DesiredTotal: 2,
      PlacedAllocs: 2,
      HealthyAllocs: 1,
      UnhealthyAllocs: 0,
      ProgressDeadline: 600000000000,
      RequireProgressBy: '2024-05-02T10:21:00Z',
    },
  },
  CreateIndex: 1203,
  ModifyIndex: 1211,
};

export const nodes = [
  {
    ID: 'f7476465-4d6e-c0de-26d0-e383c49be941',
    Name: 'nomad-4',
    Address: '10.0.1.14',
    Datacenter: 'dc1',
    NodeClass: '',
    Version: '1.6.1',
    Drain: false,
    SchedulingEligibility: 'eligible',
    Status: 'ready',
    StatusDescription: '',
    Drivers: { docker: { Attributes: { 'driver.docker.bridge_ip': '172.17.0.1' }, Detected: true, Healthy: true } },
    CreateIndex: 10,
    ModifyIndex: 12,
  },
];
