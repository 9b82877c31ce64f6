import { describe, expect, it } from 'vitest';
import { ErrorCode, NetopsError } from '../../../../src/errors.js';
import {
  buildPairs,
  combineProbes,
  expectReachability,
  judgePair,
  runMatrix,
} from '../../../../src/net/isolation/matrix.js';
import type { Endpoint, ProbeResult } from '../../../../src/net/isolation/types.js';
import { createFakeNetwork, type FakeContainer } from './fake-network.js';

const TENANT_OF: Record<string, string> = { '10.32.0': 'default', '10.32.1': 'tenant-b' };

function endpointsOf(containers: FakeContainer[]): Endpoint[] {
  return containers.map((c) => ({
    label: c.name,
    workload: c.name,
    host: c.host,
    container: c.name,
    ip: c.ips[0]!,
    tenant: TENANT_OF[c.ips[0]!.split('.').slice(0, 3).join('.')] ?? null,
    via: 'container',
  }));
}

const ARTICLE: FakeContainer[] = [
  { host: 'u1', name: 'a1', ips: ['10.32.0.1'] },
  { host: 'u1', name: 'a2', ips: ['10.32.0.2'] },
  { host: 'u2', name: 'b1', ips: ['10.32.1.1'] },
  { host: 'u2', name: 'b2', ips: ['10.32.1.2'] },
];

const icmpOnly = () => [{ proto: 'icmp' as const, port: null }];
const timing = { deadlineS: 1, timeoutMs: 3_000 };
const noAllow = { allow: [] };

const probe = (outcome: ProbeResult['outcome']): ProbeResult => ({
  proto: 'icmp',
  port: null,
  ok: outcome === 'reachable',
  outcome,
  rttMs: null,
  attempts: 1,
  detail: outcome,
});

describe('expectation and verdicts', () => {
  it('expects the same tenant reachable, others isolated, allowed pairs reachable in their direction only', () => {
    const policy = { allow: [{ from: 'default', to: 'tenant-b' }] };
    expect(expectReachability('default', 'default', noAllow)).toBe('reachable');
    expect(expectReachability('default', 'tenant-b', noAllow)).toBe('isolated');
    expect(expectReachability('default', 'tenant-b', policy)).toBe('reachable');
    expect(expectReachability('tenant-b', 'default', policy)).toBe('isolated');
    expect(expectReachability(null, 'default', policy)).toBe('unknown');
  });

  it('calls an unexpected reachable a leak and an unexpected isolated a break', () => {
    expect(judgePair('isolated', 'reachable')).toBe('leak');
    expect(judgePair('reachable', 'isolated')).toBe('break');
    expect(judgePair('isolated', 'isolated')).toBe('pass');
    expect(judgePair('reachable', 'unknown')).toBe('unknown');
    expect(judgePair('unknown', 'reachable')).toBe('unknown');
  });

  it('combines probes: one path is enough for reachable, isolated needs every probe conclusive', () => {
    expect(combineProbes([probe('isolated'), probe('reachable')]).observed).toBe('reachable');
    expect(combineProbes([probe('isolated'), probe('isolated')]).observed).toBe('isolated');
    expect(combineProbes([probe('isolated'), probe('unknown')]).observed).toBe('unknown');
    expect(combineProbes([probe('isolated'), probe('inconclusive')]).observed).toBe('isolated');
    expect(combineProbes([probe('inconclusive')])).toEqual({
      observed: 'unknown',
      reason: 'only inconclusive (UDP) probes',
    });
  });

  it('builds every directed pair except a container with itself (12 containers: 132 pairs)', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => ({
      host: `u${(i % 3) + 1}`,
      name: `c${i}`,
      ips: [`10.32.${i % 2}.${i + 1}`],
    }));
    const pairs = buildPairs(endpointsOf(twelve));
    expect(pairs).toHaveLength(132);
    expect(new Set(pairs.map((p) => `${p.from.label}>${p.to.label}`)).size).toBe(132);
    expect(pairs.some((p) => p.from.label === p.to.label)).toBe(false);
  });
});

describe('runMatrix', () => {
  it('passes the article scenario: same tenant reachable, across tenants isolated', async () => {
    const net = createFakeNetwork(ARTICLE);
    const { pairs } = await runMatrix(endpointsOf(ARTICLE), {
      run: net.run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    expect(pairs).toHaveLength(12);
    expect(pairs.every((p) => p.verdict === 'pass')).toBe(true);
    expect(pairs.find((p) => p.from === 'a1' && p.to === 'a2')).toMatchObject({
      expected: 'reachable',
      observed: 'reachable',
    });
    expect(pairs.find((p) => p.from === 'a1' && p.to === 'b1')).toMatchObject({
      expected: 'isolated',
      observed: 'isolated',
    });
    // Expected-isolated failures are the answer: no retry for them; so 8 ICMP probes run once, 4 reachable run once.
    expect(net.calls).toHaveLength(12);
  });

  it('flags a leak and a break, retrying the would-be break once', async () => {
    const net = createFakeNetwork(ARTICLE, { extraReach: [['a1', 'b1']], cut: [['b2', 'b1']] });
    const { pairs } = await runMatrix(endpointsOf(ARTICLE), {
      run: net.run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    const leak = pairs.find((p) => p.verdict === 'leak');
    const broken = pairs.find((p) => p.verdict === 'break');
    expect(leak).toMatchObject({ from: 'a1', to: 'b1', expected: 'isolated', observed: 'reachable' });
    expect(broken).toMatchObject({ from: 'b2', to: 'b1', expected: 'reachable', observed: 'isolated' });
    expect(broken!.probes[0]!.attempts).toBe(2);
    expect(pairs.filter((p) => p.verdict === 'pass')).toHaveLength(10);
  });

  it('makes the pairs of a host that fails unknown with the reason, and completes the rest', async () => {
    const containers = [...ARTICLE, { host: 'u3', name: 'c1', ips: ['10.32.0.9'] }];
    const net = createFakeNetwork(containers);
    const run: typeof net.run = async (host, cmd) => {
      if (host === 'u3')
        throw new NetopsError(ErrorCode.SshConnect, 'down', { userMessage: 'ssh to u3: ECONNREFUSED' });
      return net.run(host, cmd);
    };
    const { pairs, downHosts } = await runMatrix(endpointsOf(containers), {
      run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    expect(downHosts).toEqual([{ host: 'u3', reason: 'ssh to u3: ECONNREFUSED' }]);
    const fromC1 = pairs.filter((p) => p.from === 'c1');
    expect(fromC1.every((p) => p.verdict === 'unknown' && /ECONNREFUSED|down/.test(p.reason ?? ''))).toBe(true);
    // Towards c1 the default-tenant sources got an answer (reachable), the isolated tenant-b ones prove nothing.
    expect(pairs.find((p) => p.from === 'a1' && p.to === 'c1')?.verdict).toBe('pass');
    expect(pairs.find((p) => p.from === 'b1' && p.to === 'c1')).toMatchObject({
      observed: 'unknown',
      reason: expect.stringMatching(/target host u3 is down/),
    });
    expect(pairs.filter((p) => p.from !== 'c1' && p.to !== 'c1').every((p) => p.verdict === 'pass')).toBe(true);
  });

  it('runs the probes concurrently rather than one after another', async () => {
    let active = 0;
    let peak = 0;
    const net = createFakeNetwork(ARTICLE);
    const run: typeof net.run = async (host, cmd) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return net.run(host, cmd);
    };
    await runMatrix(endpointsOf(ARTICLE), {
      run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    expect(peak).toBe(12);
  });
});
