import { buildCommand, type SshCommand, type SshResult, type SshRunOptions } from '../../clients/ssh/index.js';
import { ErrorCode, isNetopsError } from '../../errors.js';
import type { HostHealth } from './host-health.js';
import type { ProbeResult, ProbeSpec } from './types.js';

/** Runs one allowlisted command on a host (the SSH pool's `run`; injected so tests can script outcomes). */
export type SshRunner = (host: string, command: SshCommand, opts: SshRunOptions) => Promise<SshResult>;

/** Where a probe runs from and what it aims at. */
export interface ProbeTarget {
  /** Host of the source container. */
  host: string;
  /** Source container. */
  container: string;
  /** Target overlay address. */
  ip: string;
}

/** Bounds of one probe attempt. */
export interface ProbeTiming {
  /** Deadline of the tool inside the container (`ping -W`, `nc -w`), whole seconds. */
  deadlineS: number;
  /** Bound of the whole SSH command (docker exec included). */
  timeoutMs: number;
}

/** One attempt of a probe, before its retry is counted. */
export type Attempt = Pick<ProbeResult, 'ok' | 'outcome' | 'rttMs' | 'detail'>;

/** An attempt that could not be made: says nothing about the network. */
export const unknownAttempt = (detail: string): Attempt => ({ ok: false, outcome: 'unknown', rttMs: null, detail });

const DOCKER_FAILURE =
  /Error response from daemon|No such container|is not running|executable file not found|OCI runtime/i;

