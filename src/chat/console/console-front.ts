import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Report } from '../../report/model.js';
import type { JobRecord, JobStore } from '../../stores/job-store.js';
import { toStatusView } from '../../stores/job-store.js';
import type { Intake, IntakeResult } from '../intake.js';
import { renderConsole, renderConsoleReport } from '../render/render-console.js';
import { watchJob } from './watch-job.js';

export interface ConsoleRunResult {
  intake: IntakeResult;
  /** The finished job, when the command was queued. */
  record?: JobRecord;
  report?: Report;
  /** 0 ok, 1 failed job or refused, 2 usage error (the one-shot CLI's exit codes). */
  exitCode: number;
}

export interface ConsoleFrontDeps {
  intake: Intake;
  store: JobStore;
  subscriber: () => Redis;
  write: (text: string) => void;
  userId: string;
  /** Print step changes while waiting (off for --json). */
  showProgress: boolean;
}

/**
 * Runs one command for a terminal user: intake, then (when queued) follows the job to its end, printing each
 * step once, and returns the final record and report. Shared by the REPL and the one-shot CLI.
 */
export async function runConsoleCommand(
  deps: ConsoleFrontDeps,
  text: string,
  signal?: AbortSignal,
): Promise<ConsoleRunResult> {
  const result = await deps.intake({
    text,
    userId: deps.userId,
    requestId: `console-${randomUUID()}`,
    reply: { kind: 'console' },
  });
  if (result.kind === 'usage') return { intake: result, exitCode: 2 };
  if (result.kind === 'refused' || result.kind === 'error') return { intake: result, exitCode: 1 };
  if (result.kind === 'answer') return { intake: result, report: result.report, exitCode: result.report.ok ? 0 : 1 };
  const subscriber = deps.subscriber();
  try {
    const record = await watchJob({
      store: deps.store,
      subscriber,
      jobId: result.jobId,
      ...(signal ? { signal } : {}),
      onChange: (rec) => {
        if (!deps.showProgress) return;
        const where = rec.queuePosition ? ` (waiting, position ${rec.queuePosition})` : '';
        if (rec.state === 'queued') deps.write(`… queued as job ${rec.jobId}${where}\n`);
        else if (rec.state === 'running') deps.write(`… ${rec.step ?? 'running'}${where}\n`);
      },
    });
    const report = await deps.store.getReport(result.jobId);
    return { intake: result, record, ...(report ? { report } : {}), exitCode: record.state === 'succeeded' ? 0 : 1 };
  } finally {
    subscriber.disconnect();
  }
}

/** Terminal text of a finished console command. */
export function formatConsoleResult(res: ConsoleRunResult): string {
  switch (res.intake.kind) {
    case 'usage':
      return `usage error: ${res.intake.message}\n`;
    case 'refused':
      return `refused: ${res.intake.message}\n`;
    case 'error':
      return `error: ${res.intake.message}\n`;
    case 'answer':
      return res.report ? renderConsoleReport(res.report) : '';
    case 'queued':
      return res.record ? renderConsole(toStatusView(res.record), res.report) : '';
  }
}

/** The JSON printed by `--json`: the Report, or a minimal failure object when there is none. */
export function toJsonOutput(res: ConsoleRunResult): unknown {
  if (res.report) return res.report;
  const message =
    res.intake.kind === 'queued'
      ? (res.record?.errorText ?? res.record?.state)
      : 'message' in res.intake
        ? res.intake.message
        : '';
  const command = res.intake.kind === 'queued' ? res.intake.command.name : undefined;
  return {
    command,
    ok: false,
    state: res.record?.state ?? res.intake.kind,
    error: message,
    ...(res.record ? { jobId: res.record.jobId } : {}),
  };
}
