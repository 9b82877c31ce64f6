import { buildCommand, PING_BATCH_MAX, type SshCommand, type SshResult } from '../../clients/ssh/index.js';
import { type Attempt, execFailure, interpretProbeResult, unknownAttempt } from './probe.js';

// docker.exec.ping.batch (src/clients/ssh/templates.ts) runs `ping -c 1 -W <s> <ip>` towards many targets at once
// in one `docker exec` and prints one line per target. This file builds those commands and reads their output
// back into one attempt per target, read exactly as a lone docker.exec.ping would be.

const ICMP = { proto: 'icmp', port: null } as const;
const LINE_TAG = 'netops-probe ';
const FIELD = '\x1f';
const RC = /^rc (\d{1,3})$/;

/** One batch command and the targets it carries. */
export interface PingBatch {
  command: SshCommand;
  ips: string[];
}

/** The batch commands for one source container's targets, PING_BATCH_MAX targets each at most. */
export function buildPingBatches(container: string, ips: readonly string[], deadlineS: number): PingBatch[] {
  const batches: PingBatch[] = [];
  for (let i = 0; i < ips.length; i += PING_BATCH_MAX) {
    const chunk = ips.slice(i, i + PING_BATCH_MAX);
    batches.push({
      command: buildCommand('docker.exec.ping.batch', { container, timeoutS: String(deadlineS), ips: chunk }),
      ips: chunk,
    });
  }
  return batches;
}

/** One target's ping as the batch printed it: its exit status and its own stdout and stderr lines. */
export interface PingLine {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Splits a batch's stdout into one PingLine per target. Only whole lines count: the tag, a target of this batch,
 * exactly one `rc`, no second tag inside (two lines run together). A target printed twice keeps neither line. A
 * target without a whole line is absent from the map: the caller must say `unknown`, never guess.
 */
export function parsePingBatch(stdout: string, ips: readonly string[]): Map<string, PingLine> {
  const wanted = new Set(ips);
  const seen = new Set<string>();
  const out = new Map<string, PingLine>();
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
    const codes = fields.filter((f) => RC.test(f)).map((f) => Number(f.slice(3)));
    if (codes.length !== 1 || (codes[0] as number) > 255) continue;
    const code = codes[0] as number;
    const stderr = fields.filter((f) => f.startsWith('E ')).map((f) => f.slice(2));
    const own = fields.filter((f) => f && !f.startsWith('E ') && !RC.test(f));
    out.set(ip, { code, stdout: own.join('\n'), stderr: stderr.join('\n') });
  }
  return out;
}

/** A target's first attempt from a batch; `printed` is false when the batch gave no whole line for it. */
export interface BatchOutcome {
  attempt: Attempt;
  printed: boolean;
}

/**
 * Reads one finished batch: each target's line as a lone ping's result (interpretProbeResult), so the verdict
 * rules are the same ones. The shell's own 126/127 (ping missing or not executable) and a ping killed by a signal
 * prove nothing: `unknown`. A target without a line is `unknown` with the batch's own failure when there is one
 * (no such container, no `sh` in the image, cut off).
 */
export function readPingBatch(res: SshResult, ips: readonly string[], deadlineS: number): Map<string, BatchOutcome> {
  const lines = parsePingBatch(res.stdout, ips);
  const missing = execFailure(res) ?? 'the batched ping printed no whole result line for it';
  return new Map(
    ips.map((ip): [string, BatchOutcome] => {
      const line = lines.get(ip);
      if (!line) return [ip, { attempt: unknownAttempt(missing), printed: false }];
      if (line.code >= 125) {
        const why = line.stderr.split('\n')[0]?.trim() || `exit ${line.code}`;
        return [ip, { attempt: unknownAttempt(`ping could not run: ${why}`), printed: true }];
      }
      // The batch's duration is no round-trip time: an rtt comes only from ping's own `time=`.
      const attempt = interpretProbeResult(ICMP, { ...line, truncated: false, durationMs: Number.NaN }, deadlineS);
      const rttMs = attempt.rttMs !== null && Number.isFinite(attempt.rttMs) ? attempt.rttMs : null;
      return [ip, { attempt: { ...attempt, rttMs }, printed: true }];
    }),
  );
}
