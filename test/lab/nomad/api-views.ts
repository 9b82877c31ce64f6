import type { Allocation, NodeRecord } from './state-types.js';

/** `AllocListStub`: what list endpoints return (no resources, no job copy). */
export function toAllocStub(alloc: Allocation) {
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
export function toAllocation(alloc: Allocation, node: NodeRecord | undefined) {
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
    Resources: { CPU: alloc.CpuShares, MemoryMB: alloc.MemoryMB, DiskMB: 300, Networks: [network] },
    Metrics: { NodesEvaluated: 3, NodesFiltered: 0, NodesExhausted: 0, AllocationTime: 46_415, CoalescedFailures: 0 },
    DesiredTransition: { Migrate: null, Reschedule: null, ForceReschedule: null },
    NetworkStatus: null,
  };
}

/** `NodeListStub` for `GET /v1/nodes`. */
export function toNodeStub(node: NodeRecord, index: number) {
  return {
    ID: node.ID,
    Name: node.Name,
    Address: node.Address,
    Datacenter: node.Datacenter,
    NodeClass: '',
    NodePool: 'default',
    Version: '0.9.7',
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
    LastDrain: null,
    CreateIndex: 1,
    ModifyIndex: index,
  };
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
