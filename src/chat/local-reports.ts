import type { CancelOutcome } from '../queue/cancel.js';
import type { JobRecord } from '../queue/job-store.js';
import type { Report } from '../report/model.js';

/** `/jobs`: the caller's recent jobs with state and duration, newest first. */
export function buildJobsReport(records: JobRecord[], nowMs: number): Report {
  if (records.length === 0) {
    return {
      command: 'jobs',
      ok: true,
      title: 'No jobs yet',
      blocks: [{ kind: 'text', text: 'You have not run any command yet.' }],
      jobs: [],
    };
  }
  const rows = records.map((r) => [
    r.jobId,
    r.commandText.length > 60 ? `${r.commandText.slice(0, 57)}...` : r.commandText,
    r.step && r.state === 'running' ? `running: ${r.step}` : r.state,
    formatDuration((r.finishedAt ?? nowMs) - (r.startedAt ?? r.createdAt)),
    new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19),
  ]);
  return {
    command: 'jobs',
    ok: true,
    title: `Your last ${records.length} job${records.length === 1 ? '' : 's'}`,
    blocks: [{ kind: 'table', columns: ['job', 'command', 'state', 'duration', 'started (UTC)'], rows }],
    jobs: records.map((r) => ({
      jobId: r.jobId,
      command: r.commandText,
      state: r.state,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt ?? null,
    })),
  };
}

/** `/cancel`: what happened to the job. */
export function buildCancelReport(jobId: string, outcome: CancelOutcome): Report {
  const messages: Record<CancelOutcome['kind'], string> = {
    cancelled: `Job \`${jobId}\` was removed from the queue before it started.`,
    requested: `Cancel requested for job \`${jobId}\`; its message will say when it has stopped.`,
    finished: `Job \`${jobId}\` has already finished: nothing to cancel.`,
    'not-found': `There is no job \`${jobId}\`. See \`/jobs\` for your jobs.`,
    'not-yours': `Job \`${jobId}\` was started by someone else; only they (or an admin) can cancel it.`,
  };
  const ok = outcome.kind === 'cancelled' || outcome.kind === 'requested';
  return {
    command: 'cancel',
    ok,
    title: messages[outcome.kind],
    blocks: [{ kind: 'text', text: messages[outcome.kind] }],
    jobId,
    outcome: outcome.kind,
  };
}

/** `1.2 s`, `3 min 4 s`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
