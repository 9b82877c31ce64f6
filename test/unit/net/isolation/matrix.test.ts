import { describe, expect, it } from 'vitest';
import { PING_BATCH_MAX } from '../../../../src/clients/ssh/index.js';
import { CancelledError, ErrorCode, NetopsError } from '../../../../src/errors.js';
import {
  buildPairs,
  combineProbes,
  expectReachability,
  judgePair,
  runMatrix,
} from '../../../../src/net/isolation/matrix.js';
import { batchTimeoutMs } from '../../../../src/net/isolation/ping-batcher.js';
import type { SshRunner } from '../../../../src/net/isolation/probe.js';
import type { Endpoint, ProbeResult } from '../../../../src/net/isolation/types.js';
import { batchLine, createFakeNetwork, type FakeContainer, result } from './fake-network.js';

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
    // One ICMP batch per source container carries all 12 first attempts; expected-isolated failures are the
    // answer (no retry) and the reachable ones passed, so nothing else runs.
    expect(net.calls.map((c) => c.template)).toEqual(Array(4).fill('docker.exec.ping.batch'));
    expect(net.calls.find((c) => c.argv[2] === 'a1')?.argv.slice(7)).toEqual([
      '1',
      '10.32.0.2',
      '10.32.1.1',
      '10.32.1.2',
    ]);
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
    // The retry is a batch of its own from b2 carrying only b1's address.
    expect(net.calls.filter((c) => c.argv[2] === 'b2').map((c) => c.argv.slice(8))).toEqual([
      ['10.32.0.1', '10.32.0.2', '10.32.1.1'],
      ['10.32.1.1'],
    ]);
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

  it('runs the batches of all source containers at once rather than one after another', async () => {
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
    expect(peak).toBe(4);
  });

  it('gives a target the batch printed no line for its retry alone, and keeps a ping that could not run unknown', async () => {
    const net = createFakeNetwork(ARTICLE);
    const run: typeof net.run = async (host, cmd) => {
      const res = await net.run(host, cmd);
      if (cmd.template !== 'docker.exec.ping.batch' || cmd.argv[2] !== 'a1') return res;
      // a1's line for a2 is lost; its ping towards b1 is not in the image (the shell's 127).
      const lines = res.stdout.split('\n').filter((l) => l && !l.startsWith('netops-probe 10.32.0.2'));
      const missing = batchLine('10.32.1.1', { code: 127, stdout: '', stderr: 'sh: ping: not found' });
      return { ...res, stdout: lines.map((l) => (l.startsWith('netops-probe 10.32.1.1') ? missing : l)).join('\n') };
    };
    const { pairs } = await runMatrix(endpointsOf(ARTICLE), {
      run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    const lost = pairs.find((p) => p.from === 'a1' && p.to === 'a2')!;
    expect(lost).toMatchObject({ verdict: 'pass', observed: 'reachable' });
    expect(lost.probes[0]!.attempts).toBe(2);
    // 127 is unknown, never isolated: retried (in a1's next batch, which answers the same), still unknown.
    const cannot = pairs.find((p) => p.from === 'a1' && p.to === 'b1')!;
    expect(cannot).toMatchObject({ verdict: 'unknown', observed: 'unknown' });
    expect(cannot.probes[0]).toMatchObject({
      outcome: 'unknown',
      attempts: 2,
      detail: 'ping could not run: sh: ping: not found',
    });
    expect(net.calls.filter((c) => c.template === 'docker.exec.ping').map((c) => c.argv.at(-1))).toEqual(['10.32.0.2']);
    expect(
      net.calls
        .filter((c) => c.argv[2] === 'a1' && c.template === 'docker.exec.ping.batch')
        .map((c) => c.argv.slice(8)),
    ).toEqual([['10.32.0.2', '10.32.1.1', '10.32.1.2'], ['10.32.1.1']]);
  });

  it('falls back to lone pings when the batch cannot run in the container (no sh in the image)', async () => {
    const net = createFakeNetwork(ARTICLE);
    const noSh =
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown';
    const run: typeof net.run = async (host, cmd) =>
      cmd.template === 'docker.exec.ping.batch' ? result({ code: 126, stderr: noSh }) : net.run(host, cmd);
    const { pairs } = await runMatrix(endpointsOf(ARTICLE), {
      run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    expect(pairs.every((p) => p.verdict === 'pass' && p.probes[0]!.attempts === 2)).toBe(true);
    expect(net.calls.filter((c) => c.template === 'docker.exec.ping')).toHaveLength(12);
  });

  it('bounds each batch by the probe timeout plus time per target, and splits a source past PING_BATCH_MAX', async () => {
    const many: FakeContainer[] = Array.from({ length: PING_BATCH_MAX + 2 }, (_, i) => ({
      host: i === 0 ? 'u1' : 'u2',
      name: `c${i}`,
      ips: [`10.32.0.${i + 1}`],
    }));
    const net = createFakeNetwork(many);
    const bounds: Array<{ container: string; targets: number; timeoutMs: number | undefined }> = [];
    const run: SshRunner = async (host, cmd, opts) => {
      if (cmd.argv[2] === 'c0')
        bounds.push({ container: 'c0', targets: cmd.argv.length - 8, timeoutMs: opts?.timeoutMs });
      return net.run(host, cmd);
    };
    const { pairs } = await runMatrix(endpointsOf(many), {
      run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    expect(pairs.every((p) => p.verdict === 'pass')).toBe(true);
    expect(bounds).toEqual([
      { container: 'c0', targets: PING_BATCH_MAX, timeoutMs: batchTimeoutMs(timing, PING_BATCH_MAX) },
      { container: 'c0', targets: 1, timeoutMs: batchTimeoutMs(timing, 1) },
    ]);
    expect(batchTimeoutMs(timing, 1)).toBeGreaterThan(timing.timeoutMs);
  });

  it('rejects when the check is cancelled while a batch runs', async () => {
    const net = createFakeNetwork(ARTICLE);
    const ac = new AbortController();
    const run: SshRunner = async (host, cmd, opts) => {
      ac.abort();
      if (opts?.signal?.aborted) throw new CancelledError('isolation check cancelled');
      return net.run(host, cmd);
    };
    await expect(
      runMatrix(endpointsOf(ARTICLE), { run, policy: noAllow, timing, probesFor: icmpOnly, signal: ac.signal }),
    ).rejects.toMatchObject({ code: ErrorCode.Cancelled });
  });
});

describe('runMatrix over docker0 (two tenants on one host)', () => {
  // a1 (default) and b1 (tenant-b) on u1, both on docker0 as proxy-mode containers are; c1 on u2.
  const SHARED: FakeContainer[] = [
    { host: 'u1', name: 'a1', ips: ['10.32.0.1'], bridgeIp: '172.17.0.2' },
    { host: 'u1', name: 'b1', ips: ['10.32.1.1'], bridgeIp: '172.17.0.3' },
    { host: 'u2', name: 'c1', ips: ['10.32.1.2'], bridgeIp: '172.17.0.2' },
  ];
  const withBridge = (containers: FakeContainer[]): Endpoint[] =>
    endpointsOf(containers).map((e, i) => ({ ...e, bridgeIp: containers[i]!.bridgeIp! }));
  const matrix = (icc: boolean) => {
    const net = createFakeNetwork(SHARED, { icc });
    const run = runMatrix(withBridge(SHARED), {
      run: net.run,
      policy: noAllow,
      timing,
      probesFor: icmpOnly,
      signal: new AbortController().signal,
    });
    return { net, run };
  };

  it('with --icc=true reports the pair isolated on the overlay as a leak through docker0', async () => {
    const { pairs } = await matrix(true).run;
    const leak = pairs.find((p) => p.from === 'a1' && p.to === 'b1');
    expect(leak).toMatchObject({
      expected: 'isolated',
      observed: 'reachable',
      verdict: 'leak',
      leakVia: ['docker0'],
      bridge: { ip: '172.17.0.3', observed: 'reachable' },
    });
    expect(leak!.probes[0]!.outcome).toBe('isolated');
    expect(pairs.find((p) => p.from === 'b1' && p.to === 'a1')?.verdict).toBe('leak');
  });

  it('with --icc=false finds every path isolated: pass', async () => {
    const { pairs } = await matrix(false).run;
    expect(pairs.find((p) => p.from === 'a1' && p.to === 'b1')).toMatchObject({
      observed: 'isolated',
      verdict: 'pass',
      bridge: { observed: 'isolated' },
    });
    expect(pairs.filter((p) => p.verdict !== 'pass')).toEqual([]);
  });

  it('probes docker0 only between containers of one host (the same 172.17 address on u2 is another network)', async () => {
    const { net, run } = matrix(true);
    const { pairs } = await run;
    expect(pairs.find((p) => p.from === 'b1' && p.to === 'c1')?.bridge).toBeUndefined();
    expect(pairs.find((p) => p.from === 'c1' && p.to === 'a1')?.bridge).toBeUndefined();
    const bridgeTargets = net.calls.filter((c) => c.argv.some((a) => a.startsWith('172.17.')));
    expect(bridgeTargets.map((c) => `${c.host} ${c.argv[2]}`).sort()).toEqual(['u1 a1', 'u1 b1']);
  });
});
