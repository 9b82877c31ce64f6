import type { Redis } from 'ioredis';
import type { ApprovalDecider } from '../access/approval-actions.js';
import { watchJob } from '../chat/console/watch-job.js';
import { renderConsole } from '../chat/render/render-console.js';
import { parseDurationMs } from '../commands/durations.js';
import { UsageError } from '../errors.js';
import type { AuditLog, AuditReadStats } from '../stores/audit-log.js';
import { type JobStore, toStatusView } from '../stores/job-store.js';

/** `approve <id>` / `reject <id>` / `audit export`, recognised from the CLI's words. */
export type AccessCliCommand =
  | { kind: 'decide'; decision: 'approve' | 'reject'; approvalId: string }
  | { kind: 'audit-export' };

/** The access sub-command the words name, if any. */
export function parseAccessCli(text: string): AccessCliCommand | undefined {
  const words = text.trim().split(/\s+/);
  if ((words[0] === 'approve' || words[0] === 'reject') && words.length === 2 && words[1]) {
    return { kind: 'decide', decision: words[0], approvalId: words[1] };
  }
  if (words[0] === 'audit' && words[1] === 'export' && words.length === 2) return { kind: 'audit-export' };
  return undefined;
}

/** `--since`: an ISO time, or a duration back from now (`24h`, `30m`); undefined means everything. */
export function parseSinceMs(since: string | undefined, nowMs: number): number {
  if (since === undefined) return 0;
  const days = /^(\d{1,4})d$/.exec(since);
  if (days) return nowMs - Number(days[1]) * 86_400_000;
  if (/^\d/.test(since) && !Number.isNaN(Date.parse(since)) && /[-T:]/.test(since)) return Date.parse(since);
  try {
    return nowMs - parseDurationMs(since);
  } catch {
    throw new UsageError(`--since ${since}: use an ISO time (2026-11-29T12:00:00Z) or a duration (30m, 24h, 7d)`);
  }
}

/**
 * Writes every audit record since `sinceMs` as JSON Lines, oldest first; returns how many. A malformed record is
 * skipped and counted (`stats.skipped`), never the end of the export.
 */
export async function exportAudit(
  log: Pick<AuditLog, 'readSince'>,
  sinceMs: number,
  write: (line: string) => void,
  stats: AuditReadStats = { skipped: 0 },
) {
  let count = 0;
  for await (const record of log.readSince(sinceMs, 500, stats)) {
    write(`${JSON.stringify(record)}\n`);
    count++;
  }
  return count;
}

/**
 * Approves or rejects from the terminal, then (after an approval) follows the apply job to its end and prints
 * it like any console command. Exit 0 when applied (or rejected), 1 when refused or the apply failed.
 */
export async function runDecisionCli(
  deps: { decide: ApprovalDecider; store: JobStore; subscriber: () => Redis; write: (text: string) => void },
  cmd: { decision: 'approve' | 'reject'; approvalId: string; userId: string },
  signal?: AbortSignal,
): Promise<number> {
  const result = await deps.decide({
    approvalId: cmd.approvalId,
    decision: cmd.decision,
    userId: cmd.userId,
    reply: { kind: 'console' },
  });
  if (!result.ok) {
    deps.write(`refused: ${result.message}\n`);
    return 1;
  }
  deps.write(`${result.message}\n`);
  if (!result.applyJobId) return 0;
  const subscriber = deps.subscriber();
  try {
    const record = await watchJob({
      store: deps.store,
      subscriber,
      jobId: result.applyJobId,
      ...(signal ? { signal } : {}),
    });
    const report = await deps.store.getReport(result.applyJobId);
    deps.write(renderConsole(toStatusView(record), report));
    return record.state === 'succeeded' ? 0 : 1;
  } finally {
    subscriber.disconnect();
  }
}
