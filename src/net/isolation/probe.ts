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

type Attempt = Pick<ProbeResult, 'ok' | 'outcome' | 'rttMs' | 'detail'>;

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
 * Reads one probe's exit status and output. ICMP: exit 0 is a reply (rtt from `time=`). TCP: exit 0 is a
 * connection, "refused" means the target's host answered (reachable, port closed). UDP: only an ICMP error
 * ("refused") is conclusive; silence is open-or-filtered. Docker's own failures are `unknown`, not isolation.
 */
export function interpretProbeResult(spec: ProbeSpec, res: SshResult, deadlineS: number): Attempt {
  const err = firstLine(res.stderr);
  const measured = Math.round(res.durationMs * 10) / 10;
  if (res.code === null || res.truncated) {
    return {
      ok: false,
      outcome: 'unknown',
      rttMs: null,
      detail: `probe was cut off${res.signal ? ` (SIG${res.signal})` : ''}`,
    };
  }
  if (res.code >= 125 || DOCKER_FAILURE.test(res.stderr)) {
    return { ok: false, outcome: 'unknown', rttMs: null, detail: `docker exec failed: ${err || `exit ${res.code}`}` };
  }
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
  const command = buildProbeCommand(target, spec, timing.deadlineS);
  const once = async (): Promise<Attempt> => {
    const down = health.reasonDown(target.host);
    if (down) return { ok: false, outcome: 'unknown', rttMs: null, detail: `host ${target.host} is down: ${down}` };
    try {
      const res = await run(target.host, command, { signal, timeoutMs: timing.timeoutMs });
      health.recordSuccess(target.host);
      return interpretProbeResult(spec, res, timing.deadlineS);
    } catch (err) {
      if (signal.aborted || (isNetopsError(err) && err.code === ErrorCode.Cancelled)) throw err;
      health.recordError(target.host, err);
      const why = isNetopsError(err) && err.userMessage ? err.userMessage : (err as Error).message;
      return { ok: false, outcome: 'unknown', rttMs: null, detail: why };
    }
  };
  const first = await once();
  if (!shouldRetry(first) || health.reasonDown(target.host)) return { ...spec, ...first, attempts: 1 };
  const second = await once();
  return { ...spec, ...second, attempts: 2 };
}
