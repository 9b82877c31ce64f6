import { describe, expect, it } from 'vitest';
import type { SshCommand, SshResult } from '../../../../src/clients/ssh/index.js';
import { ErrorCode, NetopsError, TimeoutError } from '../../../../src/errors.js';
import { createHostHealth } from '../../../../src/net/isolation/host-health.js';
import { buildProbeCommand, interpretProbeResult, runProbe } from '../../../../src/net/isolation/probe.js';
import { result } from './fake-network.js';

const target = { host: 'u1', container: 'a1', ip: '10.32.0.3' };
const timing = { deadlineS: 1, timeoutMs: 3_000 };
const icmp = { proto: 'icmp' as const, port: null };
const tcp = { proto: 'tcp' as const, port: 8081 };
const udp = { proto: 'udp' as const, port: 53 };

/** A runner that answers from a script, one entry per call, and records the calls. */
function scripted(answers: Array<SshResult | Error>) {
  const calls: SshCommand[] = [];
  const run = async (_host: string, cmd: SshCommand) => {
    calls.push(cmd);
    const next = answers[calls.length - 1];
    if (!next) throw new Error(`unexpected call ${calls.length}`);
    if (next instanceof Error) throw next;
    return next;
  };
  return { run, calls };
}

describe('buildProbeCommand', () => {
  it('uses the allowlisted exec templates with the deadline and target', () => {
    expect(buildProbeCommand(target, icmp, 1).argv).toEqual([
      'docker',
      'exec',
      'a1',
      'ping',
      '-c',
      '1',
      '-W',
      '1',
      '10.32.0.3',
    ]);
    expect(buildProbeCommand(target, tcp, 2).argv).toEqual([
      'docker',
      'exec',
      'a1',
      'nc',
      '-z',
      '-w',
      '2',
      '10.32.0.3',
      '8081',
    ]);
    expect(buildProbeCommand(target, udp, 1).template).toBe('docker.exec.udp');
  });
});

describe('interpretProbeResult', () => {
  it('reads the rtt of an echo reply from iputils and busybox output', () => {
    const iputils = result({ stdout: '64 bytes from 10.32.0.3: icmp_seq=1 ttl=64 time=0.052 ms\n' });
    const busybox = result({ stdout: '64 bytes from 10.32.0.3: seq=0 ttl=64 time=1.234 ms\n' });
    expect(interpretProbeResult(icmp, iputils, 1)).toMatchObject({ ok: true, outcome: 'reachable', rttMs: 0.052 });
    expect(interpretProbeResult(icmp, busybox, 1)).toMatchObject({ ok: true, rttMs: 1.234 });
  });

  it('counts a ping that could not run (no NET_RAW) as unknown, never isolated', () => {
    const noRaw = result({ code: 1, stderr: 'ping: permission denied (are you root?)\n' });
    expect(interpretProbeResult(icmp, noRaw, 1)).toMatchObject({
      outcome: 'unknown',
      detail: 'ping could not run: ping: permission denied (are you root?)',
    });
    const iputils = result({ code: 2, stderr: 'ping: socket: Operation not permitted\n' });
    expect(interpretProbeResult(icmp, iputils, 1).outcome).toBe('unknown');
    const sent = result({ code: 1, stdout: '1 packets transmitted, 0 packets received, 100% packet loss\n' });
    expect(interpretProbeResult(icmp, sent, 1).outcome).toBe('isolated');
    const noRoute = result({ code: 2, stderr: 'ping: connect: Network is unreachable\n' });
    expect(interpretProbeResult(icmp, noRoute, 1).outcome).toBe('isolated');
  });

  it('counts no reply as isolated and docker failures as unknown', () => {
    expect(interpretProbeResult(icmp, result({ code: 1 }), 1)).toMatchObject({
      outcome: 'isolated',
      detail: 'no reply within 1 s',
    });
    const gone = result({ code: 1, stderr: 'Error response from daemon: Container abc is not running\n' });
    expect(interpretProbeResult(icmp, gone, 1)).toMatchObject({ outcome: 'unknown' });
    expect(interpretProbeResult(tcp, result({ code: 126, stderr: 'OCI runtime exec failed' }), 1).outcome).toBe(
      'unknown',
    );
    expect(interpretProbeResult(icmp, result({ code: null, signal: 'KILL' }), 1).detail).toMatch(/SIGKILL/);
  });

  it('takes a refused TCP port as reachable (the host answered) and silence as isolated', () => {
    const refused = result({ code: 1, stderr: 'nc: connect to 10.32.0.3 port 81 (tcp) failed: Connection refused\n' });
    expect(interpretProbeResult(tcp, refused, 1)).toMatchObject({ ok: true, outcome: 'reachable' });
    expect(interpretProbeResult(tcp, result({ code: 1 }), 1)).toMatchObject({ ok: false, outcome: 'isolated' });
    expect(interpretProbeResult(tcp, result({ code: 0, durationMs: 12.34 }), 1)).toMatchObject({ rttMs: 12.3 });
  });

  it('treats a silent UDP probe as inconclusive, an ICMP error as reachable', () => {
    expect(interpretProbeResult(udp, result({ code: 0 }), 1).outcome).toBe('inconclusive');
    expect(interpretProbeResult(udp, result({ code: 1, stderr: 'Connection refused' }), 1).outcome).toBe('reachable');
  });
});

