import { describe, expect, it } from 'vitest';
import { describePlacementFailures, describePlan, describeTaskEvents } from '../../../src/net/deploy/describe-nomad.js';
import { parseWeaveStatus } from '../../../src/net/weave-status.js';

describe('describePlacementFailures', () => {
  it('names exhausted nodes and dimensions per task group (reference §2.6 shape)', () => {
    const lines = describePlacementFailures({
      web: {
        NodesEvaluated: 3,
        NodesFiltered: 1,
        NodesExhausted: 2,
        DimensionExhausted: { memory: 2 },
        ConstraintFiltered: { 'missing drivers': 1 },
        CoalescedFailures: 4,
      },
    } as never);
    expect(lines).toEqual([
      'group web: 2 of 3 nodes exhausted (memory on 2) constraints: missing drivers filtered 1 1 filtered — 5 allocations not placed',
    ]);
  });
  it('is empty for null and {}', () => {
    expect(describePlacementFailures(null)).toEqual([]);
    expect(describePlacementFailures({})).toEqual([]);
  });
});

describe('describePlan', () => {
  it('summarises DesiredTGUpdates', () => {
    expect(
      describePlan({
        JobModifyIndex: 1,
        Annotations: { DesiredTGUpdates: { web: { Place: 2, Stop: 0, DestructiveUpdate: 1 } } },
      } as never),
    ).toEqual(['web: place 2, destructive update 1']);
  });
});

describe('describeTaskEvents', () => {
  it('lists the last events with messages and exit codes', () => {
    const lines = describeTaskEvents({
      ID: 'a',
      TaskStates: {
        web: {
          State: 'dead',
          Failed: true,
          Events: [
            { Type: 'Started', DisplayMessage: 'Task started by client' },
            { Type: 'Terminated', DisplayMessage: 'Exit Code: 1', ExitCode: 1 },
            { Type: 'Not Restarting', DisplayMessage: 'Exceeded allowed attempts 1 in interval 1m0s' },
          ],
        },
      },
    } as never);
    expect(lines).toEqual([
      'web: Started: Task started by client',
      'web: Terminated: Exit Code: 1 (exit 1)',
      'web: Not Restarting: Exceeded allowed attempts 1 in interval 1m0s',
    ]);
  });
});

describe('parseWeaveStatus', () => {
  it('reads peers, connections and connection modes', () => {
    const status = [
      '        Version: 2.8.1',
      '        Service: router',
      '          Peers: 3',
      '    Connections: 2 (2 established)',
    ].join('\n');
    const conns = [
      '-> 192.168.56.12:6783     established fastdp 46:5c:aa:bb:cc:dd(u2) mtu=1376',
      '<- 192.168.56.13:45678    established fastdp 46:5c:aa:bb:cc:ee(u3) mtu=1376',
    ].join('\n');
    expect(parseWeaveStatus(status, conns)).toEqual({
      peers: 3,
      connections: 2,
      established: 2,
      modes: ['fastdp'],
      mtus: [1376],
    });
  });
});
