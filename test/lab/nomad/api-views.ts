import { pickFields } from './pick-fields.js';
import type { Allocation, Deployment, Evaluation, NodeRecord } from './state-types.js';
import type { NomadProfile } from './version-profiles.js';

/** `AllocListStub`: what list endpoints return (no resources, no job copy), with the release's fields. */
export function toAllocStub(alloc: Allocation, profile: NomadProfile) {
  const transition = Object.fromEntries(profile.fields.desiredTransition.map((f) => [f, null]));
  return pickFields({ ...buildAllocStub(alloc), DesiredTransition: transition }, profile.fields.allocStub);
}

/** An evaluation with the release's fields (zero values for what the lab does not model). */
export function toEvaluationView(evaluation: Evaluation, profile: NomadProfile) {
  const full = {
    NodeModifyIndex: 0,
    RelatedEvals: null,
    PlanAnnotations: null,
    QuotaLimitReached: '',
    MissingNonNodeResources: null,
    EscapedComputedClass: false,
    AnnotatePlan: false,
    LeaderACL: '',
    ...evaluation,
  };
  return pickFields(full, profile.fields.evaluation);
}

/** A deployment with the release's fields. */
export function toDeploymentView(deployment: Deployment, profile: NomadProfile) {
  return pickFields({ EvalPriority: 50, ...deployment }, profile.fields.deployment);
}

function buildAllocStub(alloc: Allocation): Record<string, unknown> {
  return {
    ID: alloc.ID,
    EvalID: alloc.EvalID,
    Name: alloc.Name,
    Namespace: alloc.Namespace,
    NodeID: alloc.NodeID,
    NodeName: alloc.NodeName,
    JobID: alloc.JobID,
    JobType: alloc.JobType,
    JobVersion: alloc.JobVersion,
    TaskGroup: alloc.TaskGroup,
    DesiredStatus: alloc.DesiredStatus,
    DesiredDescription: alloc.DesiredDescription,
    ClientStatus: alloc.ClientStatus,
    ClientDescription: alloc.ClientDescription,
    TaskStates: alloc.TaskStates,
    DesiredTransition: { Migrate: null, Reschedule: null, ForceReschedule: null },
    DeploymentStatus: alloc.DeploymentStatus,
    FollowupEvalID: alloc.FollowupEvalID,
    NextAllocation: alloc.NextAllocation,
    RescheduleTracker: null,
    PreemptedAllocations: null,
    PreemptedByAllocation: '',
    CreateIndex: alloc.CreateIndex,
    ModifyIndex: alloc.ModifyIndex,
    CreateTime: alloc.CreateTime,
    ModifyTime: alloc.ModifyTime,
  };
}

/** The full allocation (`GET /v1/allocation/:id`), with AllocatedResources whose IP is the host's. */
export function toAllocation(alloc: Allocation, node: NodeRecord | undefined, profile: NomadProfile) {
  const transition = Object.fromEntries(profile.fields.desiredTransition.map((f) => [f, null]));
  return pickFields({ ...buildAllocation(alloc, node), DesiredTransition: transition }, profile.fields.allocation);
}

function buildAllocation(alloc: Allocation, node: NodeRecord | undefined): Record<string, unknown> {
  const hostIp = node?.Address ?? '';
  const dynamic = alloc.Ports.filter((p) => isDynamic(alloc, p.Label)).map(toPort);
  const reserved = alloc.Ports.filter((p) => !isDynamic(alloc, p.Label)).map(toPort);
  const network = {
    Mode: 'host',
    Device: 'eth0',
    CIDR: `${hostIp}/32`,
    IP: hostIp,
    MBits: alloc.MBits,
    DNS: null,
    ReservedPorts: reserved.length ? reserved : null,
    DynamicPorts: dynamic.length ? dynamic : null,
  };
  const tasks = alloc.Job.TaskGroups?.find((g) => g.Name === alloc.TaskGroup)?.Tasks ?? [];
  const { Ports: _ports, MBits: _mbits, MemoryMB: _memory, CpuShares: _cpu, ...rest } = alloc;
  return {
    ...rest,
    AllocatedResources: {
      Tasks: Object.fromEntries(
        tasks.map((t) => [
          t.Name,
          {
            Cpu: { CpuShares: t.Resources?.CPU ?? 100 },
            Memory: { MemoryMB: t.Resources?.MemoryMB ?? 300, MemoryMaxMB: 0 },
            Networks: [network],
            Devices: null,
          },
        ]),
      ),
      Shared: {
        DiskMB: 300,
        Networks: [network],
        Ports: alloc.Ports.map((p) => ({ Label: p.Label, Value: p.Value, To: p.To, HostIP: p.HostIP })),
      },
    },
    // structs.Resources (v0.9.7 nomad/structs/structs.go, HEAD nomad/structs/structs.go): IOPS and Devices too.
    Resources: {
      CPU: alloc.CpuShares,
      MemoryMB: alloc.MemoryMB,
      DiskMB: 300,
      IOPS: 0,
      Networks: [network],
      Devices: null,
    },
    Metrics: { NodesEvaluated: 3, NodesFiltered: 0, NodesExhausted: 0, AllocationTime: 46_415, CoalescedFailures: 0 },
    DesiredTransition: { Migrate: null, Reschedule: null, ForceReschedule: null },
    NetworkStatus: null,
    // Deprecated per-task and shared legacy resources: nil on allocations made by 0.9+ schedulers.
    SharedResources: null,
    TaskResources: null,
    AllocStates: null,
    RescheduleTracker: null,
    PreemptedAllocations: null,
    PreemptedByAllocation: '',
    SigningKeyID: '',
  };
}