describe('runProbe retry', () => {
  it('retries a failed probe once and keeps the second answer', async () => {
    const s = scripted([result({ code: 1 }), result({ stdout: 'time=0.2 ms' })]);
    const r = await runProbe(s.run, createHostHealth(), target, icmp, timing, new AbortController().signal);
    expect(r).toMatchObject({ ok: true, outcome: 'reachable', attempts: 2, rttMs: 0.2 });
    expect(s.calls).toHaveLength(2);
  });

  it('gives up after the second failure', async () => {
    const s = scripted([result({ code: 1 }), result({ code: 1 })]);
    const r = await runProbe(s.run, createHostHealth(), target, icmp, timing, new AbortController().signal);
    expect(r).toMatchObject({ outcome: 'isolated', attempts: 2 });
  });

  it('does not retry a success or when the policy says the failure is the answer', async () => {
    const ok = scripted([result({ stdout: 'time=1 ms' })]);
    await runProbe(ok.run, createHostHealth(), target, icmp, timing, new AbortController().signal);
    expect(ok.calls).toHaveLength(1);
    const expectedIsolated = scripted([result({ code: 1 })]);
    const r = await runProbe(
      expectedIsolated.run,
      createHostHealth(),
      target,
      icmp,
      timing,
      new AbortController().signal,
      () => false,
    );
    expect(r.attempts).toBe(1);
    expect(expectedIsolated.calls).toHaveLength(1);
  });

  it('passes the per-probe timeout to the runner', async () => {
    const seen: number[] = [];
    const run = async (_h: string, _c: SshCommand, o: { timeoutMs?: number }) => {
      seen.push(o.timeoutMs ?? -1);
      return result({});
    };
    await runProbe(run, createHostHealth(), target, icmp, timing, new AbortController().signal);
    expect(seen).toEqual([3_000]);
  });

  it('turns an SSH failure into unknown, marks the host down and skips it afterwards', async () => {
    const health = createHostHealth();
    const refused = new NetopsError(ErrorCode.SshConnect, 'x', {
      userMessage: 'Could not connect over SSH to u1: ECONNREFUSED',
    });
    const s = scripted([refused]);
    const first = await runProbe(s.run, health, target, icmp, timing, new AbortController().signal);
    expect(first).toMatchObject({ outcome: 'unknown', attempts: 1, detail: expect.stringMatching(/ECONNREFUSED/) });
    const second = await runProbe(s.run, health, target, tcp, timing, new AbortController().signal);
    expect(second).toMatchObject({ outcome: 'unknown', detail: expect.stringMatching(/^host u1 is down/) });
    expect(s.calls).toHaveLength(1);
  });

  it('marks a host down after two timeouts in a row, not after one', async () => {
    const health = createHostHealth();
    const t = () => new TimeoutError('docker.exec.ping on u1', 3000);
    const s = scripted([t(), result({ code: 1 }), t(), t()]);
    const r1 = await runProbe(s.run, health, target, icmp, timing, new AbortController().signal);
    expect(r1).toMatchObject({ outcome: 'isolated', attempts: 2 });
    expect(health.reasonDown('u1')).toBeUndefined();
    const r2 = await runProbe(s.run, health, target, icmp, timing, new AbortController().signal);
    expect(r2.outcome).toBe('unknown');
    expect(health.reasonDown('u1')).toMatch(/2 commands in a row timed out/);
  });

  it('propagates cancellation', async () => {
    const ac = new AbortController();
    const run = async () => {
      ac.abort();
      throw new Error('aborted');
    };
    await expect(runProbe(run, createHostHealth(), target, icmp, timing, ac.signal)).rejects.toThrow('aborted');
  });
});
