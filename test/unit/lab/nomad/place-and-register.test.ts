import { describe, expect, it } from 'vitest';
import type { Task } from '../../../lab/nomad/job-types.js';
import { buildServiceRegistrations } from '../../../lab/nomad/nomad-service-registrations.js';
import { type NodeLoad, placeAllocations } from '../../../lab/nomad/place-allocations.js';

const node = (nodeId: string, allocCount = 0, usedMemoryMB = 0): NodeLoad => ({
  nodeId,
  allocCount,
  usedMemoryMB,
  memoryCapacityMB: 1024,
  usedPorts: new Set(),
});

describe('placeAllocations', () => {
  it('spreads over the least loaded nodes first', () => {
    const result = placeAllocations([node('u1', 2, 256), node('u2'), node('u3', 1, 128)], {
      count: 3,
      memoryMB: 128,
      reservedPorts: [],
    });
    expect(result).toEqual({ nodeIds: ['u2', 'u2', 'u3'], failed: 0 });
  });

  it('reports memory exhaustion like FailedTGAllocs and still places what fits', () => {
    const result = placeAllocations([node('u1'), node('u2'), node('u3')], {
      count: 10,
      memoryMB: 400,
      reservedPorts: [],
    });
    expect(result.nodeIds).toHaveLength(6);
    expect(result.failed).toBe(4);
    expect(result.metric).toMatchObject({
      NodesEvaluated: 3,
      NodesExhausted: 3,
      DimensionExhausted: { memory: 3 },
      NodesAvailable: { dc1: 3 },
      CoalescedFailures: 3,
    });
  });

  it('treats a taken static port as a reserved port collision', () => {
    const result = placeAllocations([node('u1'), node('u2')], {
      count: 3,
      memoryMB: 10,
      reservedPorts: [{ Label: 'http', Value: 8081 }],
    });
    expect(result.nodeIds).toEqual(['u1', 'u2']);
    expect(result.metric?.DimensionExhausted).toEqual({ 'network: reserved port collision http=8081': 2 });
  });
});

describe('buildServiceRegistrations (Nomad 0.8/0.9 address modes)', () => {
  const task: Task = {
    Name: 'httpbackend',
    Services: [
      {
        Name: 'httpbackend',
        PortLabel: 'http',
        Checks: [{ Name: 'alive', Type: 'http', Path: '/', Interval: 10e9, Timeout: 2e9 }],
      },
    ],
  };
  const ports = [{ Label: 'http', Value: 24518, To: 8081, HostIP: '192.168.56.11' }];
  const allocId = '5456bd7a-9fc0-c0dd-6131-cbee77f57577';

  it('registers the HOST ip and host port in proxy mode (the wrong-IP problem)', () => {
    const [reg] = buildServiceRegistrations({
      allocId,
      task,
      hostIp: '192.168.56.11',
      ports,
      driver: { ip: '172.17.0.2', autoAdvertise: false },
    });
    expect(reg).toMatchObject({
      ID: `_nomad-task-${allocId}-httpbackend-httpbackend-http`,
      Name: 'httpbackend',
      Address: '192.168.56.11',
      Port: 24518,
    });
    expect(reg?.Checks[0]).toMatchObject({ HTTP: 'http://192.168.56.11:24518/', Interval: '10s', Timeout: '2s' });
  });

  it('registers the docker-bridge ip and container port with address_mode driver in proxy mode', () => {
    const driverTask: Task = { ...task, Services: [{ ...task.Services?.[0], AddressMode: 'driver' }] };
    const [reg] = buildServiceRegistrations({
      allocId,
      task: driverTask,
      hostIp: '192.168.56.11',
      ports,
      driver: { ip: '172.17.0.2', autoAdvertise: false },
    });
    expect([reg?.Address, reg?.Port]).toEqual(['172.17.0.2', 8081]);
    // Checks do not inherit the service's mode: still the host address.
    expect(reg?.Checks[0]?.HTTP).toBe('http://192.168.56.11:24518/');
  });

  it('advertises the weave ip with auto in plugin mode', () => {
    const [reg] = buildServiceRegistrations({
      allocId,
      task,
      hostIp: '192.168.56.11',
      ports,
      driver: { ip: '10.32.0.5', autoAdvertise: true },
    });
    expect([reg?.Address, reg?.Port]).toEqual(['10.32.0.5', 8081]);
  });
});