/** `NodeListStub` for `GET /v1/nodes`, with the release's fields; Version is the release's. */
export function toNodeStub(node: NodeRecord, index: number, profile: NomadProfile & { reported?: string }) {
  return pickFields(buildNodeStub(node, index, profile.reported ?? profile.version), profile.fields.nodeStub);
}

function buildNodeStub(node: NodeRecord, index: number, version: string): Record<string, unknown> {
  return {
    ID: node.ID,
    Name: node.Name,
    Address: node.Address,
    Datacenter: node.Datacenter,
    NodeClass: '',
    NodePool: 'default',
    Version: version,
    Drain: false,
    SchedulingEligibility: 'eligible',
    Status: 'ready',
    StatusDescription: '',
    Drivers: {
      docker: {
        Attributes: {
          'driver.docker': 'true',
          'driver.docker.bridge_ip': '172.17.0.1',
          'driver.docker.version': '18.09.7',
        },
        Detected: true,
        Healthy: true,
        HealthDescription: 'Healthy',
        UpdateTime: new Date(0).toISOString(),
      },
    },
    HostVolumes: null,
    LastDrain: null,
    CreateIndex: 1,
    ModifyIndex: index,
  };
}

/**
 * `structs.Node` for `GET /v1/node/:id`, with the release's fields (version-profiles.ts `nodeDetail`). Unlike the
 * list stub it has no `Address`: the stub computes that from HTTPAddr (HEAD nomad/structs/structs.go:2296-2300
 * `Node.Stub`); SecretID is blanked by the endpoint (Node.Sanitize).
 */
export function toNodeDetail(node: NodeRecord, index: number, profile: NomadProfile & { reported?: string }) {
  const version = profile.reported ?? profile.version;
  const stub = buildNodeStub(node, index, version);
  const resources = {
    CPU: 8000,
    MemoryMB: node.memoryCapacityMB,
    DiskMB: 51200,
    IOPS: 0,
    Networks: null,
    Devices: null,
  };
  const full: Record<string, unknown> = {
    ...stub,
    SecretID: '',
    CgroupParent: '/nomad',
    HTTPAddr: `${node.Address}:4646`,
    TLSEnabled: false,
    Attributes: {
      'unique.network.ip-address': node.Address,
      'unique.hostname': node.Name,
      'os.name': 'debian',
      'nomad.version': version,
      'driver.docker': '1',
    },
    NodeResources: {
      Cpu: { CpuShares: 8000 },
      Memory: { MemoryMB: node.memoryCapacityMB },
      Disk: { DiskMB: 51200 },
      Networks: null,
    },
    ReservedResources: {
      Cpu: { CpuShares: 0 },
      Memory: { MemoryMB: 0 },
      Disk: { DiskMB: 0 },
      Networks: { ReservedHostPorts: '' },
    },
    Resources: resources,
    Reserved: { ...resources, CPU: 0, MemoryMB: 0, DiskMB: 0 },
    Links: null,
    Meta: {},
    ComputedClass: 'v1:7355608128845370196',
    DrainStrategy: null,
    IdentitySigningKeyID: '',
    StatusUpdatedAt: Math.floor(Date.now() / 1000),
    Events: [
      {
        Message: 'Node registered',
        Subsystem: 'Cluster',
        Details: null,
        Timestamp: new Date(0).toISOString(),
        CreateIndex: 0,
      },
    ],
    CSIControllerPlugins: null,
    CSINodePlugins: null,
    GCVolumesOnNodeGC: false,
    HostNetworks: null,
    NodeMaxAllocs: 0,
    LastMissedHeartbeatIndex: 0,
    LastAllocUpdateIndex: index,
  };
  return pickFields(full, profile.fields.nodeDetail);
}

function isDynamic(alloc: Allocation, label: string): boolean {
  return (alloc.Job.TaskGroups ?? []).some((g) =>
    (g.Tasks ?? []).some((t) =>
      (t.Resources?.Networks ?? []).some((n) => (n.DynamicPorts ?? []).some((p) => p.Label === label)),
    ),
  );
}

function toPort(p: { Label: string; Value: number; To: number }) {
  return { Label: p.Label, Value: p.Value, To: p.To, HostNetwork: 'default' };
}