/** The allowlisted command for a probe. */
export function buildProbeCommand(target: ProbeTarget, spec: ProbeSpec, deadlineS: number): SshCommand {
  const base = { container: target.container, timeoutS: String(deadlineS), ip: target.ip };
  if (spec.proto === 'icmp') return buildCommand('docker.exec.ping', base);
  return buildCommand(spec.proto === 'tcp' ? 'docker.exec.tcp' : 'docker.exec.udp', {
    ...base,
    port: String(spec.port),
  });
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

/**
 * Why a command's result says nothing about the network, or undefined: it was cut off (signal, output cap) or
 * docker could not run it (exit 125-127, or the daemon's or runtime's own message).
 */
export function execFailure(res: SshResult): string | undefined {
  if (res.code === null || res.truncated) return `probe was cut off${res.signal ? ` (SIG${res.signal})` : ''}`;
  if (res.code >= 125 || DOCKER_FAILURE.test(res.stderr)) {
    return `docker exec failed: ${firstLine(res.stderr) || `exit ${res.code}`}`;
  }
  return undefined;
}

/**
 * Reads one probe's exit status and output. ICMP: exit 0 is a reply (rtt from `time=`). TCP: exit 0 is a
 * connection, "refused" means the target's host answered (reachable, port closed). UDP: only an ICMP error
 * ("refused") is conclusive; silence is open-or-filtered. Docker's own failures are `unknown`, not isolation.
 */
export function interpretProbeResult(spec: ProbeSpec, res: SshResult, deadlineS: number): Attempt {
  const err = firstLine(res.stderr);
  const measured = Math.round(res.durationMs * 10) / 10;
  const failed = execFailure(res);
  if (failed !== undefined || res.code === null) return unknownAttempt(failed ?? 'probe was cut off');
  const refused = /refused/i.test(res.stderr);
  if (spec.proto === 'icmp') {
    if (res.code === 0) {
      const rtt = /time[=<]\s*([\d.]+)\s*ms/.exec(res.stdout);
      return { ok: true, outcome: 'reachable', rttMs: rtt ? Number(rtt[1]) : measured, detail: 'echo reply' };
    }
    return interpretPingFailure(res, err, deadlineS);
  }
  if (spec.proto === 'tcp') {
    if (res.code === 0) return { ok: true, outcome: 'reachable', rttMs: measured, detail: 'connected' };
    if (refused)
      return {
        ok: true,
        outcome: 'reachable',
        rttMs: measured,
        detail: 'connection refused: the host answered, port closed',
      };
    return { ok: false, outcome: 'isolated', rttMs: null, detail: err || `no connection within ${deadlineS} s` };
  }
  if (refused)
    return { ok: true, outcome: 'reachable', rttMs: measured, detail: 'ICMP port unreachable: the host answered' };
  if (res.code === 0) {
    return {
      ok: false,
      outcome: 'inconclusive',
      rttMs: null,
      detail: 'no answer and no ICMP error (open or filtered)',
    };
  }
  return { ok: false, outcome: 'isolated', rttMs: null, detail: err || `exit ${res.code}` };
}

/**
 * A ping that exited non-zero means isolation only when it really sent: iputils and busybox both print their
 * "N packets transmitted" summary then (iputils ping/ping_common.c finish(), busybox networking/ping.c
 * print_stats_and_exit), or report the route as unreachable. One that could not run at all (no NET_RAW in a
 * `--cap-drop net_raw` container, as Weave's isolation guide asks; "permission denied", "Operation not permitted")
 * proves nothing: `unknown`, never `isolated`.
 */
function interpretPingFailure(res: SshResult, err: string, deadlineS: number): Attempt {
  const sent = /\d+ packets transmitted/.test(res.stdout) || /unreachable/i.test(`${res.stdout}\n${res.stderr}`);
  if (sent || (res.code === 1 && !err)) {
    return { ok: false, outcome: 'isolated', rttMs: null, detail: err || `no reply within ${deadlineS} s` };
  }
  return { ok: false, outcome: 'unknown', rttMs: null, detail: `ping could not run: ${err || `exit ${res.code}`}` };
}

/** Decides whether a first attempt gets its one retry. */
export type RetryPolicy = (first: Attempt) => boolean;

/** Retry anything that did not get through (the safe default when nothing is expected). */
const retryUnlessReachable: RetryPolicy = (first) => first.outcome !== 'reachable';

/**
 * What a failed SSH run means for a probe: cancellation propagates (rethrown); anything else is recorded against
 * the host (a dead host is not waited on again) and becomes an `unknown` attempt with the reason.
 */
export function sshFailure(err: unknown, host: string, health: HostHealth, signal: AbortSignal): Attempt {
  if (signal.aborted || (isNetopsError(err) && err.code === ErrorCode.Cancelled)) throw err;
  health.recordError(host, err);
  return unknownAttempt(isNetopsError(err) && err.userMessage ? err.userMessage : (err as Error).message);
}

/** One attempt of one probe over SSH; a host already known to be down is not tried. */
export async function attemptProbe(
  run: SshRunner,
  health: HostHealth,
  target: ProbeTarget,
  spec: ProbeSpec,
  timing: ProbeTiming,
  signal: AbortSignal,
): Promise<Attempt> {
  const down = health.reasonDown(target.host);
  if (down) return unknownAttempt(`host ${target.host} is down: ${down}`);
  try {
    const res = await run(target.host, buildProbeCommand(target, spec, timing.deadlineS), {
      signal,
      timeoutMs: timing.timeoutMs,
    });
    health.recordSuccess(target.host);
    return interpretProbeResult(spec, res, timing.deadlineS);
  } catch (err) {
    return sshFailure(err, target.host, health, signal);
  }
}

/** A probe's result from its first attempt, making the second one when `shouldRetry` says so and the host is up. */
export async function withOneRetry(
  spec: ProbeSpec,
  host: string,
  health: HostHealth,
  shouldRetry: RetryPolicy,
  first: Attempt,
  again: () => Promise<Attempt>,
): Promise<ProbeResult> {
  if (!shouldRetry(first) || health.reasonDown(host)) return { ...spec, ...first, attempts: 1 };
  return { ...spec, ...(await again()), attempts: 2 };
}

/**
 * Runs one probe with one retry when `shouldRetry` says so (as the Kubernetes e2e suite retries before a
 * mismatch counts). Never throws for a failed host: SSH errors become `unknown` with the reason, and a host
 * already known to be down is not tried again. Cancellation propagates.
 */
export async function runProbe(
  run: SshRunner,
  health: HostHealth,
  target: ProbeTarget,
  spec: ProbeSpec,
  timing: ProbeTiming,
  signal: AbortSignal,
  shouldRetry: RetryPolicy = retryUnlessReachable,
): Promise<ProbeResult> {
  const once = () => attemptProbe(run, health, target, spec, timing, signal);
  return withOneRetry(spec, target.host, health, shouldRetry, await once(), once);
}
