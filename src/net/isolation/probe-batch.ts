import { buildCommand, PING_BATCH_MAX, type SshCommand, type SshResult } from '../../clients/ssh/index.js';
import { ErrorCode, isNetopsError } from '../../errors.js';
import type { HostHealth } from './host-health.js';
import { type Attempt, execFailure, interpretProbeResult, type ProbeTiming, type SshRunner } from './probe.js';

const ICMP = { proto: 'icmp', port: null } as const;
const LINE_TAG = 'netops-probe ';
const FIELD = '\x1f';
const RC = /^rc (\d{1,3})$/;
/**
 * Room per target on top of one probe's timeout: the batch's pings run at once, so it ends about when the slowest
 * does, but the container's shell forks one subshell and one ping per target first.
 */
const BATCH_SLACK_MS_PER_TARGET = 25;

/** One exec's targets as allowlisted commands: at most PING_BATCH_MAX IPs each. */
export function buildPingBatchCommands(container: string, ips: readonly string[], deadlineS: number): SshCommand[] {
  const commands: SshCommand[] = [];
  for (let i = 0; i < ips.length; i += PING_BATCH_MAX) {
    const chunk = ips.slice(i, i + PING_BATCH_MAX);
    commands.push(buildCommand('docker.exec.ping.batch', { container, timeoutS: String(deadlineS), ips: chunk }));
  }
  return commands;
}

/**
 * Splits the batch's stdout into one SshResult per target, as if each ping had run alone: its exit status, its
 * stdout and stderr lines. A line that is not whole (no tag, an unknown or repeated IP, not exactly one `rc`, a
 * second tag inside) is dropped and the IP given nothing, so it becomes `unknown`: never a guessed verdict.
 */
export function parsePingBatch(stdout: string, ips: readonly string[], durationMs: number): Map<string, SshResult> {
  const wanted = new Set(ips);
  const seen = new Set<string>();
  const out = new Map<string, SshResult>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(LINE_TAG)) continue;
    const [head = '', ...fields] = line.split(FIELD);
    const ip = head.slice(LINE_TAG.length);
    if (!wanted.has(ip) || fields.some((f) => f.includes(LINE_TAG))) continue;
    if (seen.has(ip)) {
      out.delete(ip);
      continue;
    }
    seen.add(ip);
    const codes = fields.map((f) => RC.exec(f)).filter((m) => m !== null);
    if (codes.length !== 1) continue;
    const stderr = fields.filter((f) => f.startsWith('E ')).map((f) => f.slice(2));
    const stdoutLines = fields.filter((f) => !f.startsWith('E ') && !RC.test(f));
    out.set(ip, {
      code: Number(codes[0]![1]),
      stdout: stdoutLines.join('\n'),
      stderr: stderr.join('\n'),
      truncated: false,
      // The batch's time, not this ping's: only used when ping printed no `time=` (interpretProbeResult).
      durationMs,
    });
  }
  return out;
}

/** The first ICMP attempt of every target of one source container, keyed by target IP. */
export type BatchAttempts = Map<string, Attempt>;

const unknownFor = (ips: readonly string[], detail: string): BatchAttempts =>
  new Map(ips.map((ip) => [ip, { ok: false, outcome: 'unknown', rttMs: null, detail }]));

/** Runs one batch command; SSH failures become `unknown` for its targets, cancellation propagates. */
async function runOneBatch(
  run: SshRunner,
  health: HostHealth,
  host: string,
  command: SshCommand,
  ips: readonly string[],
  timing: ProbeTiming,
  signal: AbortSignal,
): Promise<BatchAttempts> {
  const down = health.reasonDown(host);
  if (down) return unknownFor(ips, `host ${host} is down: ${down}`);
  let res: SshResult;
  try {
    const timeoutMs = timing.timeoutMs + BATCH_SLACK_MS_PER_TARGET * ips.length;
    res = await run(host, command, { signal, timeoutMs });
    health.recordSuccess(host);
  } catch (err) {
    if (signal.aborted || (isNetopsError(err) && err.code === ErrorCode.Cancelled)) throw err;
    health.recordError(host, err);
    return unknownFor(ips, isNetopsError(err) && err.userMessage ? err.userMessage : (err as Error).message);
  }
  const perIp = parsePingBatch(res.stdout, ips, res.durationMs);
  // No line for a target: the batch itself failed (no sh in the image, container gone, cut off); read that
  // whole result as the single probe's would be, so docker's own failure is named, and otherwise say so.
  const fallback = execFailure(res) ?? 'the batched probe printed no whole result line for it';
  return new Map(
    ips.map((ip): [string, Attempt] => {
      const one = perIp.get(ip);
      if (!one) return [ip, { ok: false, outcome: 'unknown', rttMs: null, detail: fallback }];
      return [ip, interpretProbeResult(ICMP, one, timing.deadlineS)];
    }),
  );
}

/**
 * First ICMP attempts from one source container to all its targets: one SSH exec per PING_BATCH_MAX targets
 * instead of one per pair. The verdict of each target is read exactly as a lone `ping -c 1 -W` would be.
 */
export async function runPingBatch(
  run: SshRunner,
  health: HostHealth,
  source: { host: string; container: string },
  ips: readonly string[],
  timing: ProbeTiming,
  signal: AbortSignal,
): Promise<BatchAttempts> {
  const commands = buildPingBatchCommands(source.container, ips, timing.deadlineS);
  const parts = await Promise.all(
    commands.map((command, i) =>
      runOneBatch(
        run,
        health,
        source.host,
        command,
        ips.slice(i * PING_BATCH_MAX, (i + 1) * PING_BATCH_MAX),
        timing,
        signal,
      ),
    ),
  );
  return new Map(parts.flatMap((m) => [...m]));
}
