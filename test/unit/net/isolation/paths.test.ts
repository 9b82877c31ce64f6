import { describe, expect, it } from 'vitest';
import { judgePaths, planBridgePath } from '../../../../src/net/isolation/paths.js';
import type { BridgePathResult, Endpoint } from '../../../../src/net/isolation/types.js';

const ep = (name: string, host: string, extra: Partial<Endpoint> = {}): Endpoint => ({
  label: name,
  workload: name,
  host,
  container: name,
  ip: '10.32.0.9',
  tenant: 'default',
  via: 'container',
  ...extra,
});

const bridge = (observed: BridgePathResult['observed'], reason?: string): BridgePathResult => ({
  ip: '172.17.0.3',
  observed,
  probes: [],
  ...(reason ? { reason } : {}),
});

describe('planBridgePath', () => {
  it('probes docker0 between two containers of one host that are both on the default bridge', () => {
    const a = ep('a1', 'u1', { bridgeIp: '172.17.0.2' });
    const b = ep('b1', 'u1', { bridgeIp: '172.17.0.3' });
    expect(planBridgePath(a, b)).toEqual({ ip: '172.17.0.3' });
    expect(planBridgePath(b, a)).toEqual({ ip: '172.17.0.2' });
  });

  it('has no docker0 path across hosts, to itself, or when either side is not on the default bridge', () => {
    const a = ep('a1', 'u1', { bridgeIp: '172.17.0.2' });
    expect(planBridgePath(a, ep('b1', 'u2', { bridgeIp: '172.17.0.2' }))).toBeUndefined();
    expect(planBridgePath(a, { ...a, label: 'a1@tenant-b' })).toBeUndefined();
    expect(planBridgePath(a, ep('w1', 'u1'))).toBeUndefined();
    expect(planBridgePath(ep('w1', 'u1'), a)).toBeUndefined();
  });

  it('makes the path unknown, not absent, when an address could not be read', () => {
    const a = ep('a1', 'u1', { bridgeIp: '172.17.0.2' });
    const b = ep('b1', 'u1', { bridgeLookupError: 'docker inspect b1 on u1: exit 1' });
    expect(planBridgePath(a, b)).toEqual({ unknown: 'docker0 address unknown: docker inspect b1 on u1: exit 1' });
  });
});

describe('judgePaths', () => {
  it('judges on the overlay alone when there is no docker0 path (as before)', () => {
    expect(judgePaths('isolated', { observed: 'isolated' }, undefined)).toEqual({
      observed: 'isolated',
      verdict: 'pass',
    });
    expect(judgePaths('isolated', { observed: 'unknown', reason: 'ping could not run' }, undefined)).toEqual({
      observed: 'unknown',
      verdict: 'unknown',
      reason: 'ping could not run',
    });
  });

  it('calls a pair isolated on the overlay but reachable over docker0 a leak through docker0', () => {
    expect(judgePaths('isolated', { observed: 'isolated' }, bridge('reachable'))).toEqual({
      observed: 'reachable',
      verdict: 'leak',
      leakVia: ['docker0'],
    });
    expect(judgePaths('isolated', { observed: 'reachable' }, bridge('reachable')).leakVia).toEqual([
      'overlay',
      'docker0',
    ]);
  });

  it('passes isolation only when every path is isolated (dockerd --icc=false)', () => {
    expect(judgePaths('isolated', { observed: 'isolated' }, bridge('isolated'))).toEqual({
      observed: 'isolated',
      verdict: 'pass',
    });
  });

  it('never claims isolation while a path could not be observed', () => {
    const judged = judgePaths('isolated', { observed: 'isolated' }, bridge('unknown', 'ping could not run'));
    expect(judged).toEqual({ observed: 'unknown', verdict: 'unknown', reason: 'docker0: ping could not run' });
  });

  it('judges an expected-reachable pair on the overlay: docker0 answering does not hide a broken overlay', () => {
    expect(judgePaths('reachable', { observed: 'isolated' }, bridge('reachable')).verdict).toBe('break');
    expect(judgePaths('reachable', { observed: 'reachable' }, bridge('isolated')).verdict).toBe('pass');
  });
});
